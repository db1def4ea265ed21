"""A case as trackers see it: :class:`~.api.TrackedCase`, built from the store's case.

Built here, in the host, so that no tracker ever holds what it must not send:
the view has no summary names, amounts, material or notes to leak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from ..cases.clocks import case_clocks, current_clock
from ..cases.views import measures
from ..errors import CyberreviewError
from .api import TrackedCase

if TYPE_CHECKING:
    from ..cases.base import Case
    from ..cases.calendar import WorkCalendar
    from ..policy.catalog import Catalog

FINGERPRINT_PREFIX = "cyberreview-"


def fingerprint(instance: str, case_id: str) -> str:
    """``cyberreview-`` and 20 hex digits of a hash of the installation and the case id:
    the same on every sync of this installation, different across installations."""
    digest = hashlib.sha256(f"{instance}\n{case_id}".encode()).hexdigest()
    return f"{FINGERPRINT_PREFIX}{digest[:20]}"


class Citations:
    """The citations of the rule that opened a case, numbered as on the day it opened
    (from the registered pack of that id; none when it is no longer registered)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._rules: dict[str, dict[str, object]] = {}

    def __call__(self, pack: str, rule: str, on: dt.date) -> tuple[str, ...]:
        pack_id = pack.partition("@")[0]
        if pack_id not in self._rules:
            try:
                loaded = self.catalog.load(self.catalog.entry(pack_id))
                self._rules[pack_id] = {r.id: r for r in loaded.rules}
            except CyberreviewError:
                self._rules[pack_id] = {}
        found = self._rules[pack_id].get(rule)
        citations_on = getattr(found, "citations_on", None)
        return tuple(citations_on(on)) if citations_on is not None else ()


def tracked_case(
    case: Case,
    *,
    instance: str,
    as_of: dt.date,
    calendar: WorkCalendar,
    citations: Citations,
) -> TrackedCase:
    """What trackers may know of ``case``, with its clock as of ``as_of``."""
    clock = current_clock(case_clocks(case.events, as_of, calendar)) if case.is_open else None
    runs_under = measures(case, as_of)
    return TrackedCase(
        id=case.id,
        kind=case.kind,
        state=case.state,
        ended=not case.is_open,
        record_id=case.record_id,
        rule=case.rule,
        pack=case.pack,
        citations=citations(case.pack, case.rule, case.opened_on),
        opened_on=case.opened_on,
        period=clock.period if clock else None,
        deadline=clock.deadline if clock else None,
        provisional=bool(clock and clock.provisional),
        overdue=bool(clock and clock.elapsed),
        fingerprint=fingerprint(instance, case.id),
        confidentiality=runs_under.cite(runs_under.confidentiality),
    )
