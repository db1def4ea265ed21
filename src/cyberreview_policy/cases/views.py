"""Cases as JSON data, with their clocks and checklist: what ``cyberreview cases``
prints with ``--format json`` and what ``cyberreview serve`` answers, from one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..models.measures import Measures, measures_on
from .base import Case
from .calendar import WorkCalendar
from .clocks import Clock, case_clocks, current_clock

#: The materials a declaration needs (2020 Art. 7, 2021 Art. 8): a listing files its
#: listing application documents instead of procurement documents, a data processing
#: activity the declaration and the analysis.
REQUIRED = ("declaration", "impact_analysis", "procurement_documents")
_REQUIRED_BY_KIND = {
    "listing": ("declaration", "impact_analysis", "listing_documents"),
    "data_processing": ("declaration", "impact_analysis"),
}


def measures(case: Case, as_of: dt.date) -> Measures:
    """The Measures the case runs under: in force when it was declared (not yet declared:
    on ``as_of``, when it would be)."""
    declared = [e.on for e in case.events if e.kind == "transition" and e.to_state == "declared"]
    return measures_on(declared[0] if declared else as_of)


def checklist(case: Case) -> dict[str, str | None]:
    """Each required material: ``attached`` to the case, listed by the ``source``, or None."""
    wanted = _REQUIRED_BY_KIND.get(str(case.summary.get("kind")), REQUIRED)
    attached = case.material_kinds()
    listed = set(case.summary.get("materials") or ())
    return {
        kind: "attached" if kind in attached else "source" if kind in listed else None
        for kind in wanted
    }


def clocks(case: Case, calendar: WorkCalendar, as_of: dt.date) -> list[Clock]:
    return case_clocks(case.events, as_of, calendar)


def running(case: Case, calendar: WorkCalendar, as_of: dt.date) -> Clock | None:
    """The period running now, for an open case."""
    return current_clock(clocks(case, calendar, as_of)) if case.is_open else None


def case_row(case: Case, clock: Clock | None) -> dict[str, Any]:
    """A case in a list: its fields and the running period."""
    return {**case.to_json(), "clock": clock.to_json() if clock else None}


def case_detail(
    case: Case, calendar: WorkCalendar, as_of: dt.date, *, materials: bool = False
) -> dict[str, Any]:
    """One case: fields, clocks, checklist, history; the attached files only if asked."""
    data: dict[str, Any] = {
        **case.to_json(),
        "as_of": as_of.isoformat(),
        "clocks": [clock.to_json() for clock in clocks(case, calendar, as_of)],
        "checklist": checklist(case),
        "measures": _measures_json(measures(case, as_of)),
        "events": [event.to_json() for event in case.events],
    }
    if materials:
        data["materials"] = [item.to_json() for item in case.materials]
    return data


def _measures_json(which: Measures) -> dict[str, str]:
    """The articles of the Measures the case runs under, as they are cited."""
    return {
        "name": which.name,
        "materials": which.cite(which.materials),
        "supplementing": which.cite(which.supplementing),
        "confidentiality": which.cite(which.confidentiality),
    }
