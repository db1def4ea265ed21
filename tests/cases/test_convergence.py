"""The board converges: closing a case is final for the facts that opened it, an
assessment's conclusion feeds decisions, reviews running in the source are adopted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases import sqlstore
from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.openstate import CLOSING_MIGRATION
from cyberreview_policy.cases.service import CaseService
from cyberreview_policy.cases.sqlite import SqliteStore
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.record import Record
from tests.conftest import COVERED, with_changes

D = dt.date
AS_OF = D(2021, 6, 1)
UNASSESSED = with_changes(COVERED, risk__may_affect_national_security=None)
IN_USE = with_changes(COVERED, deployment__in_use=True)


def service(tmp_path: Path) -> CaseService:
    return CaseService(SqliteStore(tmp_path / "cases.db"), WorkCalendar(), "gate", "cn-csr-2020@1")


def decide(engine: Engine, cases: CaseService, data: dict[str, Any], on: dt.date = AS_OF) -> Any:
    record = Record.from_obj(data)
    prepared = cases.prepare(record, on)
    decision = engine.decide(prepared.record, on)
    cases.finish(decision, record, prepared)
    return decision


def actions(decision: Any) -> list[tuple[str, str, bool, str]]:
    return [(a["kind"], a["case_id"], a["created"], a["state"]) for a in decision["actions"]]


def rules(decision: Any) -> set[str]:
    return {f["rule"] for f in decision["findings"]}


def test_an_assessment_concluding_may_affect_asks_for_a_review(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    first = decide(engine, cases, UNASSESSED)
    assert actions(first) == [("assessment", "CR-000001", True, "open")]
    cases.store.transition(
        "CR-000001", "assessed", on=D(2021, 6, 2), actor="ana", conclusion="may_affect"
    )
    after = decide(engine, cases, UNASSESSED, D(2021, 6, 3))
    assert "risk-anticipation" not in rules(after)
    assert actions(after) == [("review", "CR-000002", True, "open")]
    finding = next(f for f in after["findings"] if f["rule"] == "review-required")
    assert finding["facts"]["risk.may_affect_national_security"] is True
    assert decide(engine, cases, UNASSESSED, D(2021, 6, 4))["actions"][0]["created"] is False


def test_an_assessment_concluding_no_effect_clears_risk_anticipation(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    decide(engine, cases, UNASSESSED)
    cases.store.transition(
        "CR-000001", "assessed", on=D(2021, 6, 2), actor="ana", conclusion="no_effect"
    )
    after = decide(engine, cases, UNASSESSED, D(2021, 6, 3))
    assert after["decision"] == "allow"
    assert after["actions"] == []
    assert len(cases.store.list_cases()) == 1


def test_a_remediated_case_is_final_until_the_record_changes(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    first = decide(engine, cases, IN_USE)
    by_kind = {kind: case_id for kind, case_id, _, _ in actions(first)}
    cases.store.transition(
        by_kind["remediation"], "remediated", on=D(2021, 6, 2), actor="ana", note="use stopped"
    )
    cases.store.transition(by_kind["review"], "declared", on=D(2021, 6, 2), actor="ana")
    # the review moved on (the store overlays review.status): the record's facts did not
    again = decide(engine, cases, IN_USE, D(2021, 6, 3))
    assert ("remediation", by_kind["remediation"], False, "remediated") in actions(again)
    assert len(cases.store.list_cases()) == 2
    # the source now says something else that decides the rule: a new case, linked
    changed = with_changes(IN_USE, product__category="hpc_server")
    reopened = decide(engine, cases, changed, D(2021, 6, 4))
    (new_id,) = [c for k, c, created, _ in actions(reopened) if k == "remediation" and created]
    new, old = cases.store.get(new_id), cases.store.get(by_kind["remediation"])
    assert new.to_json()["reopens"] == old.id
    assert old.to_json()["reopened_by"] == new.id
    assert old.events[-1].kind == "reopened"
    trail = [e for e in cases.store.audit_entries() if e.action == "case.opened"]
    assert trail[-1].details["reopens"] == old.id


def test_a_case_closed_before_the_upgrade_stays_closed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = sqlstore.MIGRATIONS[: sqlstore.MIGRATIONS.index(CLOSING_MIGRATION)]
    monkeypatch.setattr(sqlstore, "MIGRATIONS", old)
    store = SqliteStore(tmp_path / "cases.db")  # a store as 0.7 left it
    store._execute(
        "INSERT INTO cases (record_key, record_id, kind, state, rule, pack, opened_on, "
        "created_at, updated_at, summary, record_digest) VALUES (?, ?, 'assessment', "
        "'passed', 'risk-anticipation', 'cn-csr-2020@1.1.0', '2021-05-01', "
        "'2021-05-01T00:00:00+00:00', '2021-05-01T00:00:00+00:00', '{}', 'sha256:0')",
        (COVERED["id"], COVERED["id"]),
    )
    store._execute(
        "INSERT INTO materials (case_seq, kind, filename, size, sha256, content, attached_on, "
        "actor) VALUES (1, 'impact_analysis', 'a.pdf', 4, 'ab', X'25504446', '2021-05-01', 'ana')"
    )
    store.close()
    monkeypatch.undo()
    cases = service(tmp_path)  # migrated on opening
    assert cases.store.get("CR-000001").materials[0].name == "impact_analysis@1"
    again = decide(engine, cases, UNASSESSED)
    assert actions(again) == [("assessment", "CR-000001", False, "passed")]
    assert cases.store.get("CR-000001").facts_digest is not None  # its facts, from now on
    assert decide(engine, cases, UNASSESSED)["actions"][0]["created"] is False


def test_a_review_running_in_the_source_is_adopted_with_its_dates(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    running = with_changes(COVERED, review__status="under_review", review__declared_on="2021-03-01")
    first = decide(engine, cases, running, D(2021, 6, 1))
    (ref,) = first["cases"]
    assert ref["adopted"] is True and ref["state"] == "under_review"
    case = cases.store.get(ref["id"])
    steps = [(e.to_state, e.on, e.details.get("recorded", True)) for e in case.events[1:]]
    # declared on the source's date; under review from the latest it could have started
    assert steps == [("declared", D(2021, 3, 1), True), ("under_review", D(2021, 3, 15), False)]
    assert case.rule == "adopted"
    # 30 + 15 working days from a projected start: the member opinions ran out in May
    assert "review-overdue" in rules(first)
    again = decide(engine, cases, running, D(2021, 6, 2))
    assert again["cases"][0]["id"] == ref["id"] and again["cases"][0]["adopted"] is False
    cases.store.transition(
        ref["id"], "withdrawn", on=D(2021, 6, 2), actor="ana", reason="superseded"
    )
    assert decide(engine, cases, running, D(2021, 6, 3))["cases"] == []
    assert len(cases.store.list_cases()) == 1  # not adopted again for the same facts


def test_an_undated_review_is_adopted_from_the_as_of_date_as_projected(
    engine: Engine, tmp_path: Path
) -> None:
    cases = service(tmp_path)
    decision = decide(engine, cases, with_changes(COVERED, review__status="declared"))
    case = cases.store.get(decision["cases"][0]["id"])
    assert case.events[1].on == AS_OF and case.events[1].details["recorded"] is False
    assert case.events[1].note == "not recorded"


def test_a_planned_declaration_does_not_declare_the_record(engine: Engine, tmp_path: Path) -> None:
    cases = service(tmp_path)
    today = dt.date.today()
    case_id = decide(engine, cases, COVERED, today)["actions"][0]["case_id"]
    soon = today + dt.timedelta(days=10)
    cases.store.transition(case_id, "declared", on=soon, actor="ana", planned=True)
    before = decide(engine, cases, COVERED, today)
    assert before["cases"][0]["state"] == "declared"  # the case says what is planned ...
    finding = next(f for f in before["findings"] if f["rule"] == "review-required")
    assert finding["facts"]["review.status"] == "none"  # ... the record is not declared yet
    after = decide(engine, cases, COVERED, soon)
    finding = next(f for f in after["findings"] if f["rule"] == "review-required")
    assert finding["facts"]["review.status"] == "declared"
