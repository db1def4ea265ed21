"""A waiver, as decisions use it and the case store keeps it (no I/O).

A waiver names a rule, a scope (one record, or every record whose product
model, vendor or operator matches), a reason, a ticket and an expiry at most
:data:`MAX_DAYS` days after it starts.  One identity requests it (``status``
``requested``); another approves it (``approved``: ``approver`` is who) or
rejects it (``rejected``).  Only an approved waiver, from its start to its
expiry and not revoked, sets findings aside.  Where waivers live and how they
change: :mod:`cyberreview_policy.waivers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..errors import Location

MAX_DAYS = 365
#: what a waiver request becomes: ``requested`` until another identity decides
STATUSES = ("requested", "approved", "rejected")


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

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}


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
    location: Location | None = None  # the file it was read from, if any
    status: str = "approved"  # one of STATUSES
    requested_by: str | None = None
    requested_on: dt.date | None = None
    decided_by: str | None = None  # who approved or rejected it
    decided_on: dt.date | None = None
    decision_note: str | None = None

    def state(self, on: dt.date) -> str:
        """``active`` (it sets findings aside on ``on``), ``expired``, ``revoked``,
        ``not yet``, or, never approved, ``requested`` or ``rejected``."""
        if self.revoked_on is not None and self.revoked_on <= on:
            return "revoked"
        if self.status != "approved":
            return self.status
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

    def grant(self) -> dict[str, Any]:
        """What was granted, as JSON (the audit trail keeps it whole, so that
        ``audit verify`` can compare the store's row with it)."""
        return {
            "rule": self.rule,
            "pack": self.pack,
            "scope": self.scope.to_json(),
            "reason": self.reason,
            "approver": self.approver,
            "ticket": self.ticket,
            "created": self.created.isoformat(),
            "expires": self.expires.isoformat(),
        }

    def revocation(self) -> dict[str, Any] | None:
        if self.revoked_on is None:
            return None
        return {
            "on": self.revoked_on.isoformat(),
            "by": self.revoked_by,
            "reason": self.revoked_reason,
        }

    def decision(self) -> dict[str, Any]:
        """Who asked, who decided and how, as JSON (the audit trail's words)."""
        return {
            "status": self.status,
            "requested_by": self.requested_by,
            "requested_on": self.requested_on.isoformat() if self.requested_on else None,
            "decided_by": self.decided_by,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "note": self.decision_note,
        }

    def to_yaml(self) -> dict[str, Any]:
        """The waiver file's shape (``waivers export``, ``waivers list --format json``)."""
        data: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "scope": self.scope.to_json(),
            "reason": self.reason,
            "approver": self.approver or None,
            "ticket": self.ticket,
            "created": self.created,
            "expires": self.expires,
            "status": self.status,
            "requested_by": self.requested_by,
            "requested_on": self.requested_on,
            "decided_by": self.decided_by,
            "decided_on": self.decided_on,
            "decision_note": self.decision_note,
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
