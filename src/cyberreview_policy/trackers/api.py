"""What a case tracker implements, and what the host gives it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..connectors.http import HttpClient


@dataclass(frozen=True)
class TrackedCase:
    """What a tracker may send about a case, and nothing more (Measures 2020 Art. 16,
    2021 Art. 17).

    Identifiers, the rule that opened the case and the articles it cites, where the
    procedure stands and the end of its running statutory clock.  Never the
    operator, product or system names of the case summary, contract amounts, the
    review material or the notes of the case history.
    """

    id: str  # CR-000001
    kind: str  # assessment | review | remediation
    state: str
    ended: bool  # passed, failed, not_required, assessed, remediated, withdrawn
    record_id: str
    rule: str
    pack: str  # id@version
    citations: tuple[str, ...]
    opened_on: dt.date
    period: str | None  # the statutory period running now
    deadline: dt.date | None  # when it ends (working days)
    provisional: bool  # the deadline runs into a year without an official schedule
    overdue: bool
    fingerprint: str  # stable per installation and case: label the issue with it
    confidentiality: str = "Measures 2021 Art. 17"  # as the Measures the case runs under cite it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "ended": self.ended,
            "record_id": self.record_id,
            "rule": self.rule,
            "pack": self.pack,
            "citations": list(self.citations),
            "opened_on": self.opened_on.isoformat(),
            "period": self.period,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "provisional": self.provisional,
            "overdue": self.overdue,
            "fingerprint": self.fingerprint,
            "confidentiality": self.confidentiality,
        }

    def digest(self) -> str:
        """Changes when anything a tracker shows changes."""
        text = json.dumps(self.to_json(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class TrackerContext:
    """What the host hands a tracker."""

    name: str  # the tracker's name in the configuration: "jira", ...
    settings: BaseModel  # validated, secrets resolved
    http: Callable[..., HttpClient]  # the host's HTTP client: retries, budget, redaction
    logger: logging.Logger  # redacted


class Tracker(Protocol):
    """An issue tracker the host mirrors cases into.

    The host decides when to call what (docs/trackers.md); a method raises on
    failure (an :class:`~cyberreview_policy.connectors.HttpError`, a
    :class:`~cyberreview_policy.errors.CyberreviewError`), and the host reports
    the case as failed and goes on.
    """

    #: seconds a created issue may take to be found by :meth:`find` (search index lag,
    #: plus the longest a create request may take)
    search_lag: float

    def find(self, case: TrackedCase) -> str | None:
        """The key of the issue labelled with ``case.fingerprint``, or ``None``."""
        ...

    def create(self, case: TrackedCase) -> str:
        """Create the issue (labelled with the fingerprint) and return its key.  Send it
        once: never retry a create whose outcome is unknown (``idempotent=False``)."""
        ...

    def update(self, key: str, case: TrackedCase) -> None:
        """Make issue ``key`` show ``case``: its fields, and its workflow state."""
        ...
