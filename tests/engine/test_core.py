"""The engine: worst finding decides, facts and messages, actions, exposure, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cyberreview_policy.checks import Check
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.errors import EvaluationError
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.pack import load_pack
from tests.conftest import AS_OF, COVERED
from tests.policy.test_loading import make_pack, rule_with

Decide = Callable[..., Any]


def rules(decision: Any) -> list[str]:
    return [f["rule"] for f in decision["findings"]]


def test_block_is_worst_and_blocks_come_first(decide: Decide) -> None:
    decision = decide(deployment__in_use=True, materials=["declaration"])
    assert decision["decision"] == "block"
    outcomes = [f["outcome"] for f in decision["findings"]]
    assert outcomes == sorted(outcomes, key=["block", "warn", "advisory"].index)
    assert rules(decision) == [
        "review-required",
        "in-use-without-review",
        "materials",
        "scope",
    ]


def test_warn_without_block(decide: Decide) -> None:
    decision = decide(review__status="passed", contract__commitments__no_illegal_control=None)
    assert decision["decision"] == "warn"


def test_advisory_alone_allows(decide: Decide) -> None:
    decision = decide(review__status="passed")
    assert decision["decision"] == "allow"
    assert rules(decision) == ["scope"]


def test_finding_carries_citations_message_and_facts(decide: Decide) -> None:
    finding = decide()["findings"][0]
    assert finding["rule"] == "review-required"
    assert finding["citations"] == ["Measures 2020 Art. 2", "Measures 2020 Art. 5", "CSL Art. 35"]
    assert finding["overridable"] is False
    assert finding["waiver"] is None
    assert "Backbone router (core network equipment)" in finding["message"]
    assert "review status: not declared" in finding["message"]
    assert finding["facts"] == {
        "operator.ciio": True,
        "kind": "purchase",
        "product.category": "core_network_equipment",
        "risk.may_affect_national_security": True,
        "review.status": "none",
    }


def test_message_says_unknown_for_missing_facts(decide: Decide) -> None:
    finding = decide(operator__ciio=None)["findings"][0]
    assert finding["rule"] == "scope-unknown"
    assert (
        "East Grid Power identified as CIIO: unknown; Dispatch WAN is CII: yes"
        in finding["message"]
    )


def test_penalty_exposure_is_a_range(decide: Decide) -> None:
    finding = next(
        f
        for f in decide(deployment__in_use=True)["findings"]
        if f["rule"] == "in-use-without-review"
    )
    assert finding["exposure"] == {
        "currency": "CNY",
        "low": Decimal(4200000),
        "high": Decimal(42000000),
        "factor_low": Decimal(1),
        "factor_high": Decimal(10),
        "basis": "contract.amount",
        "individual_low": Decimal(10000),
        "individual_high": Decimal(100000),
    }
    assert "CNY 4,200,000" in finding["message"]


def test_exposure_with_unknown_amount_has_no_figures(decide: Decide) -> None:
    decision = decide(deployment__in_use=True, contract__amount=None)
    exposure = next(f["exposure"] for f in decision["findings"] if f["exposure"])
    assert exposure["low"] is None and exposure["high"] is None


def test_actions_are_collected_once_per_kind(decide: Decide) -> None:
    actions = decide(deployment__in_use=True)["actions"]
    assert [(a["kind"], a["rule"]) for a in actions] == [
        ("review", "review-required"),
        ("remediation", "in-use-without-review"),
    ]
    assert all(a["case_id"] is None and a["created"] is None for a in actions)


def test_action_condition(decide: Decide) -> None:
    assert decide(review__status="declared")["actions"] == []


def test_decision_names_pack_and_as_of(decide: Decide) -> None:
    decision = decide()
    assert decision["pack"] == {"id": "cn-csr-2020", "version": "2.0.0"}
    assert decision["packs"] == [decision["pack"]]
    assert decision["as_of"] == AS_OF
    assert decision["source"] is None


def test_a_check_that_raises_is_an_evaluation_error(tmp_path: Any) -> None:
    def broken(record: Any, as_of: dt.date) -> bool:
        raise KeyError("boom")

    pack = load_pack(
        make_pack(tmp_path, rule_with(when="{check: broken}")), {"broken": Check("broken", broken)}
    )
    with pytest.raises(
        EvaluationError,
        match="rule r1 of pack house-rules failed on record PO-2021-0117/1: KeyError",
    ):
        Engine([pack]).decide(Record.from_obj(COVERED), AS_OF)


def test_engine_needs_a_pack() -> None:
    with pytest.raises(ValueError, match="at least one pack"):
        Engine([])


def test_several_packs_decide_together(tmp_path: Any, pack: Any) -> None:
    house = load_pack(make_pack(tmp_path), {})
    decision = Engine([pack, house]).decide(Record.from_obj(COVERED), AS_OF)
    assert decision["packs"] == [pack.ref, house.ref]
    assert "ciio-purchase" in rules(decision)
    assert {f["pack"] for f in decision["findings"]} == {"cn-csr-2020", "house-rules"}
