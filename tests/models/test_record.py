"""The canonical record: what fits, and what a misfit's message says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from cyberreview_policy.errors import problems, summarize
from cyberreview_policy.models.record import Record
from tests.conftest import COVERED, with_changes


def first_problem(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        Record.from_obj(data)
    return str(problems(info.value)[0])


def test_example_of_the_spec_validates_with_types() -> None:
    record = Record.from_obj(COVERED)
    assert record.operator.ciio is True
    assert record.contract.amount == Decimal(4200000)
    assert record.deployment.planned_date == dt.date(2021, 9, 1)
    assert record.kind == "purchase"


def test_unknown_is_none_not_false() -> None:
    record = Record.from_obj(
        {"id": "x", "operator": {"name": "o"}, "product": {"name": "p", "category": "other"}}
    )
    assert record.operator.ciio is None
    assert record.deployment.cii is None
    assert record.risk.may_affect_national_security is None
    assert record.deployment.in_use is False  # the spec's default
    assert record.review.status == "none"
    assert record.contract.currency == "CNY"


def test_wrong_enum_names_field_and_choices() -> None:
    message = first_problem(with_changes(COVERED, product__category="router"))
    assert message.startswith("product.category: 'router' is not one of core_network_equipment, ")
    assert "other_important" in message


def test_missing_required_field() -> None:
    data = with_changes(COVERED)
    del data["operator"]["name"]
    assert first_problem(data) == "operator.name: required field is missing"


def test_bad_date() -> None:
    message = first_problem(with_changes(COVERED, deployment__planned_date="2021-13-01"))
    assert (
        message == "deployment.planned_date: '2021-13-01' is not a valid date (expected YYYY-MM-DD)"
    )


def test_number_is_not_a_date() -> None:
    message = first_problem(with_changes(COVERED, review__decided_on=20210601))
    assert message == "review.decided_on: 20210601 is not a valid date (expected YYYY-MM-DD)"


def test_unknown_field_is_rejected_not_ignored() -> None:
    message = first_problem(with_changes(COVERED, risk__may_affect_nationl_security=True))
    assert message == "risk.may_affect_nationl_security: unknown field"


def test_bad_boolean() -> None:
    message = first_problem(with_changes(COVERED, operator__ciio="perhaps"))
    assert message == "operator.ciio: 'perhaps' is not a boolean (true, false or null)"


def test_product_required_unless_listing() -> None:
    data = with_changes(COVERED)
    del data["product"]
    assert first_problem(data) == "product: required for a record of kind purchase"
    data["kind"] = "listing"
    assert Record.from_obj(data).product is None


def test_negative_amount_and_bad_currency() -> None:
    assert first_problem(with_changes(COVERED, contract__amount=-1)) == (
        "contract.amount: -1 must be at least 0"
    )
    assert "does not match" in first_problem(with_changes(COVERED, contract__currency="yuan"))


def test_invalid_json_text() -> None:
    with pytest.raises(ValidationError) as info:
        Record.from_json('{"id": "a",')
    assert str(problems(info.value)[0]).startswith("invalid JSON: EOF while parsing")


def test_summarize_counts_the_rest() -> None:
    data = with_changes(
        COVERED, operator__ciio="x", product__category="y", review__status="z", kind="w"
    )
    with pytest.raises(ValidationError) as info:
        Record.from_obj(data)
    text = summarize(problems(info.value))
    assert text.endswith("(and 1 more)")


def test_records_are_frozen() -> None:
    record = Record.from_obj(COVERED)
    with pytest.raises(AttributeError, match="read-only"):
        record.operator.ciio = False


def test_key_includes_adapter() -> None:
    assert Record.from_obj(COVERED).key == "PO-2021-0117/1"
    sourced = with_changes(COVERED, source={"adapter": "tryton", "ref": "purchase.line,7"})
    assert Record.from_obj(sourced).key == "tryton:PO-2021-0117/1"
