"""The case store interface: small on purpose, so backends stay easy to add.

A case is the tool's record of a review step for one record: an
``assessment``, a ``review`` or a ``remediation``.  The one promise every
store keeps: never two open cases for the same record and kind, even under
concurrent gates (a database constraint, not check-then-insert).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..models.outcomes import CaseKind

#: States in which a case is finished; any other state is open.
ENDED_STATES = ("not_required", "passed", "failed", "withdrawn")


@dataclass(frozen=True)
class CaseRequest:
    """What an ``open_case`` action asks a store for."""

    record_key: str
    record_id: str
    kind: CaseKind
    rule: str
    pack: str
    opened_on: dt.date
    summary: dict[str, Any] = field(default_factory=dict)
    record_digest: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    kind: CaseKind
    state: str
    record_key: str
    record_id: str
    rule: str
    pack: str
    opened_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    summary: dict[str, Any]
    record_digest: str

    @property
    def is_open(self) -> bool:
        return self.state not in ENDED_STATES

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "record_id": self.record_id,
            "record_key": self.record_key,
            "rule": self.rule,
            "pack": self.pack,
            "opened_on": self.opened_on.isoformat(),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "summary": self.summary,
            "record_digest": self.record_digest,
        }


class CaseStore(Protocol):
    """A backend holding cases."""

    url: str

    def open_case(self, request: CaseRequest) -> tuple[Case, bool]:
        """The open case for the request's record and kind; ``True`` if created now."""
        ...

    def get(self, case_id: str) -> Case:
        """The case with this id; raise :class:`~cyberreview_policy.errors.UnknownCaseError`."""
        ...

    def list(self, state: str | None = None, kind: str | None = None) -> list[Case]:
        """Cases, oldest first, optionally of one state and kind."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class StoreType:
    """A case store backend a plugin provides, chosen by URL scheme.

    :param scheme: ``sqlite``, ``postgresql``, ...
    :param open: ``open(url)`` returns a :class:`CaseStore`; raises
        :class:`~cyberreview_policy.errors.CaseStoreError` if it cannot.
    :param description: one line for ``cyberreview plugins``.
    """

    scheme: str
    open: Callable[[str], CaseStore]
    description: str = ""
