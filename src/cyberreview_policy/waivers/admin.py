"""Changing waivers: one implementation for ``cyberreview waivers``, the service's
``/v1/waivers`` routes and any other front end (a web page): request, approve,
reject, list.  Every change is one transaction of the case store, audited in it
(:mod:`cyberreview_policy.cases.waiverstate`), which also refuses an identity
deciding on its own request and a second decision.  Messages name fields, never
command-line flags: the service shows them as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cases.base import CaseStore
from ..errors import UsageError, WaiverError
from ..i18n.catalog import _
from ..models.waiver import MAX_DAYS, Scope, Waiver
from .core import IMPORTED_SUFFIX, legacy_files, load_all

if TYPE_CHECKING:
    from ..cases.waiverstate import Imported
    from ..policy.catalog import Catalog

#: ``waivers list`` and ``GET /v1/waivers`` warn of a waiver that ends within this
EXPIRING_DAYS = 30


def check_rule(catalog: Catalog, rule: str, pack: str | None) -> None:
    """Raise :class:`UsageError` unless a registered pack has ``rule`` and may waive it."""
    found = []
    for entry in catalog.entries.values():
        if pack and entry.manifest.id != pack:
            continue
        for compiled in catalog.load(entry).rules:
            if compiled.id == rule:
                found.append((entry.manifest.id, compiled.overridable))
    if not found:
        raise UsageError(_("no registered pack has a rule {rule}").format(rule=repr(rule)))
    fixed = [pid for pid, overridable in found if not overridable]
    if fixed:
        raise UsageError(
            _("rule {rule} of pack {fixed} is not overridable: no waiver can set it aside").format(
                rule=rule, fixed=fixed[0]
            )
        )


def request_waiver(
    catalog: Catalog,
    store: CaseStore,
    *,
    rule: str,
    scope: Scope,
    reason: str,
    expires: dt.date,
    actor: str,
    created: dt.date | None = None,
    ticket: str | None = None,
    pack: str | None = None,
) -> Waiver:
    """Request a waiver as ``actor``: checked, numbered by the store, stored and audited
    at once.  It sets nothing aside until another identity approves it."""
    if not scope.describe():
        raise UsageError(_("a waiver needs a scope: a record, product model, vendor or operator"))
    if not reason.strip():
        raise UsageError(_("a waiver needs a reason"))
    created = created or dt.date.today()
    if expires < created or (expires - created).days > MAX_DAYS:
        raise UsageError(
            _(
                "expires {expires} must be within {MAX_DAYS} days after the waiver "
                "starts ({created})"
            ).format(expires=expires, MAX_DAYS=MAX_DAYS, created=created)
        )
    check_rule(catalog, rule, pack)
    asked = Waiver("", rule, scope, reason, "", created, expires, ticket, pack)
    return store.request_waiver(asked, actor)


def approve_waiver(
    store: CaseStore, waiver_id: str, *, actor: str, note: str | None = None
) -> Waiver:
    """Approve a requested waiver as ``actor``, who must not be its requester; from
    then on (until it expires or is revoked) it sets findings aside."""
    return store.decide_waiver(waiver_id, True, actor, _note(note))


def reject_waiver(store: CaseStore, waiver_id: str, *, actor: str, note: str) -> Waiver:
    """Reject a requested waiver as ``actor``, who must not be its requester, saying why."""
    said = _note(note)
    if said is None:
        raise UsageError(_("a rejection says why: give a note"))
    return store.decide_waiver(waiver_id, False, actor, said)


def _note(note: str | None) -> str | None:
    return (note.strip() or None) if note is not None else None


def expiry_warning(waiver: Waiver, on: dt.date) -> str | None:
    """A warning for a waiver in force (or asked for) that ends within
    :data:`EXPIRING_DAYS` days of ``on``."""
    state = waiver.state(on)
    left = (waiver.expires - on).days
    if state not in ("active", "not yet", "requested") or not 0 <= left <= EXPIRING_DAYS:
        return None
    when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"
    return f"waiver {waiver.id} ({state}) expires {when}, on {waiver.expires}"


def listing(store: CaseStore, on: dt.date) -> list[dict[str, Any]]:
    """Every waiver of ``store``: what the waiver file holds, its ``state`` on ``on``,
    and a ``warning`` when it expires within :data:`EXPIRING_DAYS` days (else ``None``)."""
    return [
        {**w.to_yaml(), "state": w.state(on), "warning": expiry_warning(w, on)}
        for w in store.waivers()
    ]


@dataclass
class FileImport:
    """One file's import, and where a legacy file was moved to (``None``: left)."""

    path: Path
    result: Imported
    moved_to: Path | None = None


@dataclass
class ImportRun:
    files: list[FileImport] = field(default_factory=list)
    not_moved: list[str] = field(default_factory=list)  # legacy files that could not be renamed


def import_files(
    catalog: Catalog, store: CaseStore, paths: Sequence[Path], actor: str, home: Path
) -> ImportRun:
    """Import waiver files into ``store`` (every waiver checked against the packs
    first, each file in one transaction); a file of an earlier version's place in
    ``home`` is then renamed ``*.imported``."""
    waivers = load_all(paths)  # ids unique across the files, each located
    for waiver in waivers:
        try:
            check_rule(catalog, waiver.rule, waiver.pack)
        except UsageError as exc:
            raise WaiverError(str(exc), waiver.location, "rule") from None
    legacy = {p.resolve() for p in legacy_files(home)}
    run = ImportRun()
    for path in paths:
        mine = [w for w in waivers if w.location is not None and w.location.file == str(path)]
        done = FileImport(path, store.import_waivers(mine, actor, str(path)))
        if path.resolve() in legacy:
            target = path.with_name(path.name + IMPORTED_SUFFIX)
            try:
                path.rename(target)
                done.moved_to = target
            except OSError as exc:
                run.not_moved.append(f"{path}: {exc.strerror or exc}")
        run.files.append(done)
    return run


def export_text(store: CaseStore, where: str) -> str:
    """Every waiver of ``store`` as a waiver file (what ``waivers import`` reads), written
    so that it reads back exactly (control characters such as NEL included)."""
    from ..policy.yamlsrc import dump

    head = (
        f"# The waivers of the case store {where}, exported {dt.date.today()}.\n"
        "# Review changes in git, bring them back with `cyberreview waivers import FILE`:\n"
        "# new ids are added, a `revoked:` block revokes; a granted waiver is never changed.\n"
    )
    return head + dump({"waivers": [w.to_yaml() for w in store.waivers()]})
