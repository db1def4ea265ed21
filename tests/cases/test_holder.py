"""Who holds the action on a case (cases/holder.py), from the case's own facts, on a
store as the board reads it: the Office while it reviews, the vendor while only its
commitment letter (Art. 6) is awaited, the operator otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from cyberreview_policy.cases.base import CaseRequest, Notice
from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.holder import holder, requested
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.cases.views import case_detail, notices
from cyberreview_policy.errors import TransitionError

D = dt.date


def _open(store: SqlStore, kind: str = "review", **summary: object) -> str:
    case, _ = store.open_case(
        CaseRequest(
            record_key="PO-1",
            record_id="PO-1",
            kind=kind,  # type: ignore[arg-type]
            rule="review-required",
            pack="cn-csr-2022@1.0.0",
            opened_on=D(2026, 1, 5),
            summary={"kind": "purchase", "vendor": "Acme", **summary},
        ),
        "ana",
    )
    return case.id


def _attach(store: SqlStore, case_id: str, kind: str, on: dt.date, answers: str | None = None):
    return store.attach(case_id, kind, f"{kind}.pdf", b"x", on=on, actor="ana", answers=answers)


def test_the_operator_prepares_while_its_own_material_is_missing(store: SqlStore) -> None:
    case_id = _open(store, materials=["declaration"])
    assert holder(store.get(case_id)) == "operator"


def test_the_vendor_holds_a_declaration_waiting_only_for_its_commitment_letter(
    store: SqlStore,
) -> None:
    case_id = _open(store, materials=["declaration", "impact_analysis"])
    _attach(store, case_id, "procurement_documents", D(2026, 1, 6))
    assert holder(store.get(case_id)) == "vendor"
    _attach(store, case_id, "commitment_letter", D(2026, 1, 7))
    assert holder(store.get(case_id)) == "operator"  # now it may declare


@pytest.mark.parametrize("kind", ["listing", "data_processing"])
def test_no_vendor_for_a_listing_or_data_processing(store: SqlStore, kind: str) -> None:
    case_id = _open(
        store, kind="review", materials=["declaration", "impact_analysis", "listing_documents"]
    )
    case = store.get(case_id)
    # the record kind lives in the summary; a listing has no provider to commit
    store.refresh_summary(case_id, {**case.summary, "kind": kind}, "ana")
    assert holder(store.get(case_id)) == "operator"


def test_the_office_while_it_decides_and_reviews(store: SqlStore) -> None:
    case_id = _open(store)
    store.transition(case_id, "declared", on=D(2026, 1, 20), actor="ana")
    assert holder(store.get(case_id)) == "office"
    store.transition(case_id, "under_review", on=D(2026, 2, 2), actor="ana")
    assert holder(store.get(case_id)) == "office"


def test_a_supplement_request_for_vendor_material_puts_the_vendor_on(store: SqlStore) -> None:
    case_id = _open(store)
    store.transition(case_id, "declared", on=D(2026, 1, 20), actor="ana")
    store.transition(case_id, "supplementing", on=D(2026, 2, 2), actor="ana")
    ask = Notice("supplement_request", "补-1", D(2026, 2, 2), requests=("commitment_letter",))
    store.notice(case_id, ask, actor="ana")
    case = store.get(case_id)
    assert requested(case) == ("补-1", frozenset({"commitment_letter"}))
    assert holder(case) == "vendor"
    assert case_detail(case, WorkCalendar(), D(2026, 2, 3))["holder"] == "vendor"
    assert notices(case)[0]["requests"] == ["commitment_letter"]
    _attach(store, case_id, "commitment_letter", D(2026, 2, 5), answers="补-1")
    assert holder(store.get(case_id)) == "operator"  # supplied: the operator answers


def test_a_request_naming_the_operators_material_too_keeps_the_operator_on(
    store: SqlStore,
) -> None:
    case_id = _open(store)
    store.transition(case_id, "declared", on=D(2026, 1, 20), actor="ana")
    store.transition(case_id, "supplementing", on=D(2026, 2, 2), actor="ana")
    ask = Notice(
        "supplement_request",
        "补-2",
        D(2026, 2, 2),
        requests=("commitment_letter", "impact_analysis"),
    )
    store.notice(case_id, ask, actor="ana")
    assert holder(store.get(case_id)) == "operator"
    _attach(store, case_id, "impact_analysis", D(2026, 2, 4))  # attached after the request
    assert holder(store.get(case_id)) == "vendor"


def test_a_request_naming_nothing_is_the_operators(store: SqlStore) -> None:
    case_id = _open(store)
    store.transition(case_id, "declared", on=D(2026, 1, 20), actor="ana")
    store.transition(case_id, "supplementing", on=D(2026, 2, 2), actor="ana")
    store.notice(case_id, Notice("supplement_request", "补-3", D(2026, 2, 2)), actor="ana")
    assert holder(store.get(case_id)) == "operator"


def test_only_a_supplement_request_names_known_material(store: SqlStore) -> None:
    case_id = _open(store)
    with pytest.raises(TransitionError, match="only a supplement_request"):
        store.notice(
            case_id, Notice("accepted", "A-1", D(2026, 1, 6), requests=("other",)), actor="ana"
        )
    with pytest.raises(TransitionError, match="unknown material kind 'escrow'"):
        store.notice(
            case_id,
            Notice("supplement_request", "S-1", D(2026, 1, 6), requests=("escrow",)),
            actor="ana",
        )


def test_nobody_on_a_closed_case_and_the_operator_on_other_kinds(store: SqlStore) -> None:
    case_id = _open(store, kind="remediation", materials=["declaration", "impact_analysis"])
    assert holder(store.get(case_id)) == "operator"
    store.transition(case_id, "remediated", on=D(2026, 1, 6), actor="ana", note="stopped")
    assert holder(store.get(case_id)) is None


def test_a_listed_case_answers_as_one_read_whole(store: SqlStore) -> None:
    """The board lists cases without their material: the holder reads the history."""
    case_id = _open(store, materials=["declaration", "impact_analysis"])
    _attach(store, case_id, "procurement_documents", D(2026, 1, 6))
    (listed,) = store.list_cases()
    assert not listed.materials
    assert holder(listed) == holder(store.get(case_id)) == "vendor"
    _attach(store, case_id, "commitment_letter", D(2026, 1, 7))
    (listed,) = store.list_cases()
    assert holder(listed) == "operator"
