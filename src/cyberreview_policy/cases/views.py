"""Cases as data, with their clocks, checklist, notices and go-live: what
``cyberreview cases`` prints with ``--format json`` and what ``cyberreview serve``
answers, from one place (and the selection both filter and page by)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..models.measures import Measures, measures_on
from .base import Case
from .calendar import WorkCalendar
from .checklist import checklist
from .clocks import Clock, case_clocks, current_clock, earliest_clearance
from .holder import holder


def measures(case: Case, as_of: dt.date) -> Measures:
    """The Measures the case runs under: in force when it was declared (not yet declared:
    on ``as_of``, when it would be)."""
    declared = [e.on for e in case.events if e.kind == "transition" and e.to_state == "declared"]
    return measures_on(declared[0] if declared else as_of)


#: what the Office's notice of each ending is called (``cases notice --kind``)
NOTICE_FOR = {"not_required": "review_decision", "passed": "conclusion", "failed": "conclusion"}


def wanted_notice(case: Case) -> str | None:
    """The kind of the Office's notice a closed review should have on file, if it has none."""
    wanted = NOTICE_FOR.get(case.state) if case.kind == "review" else None
    if wanted is None or any(e.details.get("notice") == wanted for e in case.notices()):
        return None
    return wanted


def missing_notice(case: Case) -> str | None:
    """The Office's notice a closed review should have on file, if it has none (a warning)."""
    wanted = wanted_notice(case)
    if wanted is None:
        return None
    return (
        f"no {wanted} notice of the Office on file for {case.id} ({case.state}): record it "
        f"as a {wanted} notice of the case"
    )


def clocks(case: Case, calendar: WorkCalendar, as_of: dt.date) -> list[Clock]:
    return case_clocks(case.events, as_of, calendar)


def running(
    case: Case, calendar: WorkCalendar, as_of: dt.date, known: list[Clock] | None = None
) -> Clock | None:
    """The period running now, for an open case (``known``: its clocks, if computed)."""
    if not case.is_open:
        return None
    return current_clock(known if known is not None else clocks(case, calendar, as_of))


@dataclass(frozen=True)
class GoLive:
    """A case's planned go-live against the earliest day its review can end."""

    planned: dt.date | None
    earliest: dt.date | None
    provisional: bool = False

    @property
    def at_risk(self) -> bool:
        return (
            self.planned is not None and self.earliest is not None and self.planned < self.earliest
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "planned": self.planned.isoformat() if self.planned else None,
            "earliest_clearance": self.earliest.isoformat() if self.earliest else None,
            "provisional": self.provisional,
            "at_risk": self.at_risk,
        }


def go_live(
    case: Case, calendar: WorkCalendar, as_of: dt.date, known: list[Clock] | None = None
) -> GoLive:
    """For an open review or assessment: the planned go-live and the earliest clearance
    (``known``: the case's clocks, if computed already)."""
    text = case.summary.get("planned_date")
    planned = dt.date.fromisoformat(text) if text else None
    if not case.is_open or case.kind == "remediation":
        return GoLive(planned, None)
    day, provisional = earliest_clearance(
        known if known is not None else clocks(case, calendar, as_of),
        as_of,
        calendar,
        declared=case.kind == "review" and case.state != "open",
    )
    return GoLive(planned, day, provisional)


def case_row(case: Case, clock: Clock | None, golive: GoLive | None = None) -> dict[str, Any]:
    """A case in a list: its fields, the running period and the go-live."""
    return {
        **case.to_json(),
        "operator": case.summary.get("operator"),
        "product": case.summary.get("product"),
        "system": case.summary.get("system"),
        "clock": clock.to_json() if clock else None,
        "go_live": golive.to_json() if golive else None,
    }


def notices(case: Case) -> list[dict[str, Any]]:
    """The Office's notices, with the material that answers each supplement request."""
    answers: dict[str, list[str]] = {}
    for material in case.materials:
        if material.answers:
            answers.setdefault(material.answers, []).append(material.name)
    return [
        {
            "kind": e.details.get("notice"),
            "ref": e.details.get("ref"),
            "on": e.on.isoformat(),
            "note": e.note,
            "material": e.details.get("material"),
            "requests": list(e.details.get("requests") or ()),
            "answered_by": answers.get(str(e.details.get("ref")), []),
        }
        for e in case.notices()
    ]


def case_detail(
    case: Case, calendar: WorkCalendar, as_of: dt.date, *, materials: bool = False
) -> dict[str, Any]:
    """One case: fields, clocks, checklist, notices, history; the attached files only
    if asked (and then never their content)."""
    which = measures(case, as_of)
    data: dict[str, Any] = {
        **case_row(case, running(case, calendar, as_of), go_live(case, calendar, as_of)),
        "as_of": as_of.isoformat(),
        "holder": holder(case),
        "clocks": [clock.to_json() for clock in clocks(case, calendar, as_of)],
        "checklist_measures": which.name,
        "checklist_article": which.cite(which.materials),
        "checklist": checklist(case),
        "measures": _measures_json(measures(case, as_of)),
        "notices": notices(case),
        "warnings": [w for w in (missing_notice(case),) if w],
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
