"""Selecting cases, as ``cases list`` and ``GET /v1/cases`` do: by state, kind,
record, operator, system, overdue and go-live at risk, open ones unless all are
asked for, a page at a time after a cursor (the last case id of the page before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .sqlparts import parse_case_id
from .views import GoLive, clocks, go_live, running

if TYPE_CHECKING:
    from .base import Case, CaseStore
    from .calendar import WorkCalendar
    from .clocks import Clock

MAX_PAGE = 1000


@dataclass(frozen=True)
class CaseQuery:
    state: str | None = None
    kind: str | None = None
    record: str | None = None
    operator: str | None = None
    system: str | None = None
    overdue: bool | None = None
    go_live_at_risk: bool | None = None
    include_closed: bool = False
    after: str | None = None  # a case id: the page starts after it
    limit: int | None = None


@dataclass(frozen=True)
class Selected:
    case: Case
    clock: Clock | None
    golive: GoLive


def select(
    store: CaseStore, query: CaseQuery, calendar: WorkCalendar, as_of: dt.date
) -> tuple[list[Selected], str | None]:
    """The cases the query asks for, oldest first, and the cursor of the next page
    (``None`` on the last)."""
    cases = store.list_cases(
        state=query.state,
        kind=query.kind,
        record=query.record,
        open_only=not query.include_closed and query.state is None,
    )
    after = parse_case_id(query.after) if query.after else 0
    out: list[Selected] = []
    for case in cases:
        if parse_case_id(case.id) <= after:
            continue
        if query.operator is not None and case.summary.get("operator") != query.operator:
            continue
        if query.system is not None and case.summary.get("system") != query.system:
            continue
        known = clocks(case, calendar, as_of) if case.is_open else None  # computed once
        clock = running(case, calendar, as_of, known)
        if query.overdue is not None and (clock is not None and clock.elapsed) != query.overdue:
            continue
        golive = go_live(case, calendar, as_of, known)
        if query.go_live_at_risk is not None and golive.at_risk != query.go_live_at_risk:
            continue
        if query.limit is not None and len(out) == query.limit:
            return out, out[-1].case.id
        out.append(Selected(case, clock, golive))
    return out, None
