"""Cases feed decisions: what the review case says wins over the source system."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.service import CaseService
from cyberreview_policy.cases.sqlite import SqliteStore
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.record import Record
from cyberreview_policy.models.validate import from_json
from tests.conftest import COVERED, with_changes

D = dt.date
AS_OF = D(2021, 6, 1)


def service(tmp_path: Path) -> CaseService:
    return CaseService(SqliteStore(tmp_path / "cases.db"), WorkCalendar(), "gate")


def decide(
    engine: Engine, cases: CaseService, data: dict[str, Any] | None = None, on: dt.date = AS_OF
) -> Any:
    record = Record.from_obj(data or COVERED)
    prepared = cases.prepare(record, on)
    decision = engine.decide(prepared.record, on)
    cases.finish(decision, record, prepared)
    return decision


def rules(decision: Any) -> list[str]:
    return [f["rule"] for f in decision["findings"]]


def test_a_passed_case_clears_the_record_although_the_erp_says_none(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    first = decide(engine, cases)
    assert first["decision"] == "block"
    case_id = first["actions"][0]["case_id"]
    store = cases.store
    for state, day in (("declared", 2), ("under_review", 3), ("passed", 20)):
        store.transition(case_id, state, on=D(2021, 6, day), actor="ana")
    after = decide(engine, cases, on=D(2021, 6, 21))
    assert after["decision"] == "allow"
    assert rules(after) == ["scope"]
    assert after["cases"] == [
        {
            "id": case_id,
            "kind": "review",
            "state": "passed",
            "period": None,
            "deadline": None,
            "overdue": None,
            "provisional": None,
            "adopted": False,
        }
    ]
    assert after["actions"] == []


def test_a_failed_case_blocks(engine: Engine, tmp_path: Path) -> None:
    cases = service(tmp_path)
    case_id = decide(engine, cases)["actions"][0]["case_id"]
    for state, day in (("declared", 2), ("under_review", 3), ("failed", 20)):
        cases.store.transition(case_id, state, on=D(2021, 6, day), actor="ana")
    after = decide(engine, cases, with_changes(COVERED, review__status="passed"), on=D(2021, 6, 21))
    assert after["decision"] == "block"
    assert "review-failed" in rules(after)


def test_a_running_review_sets_status_period_and_overdue(engine: Engine, tmp_path: Path) -> None:
    cases = service(tmp_path)
    case_id = decide(engine, cases)["actions"][0]["case_id"]
    cases.store.transition(case_id, "declared", on=D(2021, 6, 2), actor="ana")
    during = decide(engine, cases, on=D(2021, 6, 10))
    assert during["cases"][0]["period"] == "determination"
    assert during["cases"][0]["deadline"] == D(2021, 6, 17)  # Jun 14 is Dragon Boat Festival
    assert "materials" not in rules(during)  # declared: no longer "none"
    assert "review-overdue" not in rules(during)
    late = decide(engine, cases, on=D(2021, 6, 18))
    assert late["cases"][0]["overdue"] is True
    overdue = next(f for f in late["findings"] if f["rule"] == "review-overdue")
    assert overdue["message"] == (
        f"The determination period of review case {case_id} for Backbone router ended on "
        "2021-06-17 (working days) without a decision on record"
    )
    assert overdue["outcome"] == "warn"


def test_withdrawn_cases_are_ignored_and_not_reopened_for_the_same_facts(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    case_id = decide(engine, cases)["actions"][0]["case_id"]
    cases.store.transition(case_id, "withdrawn", on=D(2021, 6, 2), actor="ana", reason="cancelled")
    again = decide(engine, cases, on=D(2021, 6, 3))
    assert again["cases"] == []  # a withdrawn review says nothing of the record's review
    assert again["decision"] == "block"
    assert again["actions"][0] | {} == {
        "type": "open_case",
        "kind": "review",
        "rule": "review-required",
        "case_id": case_id,
        "created": False,
        "state": "withdrawn",
    }


def test_attached_material_counts_as_on_file(engine: Engine, tmp_path: Path) -> None:
    cases = service(tmp_path)
    data = with_changes(COVERED, materials=["declaration"])
    case_id = decide(engine, cases, data)["actions"][0]["case_id"]
    assert "materials" in rules(decide(engine, cases, data))
    for kind in ("impact_analysis", "procurement_documents"):
        cases.store.attach(case_id, kind, f"{kind}.pdf", b"%PDF", on=AS_OF, actor="ana")
    assert "materials" not in rules(decide(engine, cases, data))


def test_the_overlay_leaves_the_record_read_unchanged(engine: Engine, tmp_path: Path) -> None:
    import json

    cases = service(tmp_path)
    case_id = decide(engine, cases)["actions"][0]["case_id"]
    for state, day in (("declared", 2), ("under_review", 3), ("passed", 20)):
        cases.store.transition(case_id, state, on=D(2021, 6, day), actor="ana")
    read = from_json(json.dumps(COVERED))
    evaluated = cases.prepare(read, D(2021, 6, 21)).record
    assert evaluated.review.status == "passed"
    assert read.review.status == "none"  # the record read is not changed
    assert engine.decide(evaluated, D(2021, 6, 21))["decision"] == "allow"


def test_a_deadline_past_the_known_calendar_is_provisional_in_the_finding(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    case_id = decide(engine, cases, on=D(2026, 11, 2))["actions"][0]["case_id"]
    cases.store.transition(case_id, "declared", on=D(2026, 11, 2), actor="ana")
    cases.store.transition(case_id, "under_review", on=D(2026, 11, 16), actor="ana")
    late = decide(engine, cases, on=D(2027, 1, 19))
    assert late["cases"][0]["provisional"] is True
    overdue = next(f for f in late["findings"] if f["rule"] == "review-overdue")
    assert overdue["message"].endswith(
        "ended on 2027-01-18 (working days; provisional: past the known official calendar) "
        "without a decision on record"
    )


def test_the_earliest_clearance_is_given_for_a_planned_go_live(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    first = decide(engine, cases, on=D(2021, 7, 1))  # planned 2021-09-01, not declared
    risk = next(f for f in first["findings"] if f["rule"] == "go-live-at-risk")
    assert risk["facts"]["deployment.planned_date"] == D(2021, 9, 1)
    assert risk["facts"]["review.earliest_clearance"] == D(2021, 9, 16)  # 55 working days
    assert risk["outcome"] == "warn" and risk["overridable"] is True
    in_time = decide(engine, cases, on=D(2021, 6, 1))
    assert "go-live-at-risk" not in rules(in_time)
