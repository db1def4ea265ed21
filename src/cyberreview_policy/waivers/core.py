"""Waivers: approved, time-limited exceptions to overridable rules.

A waiver names a rule, a scope (one record, or every record whose product
model, vendor or operator matches), a reason, an approver, a ticket and an
expiry at most 365 days after it was granted.  It sets aside the findings of
that rule on records in scope until it expires; an expired waiver no longer
applies and is itself reported as a warning.  A waiver can never name a rule
that is not overridable: that is a load error.

Waivers are kept in YAML: ``$CYBERREVIEW_HOME/waivers.yaml`` (managed by
``cyberreview waivers add|revoke``) and any ``*.yaml`` in
``$CYBERREVIEW_HOME/waivers.d/`` (kept by hand, for instance in git).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, WaiverError

if TYPE_CHECKING:
    from ..policy.pack import Pack

MAX_DAYS = 365
MANAGED_FILE = "waivers.yaml"
HAND_DIR = "waivers.d"


@dataclass(frozen=True)
class Scope:
    record: str | None = None
    product_model: str | None = None
    vendor: str | None = None
    operator: str | None = None

    def matches(self, record: Any) -> bool:
        product = record.product
        checks = (
            (self.record, record.id),
            (self.product_model, product.model if product is not None else None),
            (self.vendor, record.vendor.name),
            (self.operator, record.operator.name),
        )
        return all(wanted is None or wanted == value for wanted, value in checks)

    def describe(self) -> str:
        parts = [f"{name.replace('_', ' ')} {value}" for name, value in vars(self).items() if value]
        return ", ".join(parts)


@dataclass(frozen=True)
class Waiver:
    id: str
    rule: str
    scope: Scope
    reason: str
    approver: str
    created: dt.date
    expires: dt.date
    ticket: str | None = None
    pack: str | None = None
    revoked_on: dt.date | None = None
    revoked_by: str | None = None
    revoked_reason: str | None = None
    location: Location | None = None

    def state(self, on: dt.date) -> str:
        if self.revoked_on is not None and self.revoked_on <= on:
            return "revoked"
        if on < self.created:
            return "not yet"
        return "expired" if on > self.expires else "active"

    def ref(self) -> dict[str, Any]:
        """What a finding shows of the waiver that set it aside."""
        return {
            "id": self.id,
            "rule": self.rule,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires,
            "ticket": self.ticket,
        }

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "scope": {k: v for k, v in vars(self.scope).items() if v is not None},
            "reason": self.reason,
            "approver": self.approver,
            "ticket": self.ticket,
            "created": self.created,
            "expires": self.expires,
        }
        if self.pack:
            data["pack"] = self.pack
        if self.revoked_on:
            data["revoked"] = {
                "on": self.revoked_on,
                "by": self.revoked_by,
                "reason": self.revoked_reason,
            }
        return data


def _waiver(item: Any, where: Location) -> Waiver:
    scope = item.scope
    return Waiver(
        id=item.id,
        rule=item.rule,
        scope=Scope(scope.record, scope.product_model, scope.vendor, scope.operator),
        reason=item.reason,
        approver=item.approver,
        created=item.created,
        expires=item.expires,
        ticket=item.ticket,
        pack=item.pack,
        revoked_on=item.revoked.on if item.revoked else None,
        revoked_by=item.revoked.by if item.revoked else None,
        revoked_reason=item.revoked.reason if item.revoked else None,
        location=where,
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


def waiver_files(home: Path) -> list[Path]:
    managed = home / MANAGED_FILE
    hand = sorted((home / HAND_DIR).glob("*.yaml")) if (home / HAND_DIR).is_dir() else []
    return ([managed] if managed.is_file() else []) + hand


def load_all(files: Iterable[Path]) -> list[Waiver]:
    waivers: list[Waiver] = []
    seen: dict[str, Location | None] = {}
    for path in files:
        for waiver in load_file(path):
            if waiver.id in seen:
                raise WaiverError(
                    f"waiver id {waiver.id!r} is used twice (first at {seen[waiver.id]})",
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
                        f"waiver {waiver.id} names rule {rule.id} of pack {pack.id}, which is "
                        "not overridable: no waiver can set it aside",
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


def for_run(home: Path, packs: Sequence[Pack], extra: Iterable[Waiver] = ()) -> WaiverSet | None:
    """The waivers of ``home`` (checked against ``packs``) plus ``extra`` overrides."""
    waivers = [*load_all(waiver_files(home)), *extra]
    check_rules(waivers, packs)
    return WaiverSet(waivers) if waivers else None


def override(
    rule: str, record: Any, *, reason: str, approver: str, on: dt.date, packs: Sequence[Pack]
) -> Waiver:
    """A waiver for one gate run: this rule, this record, this day."""
    from ..errors import UsageError

    overridable = sorted({r.id for pack in packs for r in pack.rules if r.overridable})
    known = {r.id: r.overridable for pack in packs for r in pack.rules}
    if rule not in known:
        raise UsageError(
            f"--override {rule}: no such rule; overridable rules: {', '.join(overridable)}"
        )
    if not known[rule]:
        raise UsageError(
            f"--override {rule}: the rule is not overridable; "
            f"overridable rules: {', '.join(overridable)}"
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
