"""Waivers: approved, time-limited exceptions to overridable rules.

A waiver names a rule, a scope (one record, or every record whose product
model, vendor or operator matches), a reason, a ticket and an expiry at most
365 days after it starts.  One identity requests it, another approves (or
rejects) it.  Approved, it sets aside the findings of that rule on records in
scope until it expires; an expired waiver no longer
applies and is itself reported as a warning.  A waiver can never name a rule
that is not overridable: that is a load error.

Waivers live in the case store (``cyberreview waivers request|approve|reject|revoke``,
``POST /v1/waivers``), so that every gate, sweep and service replica on a store sees
the same ones.  Waiver files (YAML, :mod:`.model`) are what ``waivers import``
reads and ``waivers export`` writes, to review waivers in git.  The files of
earlier versions, ``$CYBERREVIEW_HOME/waivers.yaml`` and ``waivers.d/*.yaml``,
are no longer read: while one is there, deciding is refused until
``cyberreview waivers import`` has brought them in (and moved them aside).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, WaiverError
from ..i18n.catalog import _
from ..models.waiver import Scope, Waiver

if TYPE_CHECKING:
    from ..cases.base import CaseStore
    from ..policy.pack import Pack

#: where earlier versions kept waivers, in ``$CYBERREVIEW_HOME``
LEGACY_FILE = "waivers.yaml"
LEGACY_DIR = "waivers.d"
#: what ``waivers import`` renames a legacy file to, once it is in the store
IMPORTED_SUFFIX = ".imported"


def _waiver(item: Any, where: Location) -> Waiver:
    scope = item.scope
    return Waiver(
        id=item.id,
        rule=item.rule,
        scope=Scope(scope.record, scope.product_model, scope.vendor, scope.operator),
        reason=item.reason,
        approver=item.approver or "",
        created=item.created,
        expires=item.expires,
        ticket=item.ticket,
        pack=item.pack,
        revoked_on=item.revoked.on if item.revoked else None,
        revoked_by=item.revoked.by if item.revoked else None,
        revoked_reason=item.revoked.reason if item.revoked else None,
        location=where,
        status=item.status,
        requested_by=item.requested_by,
        requested_on=item.requested_on,
        decided_by=item.decided_by,
        decided_on=item.decided_on,
        decision_note=item.decision_note,
    )


def load_file(path: Path) -> list[Waiver]:
    """Read and validate one waiver file (structure with lines, then the model)."""
    from ..errors import PolicyError
    from ..policy.yamlsrc import load, validate
    from .model import WaiverFile

    try:
        data, lines = load(path)
        if data is None:
            return []
        parsed = validate(WaiverFile, data, lines)
    except PolicyError as exc:
        raise WaiverError(exc.message, exc.location, exc.field) from None
    return [
        _waiver(item, lines.location(("waivers", index)))
        for index, item in enumerate(parsed.waivers)
    ]


def legacy_files(home: Path) -> list[Path]:
    """The waiver files of earlier versions still in ``home``."""
    managed = home / LEGACY_FILE
    hand = sorted((home / LEGACY_DIR).glob("*.yaml")) if (home / LEGACY_DIR).is_dir() else []
    return ([managed] if managed.is_file() else []) + hand


def refuse_legacy(home: Path) -> None:
    """Raise :class:`WaiverError` while a waiver file of an earlier version is in
    ``home``: its waivers would be silently ignored."""
    found = legacy_files(home)
    if found:
        more = f" (and {len(found) - 1} more waiver file(s) here)" if len(found) > 1 else ""
        raise WaiverError(
            _(
                "waivers now live in the case store, and this file{more} is no longer "
                "read: bring them in with `cyberreview waivers import` (which then "
                "renames them *{IMPORTED_SUFFIX})"
            ).format(more=more, IMPORTED_SUFFIX=IMPORTED_SUFFIX),
            Location(str(found[0])),
        )


def load_all(files: Iterable[Path]) -> list[Waiver]:
    waivers: list[Waiver] = []
    seen: dict[str, Location | None] = {}
    for path in files:
        for waiver in load_file(path):
            if waiver.id in seen:
                raise WaiverError(
                    _("waiver id {id} is used twice (first at {seen})").format(
                        id=repr(waiver.id), seen=seen[waiver.id]
                    ),
                    waiver.location,
                    "id",
                )
            seen[waiver.id] = waiver.location
            waivers.append(waiver)
    return waivers


def check_rules(waivers: Iterable[Waiver], packs: Sequence[Pack]) -> None:
    """A waiver may name only overridable rules: anything else is a load error."""
    for waiver in waivers:
        for pack in packs:
            if waiver.pack and waiver.pack != pack.id:
                continue
            for rule in pack.rules:
                if rule.id == waiver.rule and not rule.overridable:
                    raise WaiverError(
                        _(
                            "waiver {id} names rule {id2} of pack {id3}, which is not overridable: "
                            "no waiver can set it aside"
                        ).format(id=waiver.id, id2=rule.id, id3=pack.id),
                        waiver.location,
                        "rule",
                    )


class WaiverSet:
    """The waivers a decision consults, by rule."""

    def __init__(self, waivers: Iterable[Waiver]):
        self.by_rule: dict[str, list[Waiver]] = {}
        for waiver in waivers:
            self.by_rule.setdefault(waiver.rule, []).append(waiver)

    def __bool__(self) -> bool:
        return bool(self.by_rule)

    def find(
        self, pack: str, rule: str, record: Any, on: dt.date
    ) -> tuple[Waiver | None, Waiver | None]:
        """(the waiver that applies, or an expired one that would have), for a finding."""
        expired = None
        for waiver in self.by_rule.get(rule, ()):
            if (waiver.pack and waiver.pack != pack) or not waiver.scope.matches(record):
                continue
            state = waiver.state(on)
            if state == "active":
                return waiver, None
            if state == "expired":
                expired = waiver
        return None, expired


def for_run(
    store: CaseStore | None, home: Path, packs: Sequence[Pack], extra: Iterable[Waiver] = ()
) -> WaiverSet | None:
    """The waivers of ``store`` (none without one), checked against ``packs``, plus
    ``extra`` overrides; refused while ``home`` holds waiver files of earlier versions."""
    refuse_legacy(home)
    stored = store.waivers() if store is not None else []
    if store is not None and stored:
        check_trail(store, stored)
    waivers = [*stored, *extra]
    check_rules(waivers, packs)
    return WaiverSet(waivers) if waivers else None


def check_trail(store: CaseStore, waivers: Sequence[Waiver]) -> None:
    """Raise :class:`WaiverError` for a stored waiver that differs from its audit
    trail: changed (or added) in the database behind cyberreview's back, it could set
    aside what no approver waived."""
    from ..cases.trail import replay_waivers, waiver_differences

    told = replay_waivers(store.trail_of([w.id for w in waivers], "waiver."))
    for waiver in waivers:
        found = waiver_differences(waiver, told.get(waiver.id))
        if found:
            raise WaiverError(
                _(
                    "waiver {id} differs from its audit trail ({value}): it was changed "
                    "outside cyberreview, and nothing is decided until it is restored "
                    "(`cyberreview audit verify` names every difference)"
                ).format(id=waiver.id, value="; ".join(found))
            )


def override(
    rule: str, record: Any, *, reason: str, approver: str, on: dt.date, packs: Sequence[Pack]
) -> Waiver:
    """A waiver for one gate run: this rule, this record, this day."""
    from ..errors import UsageError

    overridable = sorted({r.id for pack in packs for r in pack.rules if r.overridable})
    known = {r.id: r.overridable for pack in packs for r in pack.rules}
    if rule not in known:
        raise UsageError(
            _("--override {rule}: no such rule; overridable rules: {value}").format(
                rule=rule, value=", ".join(overridable)
            )
        )
    if not known[rule]:
        raise UsageError(
            _("--override {rule}: the rule is not overridable; overridable rules: {value}").format(
                rule=rule, value=", ".join(overridable)
            )
        )
    return Waiver(
        id=f"override:{rule}",
        rule=rule,
        scope=Scope(record=record.id),
        reason=reason,
        approver=approver,
        created=on,
        expires=on,
    )
