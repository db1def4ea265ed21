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


def run_add(args: argparse.Namespace, rt: Runtime) -> int:
    raise UsageError(
        "`waivers add` is replaced: request a waiver with `cyberreview waivers request` "
        "(the same options, without --approver), and another identity approves it with "
        "`cyberreview waivers approve ID`"
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
    said = (
        f"{waiver.id}: requested by {waiver.requested_by}: {waiver.rule} for "
        f"{scope.describe()} until {waiver.expires}; it applies once another identity "
        f"approves it (cyberreview waivers approve {waiver.id})"
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
        said = (
            f"{waiver.id}: approved by {waiver.approver} (requested by {waiver.requested_by}): "
            f"{waiver.rule} waived for {waiver.scope.describe()} until {waiver.expires}"
        )
    else:
        said = f"{waiver.id}: rejected by {waiver.decided_by} (requested by {waiver.requested_by})"
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


_COLUMNS = (
    ("ID", "id", 8),
    ("STATE", "state", 9),
    ("RULE", "rule", 20),
    ("SCOPE", "scope", 28),
    ("EXPIRES", "expires", 10),
    ("REQUESTER", "requested_by", 14),
    ("APPROVER", "approver", 14),
    ("TICKET", "ticket", 10),
    ("REASON", "reason", 0),
)


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if key == "scope":
        return Scope(**(value or {})).describe()
    return "-" if value is None or value == "" else str(value)


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import listing

    on = args.as_of or dt.date.today()
    with _store(rt) as store:
        rows = listing(store, on)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, default=str, ensure_ascii=False) + "\n")
    elif not rows:
        sys.stdout.write("no waivers\n")
    else:
        cells = [[_cell(row, key) for _, key, _ in _COLUMNS] for row in rows]
        widths = [
            max(width, len(title), *(len(line[n]) for line in cells)) if width else 0
            for n, (title, _, width) in enumerate(_COLUMNS)
        ]
        for line in [[title for title, _, _ in _COLUMNS], *cells]:
            text = "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
            sys.stdout.write(printable(text.rstrip()) + "\n")
    for row in rows:
        if row["warning"]:
            note(f"warning: {row['warning']}")
    return EXIT_OK


def run_revoke(args: argparse.Namespace, rt: Runtime) -> int:
    on = args.on or dt.date.today()
    with _store(rt) as store:
        store.revoke_waiver(args.waiver_id, on, _actor(args), args.reason)
    sys.stdout.write(f"{args.waiver_id}: revoked from {on}\n")
    return EXIT_OK


def run_import(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers import legacy_files
    from ..waivers.admin import import_files

    files = args.files or legacy_files(home_dir())
    if not files:
        raise UsageError(
            f"give waiver FILEs to import ($CYBERREVIEW_HOME holds no {LEGACY_FILE} or "
            f"{LEGACY_DIR}/*.yaml of an earlier version)"
        )
    with _store(rt) as store:
        run = import_files(rt.catalog, store, files, _actor(args), home_dir())
    for done in run.files:
        result = done.result
        sys.stdout.write(
            f"{done.path}: {len(result.added)} added, {len(result.revoked)} revoked, "
            f"{len(result.unchanged)} unchanged"
            + (f"; renamed {done.moved_to.name}" if done.moved_to else "")
            + "\n"
        )
        for line in result.notes:
            note(f"note: {line}")
    for line in run.not_moved:
        note(
            f"warning: imported, but could not rename {line}: move it away, or deciding "
            "stays refused"
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
    sys.stdout.write(f"wrote {args.output}\n")
    return EXIT_OK
