"""The trail replayed against the tables, on SQLite and PostgreSQL: every kind of
change made behind cyberreview's back is named, and none lets a case clear."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cyberreview_policy.cases.audit import entry_hash
from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.cases.trail import state_problems
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.engine.gatekeeper import Gatekeeper
from cyberreview_policy.models.record import Record
from tests.cases.conftest import raw_sql
from tests.cases.test_store import request
from tests.conftest import COVERED

D = dt.date
RECORD = Record.from_obj(COVERED)


@pytest.fixture
def walked(store: SqlStore) -> SqlStore:
    """CR-000001 under review with its declaration attached; CR-000002 open."""
    store.open_case(request(), "ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    store.transition("CR-000001", "under_review", on=D(2026, 2, 2), actor="ana")
    store.attach("CR-000001", "declaration", "d.pdf", b"%PDF declaration", on=D(2026, 1, 20),
                 actor="ana")  # fmt: skip
    store.open_case(request("PO-2"), "ana")
    return store


def problems(store: SqlStore) -> list[str]:
    return state_problems(store, store.audit_entries())


def test_an_untouched_store_agrees_with_its_trail(walked: SqlStore) -> None:
    assert problems(walked) == []


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        (
            "UPDATE cases SET state = 'passed' WHERE seq = 1",
            "case CR-000001 differs from its audit trail: state is passed, the trail says "
            "under_review",
        ),
        (
            "UPDATE cases SET record_key = 'PO-7' WHERE seq = 1",
            "case CR-000001 differs from its audit trail: record key is PO-7, the trail says PO-1",
        ),
        (
            "UPDATE cases SET opened_on = '2025-01-05' WHERE seq = 1",
            "case CR-000001 differs from its audit trail: opened on is 2025-01-05, the trail "
            "says 2026-01-05",
        ),
        (
            "UPDATE case_events SET on_date = '2025-02-02' WHERE case_seq = 1 AND n = 3",
            "case CR-000001 differs from its audit trail: step 3 is declared -> under_review on "
            "2025-02-02, the trail says declared -> under_review on 2026-02-02",
        ),
        (
            "DELETE FROM case_events WHERE case_seq = 1 AND n = 4",
            "case CR-000001 differs from its audit trail: its history has 3 steps, the trail 4",
        ),
        (
            "UPDATE materials SET content = CAST('forged' AS {blob})",
            "case CR-000001: the content of its declaration material ",
        ),
        (
            "DELETE FROM materials",
            "case CR-000001 differs from its audit trail: its declaration material ",
        ),
        (
            "INSERT INTO cases (record_key, record_id, kind, state, rule, pack, opened_on, "
            "created_at, updated_at, summary, record_digest) VALUES ('PO-9', 'PO-9', 'review', "
            "'passed', 'r', 'p', '2026-01-05', '2026-01-05', '2026-01-05', '{{}}', 'd')",
            "case CR-000003 differs from its audit trail: it is not in the audit trail",
        ),
    ],
)
def test_a_change_behind_cyberreviews_back_is_named(
    walked: SqlStore, store_url: str, sql: str, named: str
) -> None:
    blob = "BLOB" if store_url.startswith("sqlite") else "BYTEA"
    raw_sql(store_url, sql.format(blob=blob))
    found = problems(walked)
    assert len(found) == 1, found
    assert found[0].startswith(named), found[0]


def test_a_deleted_case_is_named(walked: SqlStore, store_url: str) -> None:
    raw_sql(store_url, "DELETE FROM case_events WHERE case_seq = 2")
    raw_sql(store_url, "DELETE FROM cases WHERE seq = 2")
    assert problems(walked) == [
        "case CR-000002 is in the audit trail but not in the store (deleted?)"
    ]


@pytest.fixture
def keeper(store: SqlStore, engine: Engine) -> Gatekeeper:
    return Gatekeeper(engine, store, WorkCalendar(), "gate")


def _under_review(keeper: Gatekeeper, store: SqlStore) -> str:
    case_id: str = keeper.decide(RECORD, D(2021, 6, 1))["actions"][0]["case_id"]
    for state, day in (("declared", 2), ("under_review", 3)):
        store.transition(case_id, state, on=D(2021, 6, day), actor="ana")
    assert keeper.decide(RECORD, D(2021, 6, 21))["decision"] == "block"  # under review
    return case_id


def _cleared_behind_the_trails_back(keeper: Gatekeeper, case_id: str) -> None:
    decision = keeper.decide(RECORD, D(2021, 6, 21))
    assert decision["decision"] == "block"
    first = decision["findings"][0]
    assert (first["rule"], first["outcome"], first["facts"]["case"]) == (
        "case-mismatch",
        "block",
        case_id,
    )
    assert first["message"].startswith(f"case {case_id} differs from its audit trail (")


def test_a_case_passed_in_the_database_does_not_clear_its_record(
    keeper: Gatekeeper, store: SqlStore, store_url: str
) -> None:
    case_id = _under_review(keeper, store)
    raw_sql(store_url, "UPDATE cases SET state = 'passed'")
    _cleared_behind_the_trails_back(keeper, case_id)


def test_editing_its_audit_entry_to_match_shows_too(
    keeper: Gatekeeper, store: SqlStore, store_url: str
) -> None:
    """The attacker rewrites the last step as a pass in the case, its history and its
    audit entry (with the entry's hash recomputed): the next link gives it away."""
    case_id = _under_review(keeper, store)
    last = next(e for e in reversed(list(store.audit_entries())) if e.subject == case_id)
    details = {**last.details, "to": "passed"}
    forged = entry_hash(last.prev_hash, {**last.content(), "details": details})
    text = json.dumps(details, sort_keys=True, ensure_ascii=False).replace("'", "''")
    for sql in (
        "UPDATE cases SET state = 'passed'",
        "UPDATE case_events SET to_state = 'passed' WHERE to_state = 'under_review'",
        f"UPDATE audit SET details = '{text}', hash = '{forged}' WHERE seq = {last.seq}",
    ):
        raw_sql(store_url, sql)
    _cleared_behind_the_trails_back(keeper, case_id)


def test_a_writer_appending_between_the_reads_of_a_trail_is_no_edit(
    walked: SqlStore, store_url: str
) -> None:
    """``trail_of`` reads the entries, then the head: another process that appends in
    between (a sweep worker opening a case) must not make the last entry look cut off."""
    from tests.cases.conftest import open_store

    other = open_store(store_url)
    real = walked._execute
    appended = []

    def execute(sql: str, *args: object) -> object:
        result = real(sql, *args)
        if "LEFT JOIN audit n" in sql and not appended:
            rows = result.fetchall()
            appended.append(other.audit("case.note", "bob", subject="CR-000009"))

            class Rows:
                def fetchall(self) -> list[object]:
                    return rows

            return Rows()
        return result

    walked._execute = execute  # type: ignore[method-assign]
    try:
        trail = walked.trail_of(["CR-000002"], "case.")
    finally:
        walked._execute = real  # type: ignore[method-assign]
        other.close()
    assert appended and trail and all(sealed for _, sealed in trail)
