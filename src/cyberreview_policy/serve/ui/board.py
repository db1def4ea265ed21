"""The board: cases in columns by where they stand in the procedure, as cards.

The cases come from :func:`~cyberreview_policy.cases.query.select`, the
selection ``GET /v1/cases`` and ``cases list`` use (same filters, same clocks);
this module only sorts them into columns and says what each card shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...cases.holder import holder

if TYPE_CHECKING:
    from ...cases.calendar import WorkCalendar
    from ...cases.query import CaseQuery, Selected

#: the columns of open cases, in the order of the procedure; closed ones come last
COLUMNS = (
    "open",
    "declared",
    "preliminary",
    "member_opinions",
    "special_review",
    "supplementing",
)
CLOSED = "closed"


@dataclass(frozen=True)
class Card:
    id: str
    kind: str
    state: str
    record_id: str
    product: str | None
    vendor: str | None
    system: str | None
    cii: bool | None
    planned: str | None
    days_left: int | None
    provisional: bool
    overdue: bool
    at_risk: bool
    holder: str
    office_ref: str | None


@dataclass
class Board:
    columns: dict[str, list[Card]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    closed: list[Card] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(cards) for cards in self.columns.values()) + len(self.closed)


def column_of(state: str, period: str | None, is_open: bool) -> str:
    """The column a case stands in: its state, under review split by the running period."""
    if not is_open:
        return CLOSED
    if state == "under_review":
        return "member_opinions" if period == "member opinions" else "preliminary"
    return state if state in COLUMNS else "open"


def workdays_left(calendar: WorkCalendar, as_of: dt.date, deadline: dt.date) -> int:
    """Working days from ``as_of`` (exclusive) to ``deadline`` (inclusive); negative
    when the deadline has passed (the working days since)."""
    first, last, sign = (as_of, deadline, 1) if deadline >= as_of else (deadline, as_of, -1)
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        count += calendar.is_workday(day)
    return sign * count


def card(selected: Selected, calendar: WorkCalendar, as_of: dt.date) -> Card:
    case, clock, golive = selected.case, selected.clock, selected.golive
    summary: dict[str, Any] = case.summary
    refs = [e.details.get("ref") for e in case.notices() if e.details.get("ref")]
    cii = summary.get("cii")
    return Card(
        id=case.id,
        kind=case.kind,
        state=case.state,
        record_id=case.record_id,
        product=summary.get("product"),
        vendor=summary.get("vendor"),
        system=summary.get("system"),
        cii=bool(cii) if cii is not None else None,
        planned=summary.get("planned_date"),
        days_left=workdays_left(calendar, as_of, clock.deadline) if clock else None,
        provisional=bool(clock and clock.provisional),
        overdue=bool(clock and clock.elapsed),
        at_risk=golive.at_risk,
        holder=holder(case) or "",
        office_ref=str(refs[-1]) if refs else None,
    )


def build_board(selected: list[Selected], calendar: WorkCalendar, as_of: dt.date) -> Board:
    board = Board()
    for item in selected:
        period = item.clock.period if item.clock else None
        where = column_of(item.case.state, period, item.case.is_open)
        target = board.closed if where == CLOSED else board.columns[where]
        target.append(card(item, calendar, as_of))
    return board


def load_board(store: Any, query: CaseQuery, calendar: WorkCalendar, as_of: dt.date) -> Board:
    """The board of the cases ``query`` selects (``store``: a case store)."""
    from ...cases.query import select

    rows, _ = select(store, query, calendar, as_of)
    return build_board(rows, calendar, as_of)
