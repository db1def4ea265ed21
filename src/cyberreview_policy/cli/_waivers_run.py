"""What ``cyberreview waivers`` verbs do, once parsed (cli/waivers.py): each calls the
waiver service (waivers/admin.py) and prints what came of it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..env import current_actor, home_dir, redact_url
from ..errors import UsageError
from ..i18n.catalog import N_, _
from ..runtime import Runtime
from ..waivers import LEGACY_DIR, LEGACY_FILE, Scope
from ._common import EXIT_OK, note
from ._render import printable

if TYPE_CHECKING:
    from ..cases.base import CaseStore


@contextmanager
def _store(rt: Runtime) -> Iterator[CaseStore]:
    store = rt.store()
    try:
        yield store
    finally:
        store.close()


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or current_actor())


#: a waiver's scope, each part as it is said (``Scope.describe()`` stays English: the
#: findings' messages use it)
_SCOPE = {
    "record": N_("record {value}"),
    "product_model": N_("product model {value}"),
    "vendor": N_("vendor {value}"),
    "operator": N_("operator {value}"),
}


def _scope(scope: Scope) -> str:
    """``scope`` in the language of this context."""
    return ", ".join(
        _(_SCOPE[name]).format(value=value) for name, value in vars(scope).items() if value
    )


def run_add(args: argparse.Namespace, rt: Runtime) -> int:
    raise UsageError(
        _(
            "`waivers add` is replaced: request a waiver with `cyberreview waivers request` "
            "(the same options, without --approver), and another identity approves it with "
            "`cyberreview waivers approve ID`"
        )
    )


def run_request(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import request_waiver

    scope = Scope(args.record, args.product_model, args.vendor, args.operator)
    with _store(rt) as store:
        waiver = request_waiver(
            rt.catalog,
            store,
            rule=args.rule,
            scope=scope,
            reason=args.reason,
            expires=args.expires,
            actor=_actor(args),
            created=args.created,
            ticket=args.ticket,
            pack=args.pack,
        )
    said = _(
        "{id}: requested by {by}: {rule} for {scope} until {expires}; it applies once "
        "another identity approves it (cyberreview waivers approve {id})"
    ).format(
        id=waiver.id,
        by=waiver.requested_by,
        rule=waiver.rule,
        scope=_scope(scope),
        expires=waiver.expires,
    )
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


def run_decide(args: argparse.Namespace, rt: Runtime) -> int:
    """``waivers approve`` and ``waivers reject`` (``args.approve`` tells which)."""
    from ..waivers.admin import approve_waiver, reject_waiver

    decide = approve_waiver if args.approve else reject_waiver
    with _store(rt) as store:
        waiver = decide(store, args.waiver_id, actor=_actor(args), note=args.note)
    if args.approve:
        said = _(
            "{id}: approved by {by} (requested by {requester}): {rule} waived for {scope} "
            "until {expires}"
        ).format(
            id=waiver.id,
            by=waiver.approver,
            requester=waiver.requested_by,
            rule=waiver.rule,
            scope=_scope(waiver.scope),
            expires=waiver.expires,
        )
    else:
        said = _("{id}: rejected by {by} (requested by {requester})").format(
            id=waiver.id, by=waiver.decided_by, requester=waiver.requested_by
        )
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


_COLUMNS = (
    (N_("ID"), "id", 8),
    (N_("STATE"), "state", 9),
    (N_("RULE"), "rule", 20),
    (N_("SCOPE"), "scope", 28),
    (N_("EXPIRES"), "expires", 10),
    (N_("REQUESTER"), "requested_by", 14),
    (N_("APPROVER"), "approver", 14),
    (N_("TICKET"), "ticket", 10),
    (N_("REASON"), "reason", 0),
)


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if key == "scope":
        return _scope(Scope(**(value or {})))
    return "-" if value is None or value == "" else str(value)


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import listing

    on = args.as_of or dt.date.today()
    with _store(rt) as store:
        rows = listing(store, on)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, default=str, ensure_ascii=False) + "\n")
    elif not rows:
        sys.stdout.write(_("no waivers") + "\n")
    else:
        from ..i18n import pad, width

        titles = [_(title) for title, _key, _width in _COLUMNS]
        cells = [[_cell(row, key) for _title, key, _width in _COLUMNS] for row in rows]
        widths = [
            max(least, width(titles[n]), *(width(line[n]) for line in cells)) if least else 0
            for n, (_title, _key, least) in enumerate(_COLUMNS)
        ]
        for line in [titles, *cells]:
            text = "  ".join(pad(cell, w) for cell, w in zip(line, widths, strict=True))
            sys.stdout.write(printable(text.rstrip()) + "\n")
    for row in rows:
        if row["warning"]:
            note(_("warning: {warning}").format(warning=row["warning"]))
    return EXIT_OK


def run_revoke(args: argparse.Namespace, rt: Runtime) -> int:
    on = args.on or dt.date.today()
    with _store(rt) as store:
        store.revoke_waiver(args.waiver_id, on, _actor(args), args.reason)
    sys.stdout.write(_("{id}: revoked from {on}").format(id=args.waiver_id, on=on) + "\n")
    return EXIT_OK


def run_import(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers import legacy_files
    from ..waivers.admin import import_files

    files = args.files or legacy_files(home_dir())
    if not files:
        raise UsageError(
            _(
                "give waiver FILEs to import ($CYBERREVIEW_HOME holds no {file} or "
                "{folder}/*.yaml of an earlier version)"
            ).format(file=LEGACY_FILE, folder=LEGACY_DIR)
        )
    with _store(rt) as store:
        run = import_files(rt.catalog, store, files, _actor(args), home_dir())
    for done in run.files:
        result = done.result
        renamed = _("; renamed {name}").format(name=done.moved_to.name) if done.moved_to else ""
        sys.stdout.write(
            _("{path}: {added} added, {revoked} revoked, {unchanged} unchanged{renamed}").format(
                path=done.path,
                added=len(result.added),
                revoked=len(result.revoked),
                unchanged=len(result.unchanged),
                renamed=renamed,
            )
            + "\n"
        )
        for line in result.notes:
            note(_("note: {text}").format(text=line))
    for line in run.not_moved:
        note(
            _(
                "warning: imported, but could not rename {file}: move it away, or deciding "
                "stays refused"
            ).format(file=line)
        )
    return EXIT_OK


def run_export(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import export_text

    with _store(rt) as store:
        text = export_text(store, redact_url(store.url))
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {args.output}: {exc.strerror or exc}") from None
    sys.stdout.write(_("wrote {path}").format(path=args.output) + "\n")
    return EXIT_OK
