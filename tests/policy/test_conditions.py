"""The condition compiler: every operator, the null rule, refs, checks, compile errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cyberreview_policy.checks import Check
from cyberreview_policy.errors import CompileError
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.conditions import Compiler, Ctx
from tests.conftest import COVERED, with_changes

AS_OF = dt.date(2021, 6, 1)


def holds(cond: dict[str, Any], record: dict[str, Any] | None = None, **checks: Check) -> bool:
    node = Compiler({}, checks).compile(cond, ("when",))
    rec = Record.from_obj(record if record is not None else COVERED)
    return node.test(rec, Ctx(AS_OF, 0))


def fails(cond: dict[str, Any], **checks: Check) -> CompileError:
    with pytest.raises(CompileError) as info:
        Compiler({}, checks).compile(cond, ("when",))
    return info.value


UNKNOWN_CIIO = with_changes(COVERED, operator__ciio=None)


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"field": "operator.ciio", "eq": True}, True),
        ({"field": "operator.ciio", "eq": False}, False),
        ({"field": "review.status", "eq": "none"}, True),
        ({"field": "review.status", "ne": "passed"}, True),
        ({"field": "review.status", "ne": "none"}, False),
        ({"field": "product.category", "in": ["hpc_server", "core_network_equipment"]}, True),
        ({"field": "product.category", "in": ["hpc_server"]}, False),
        ({"field": "product.category", "not_in": ["hpc_server"]}, True),
        ({"field": "contract.amount", "gt": 4000000}, True),
        ({"field": "contract.amount", "ge": 4200000}, True),
        ({"field": "contract.amount", "lt": 4200000}, False),
        ({"field": "contract.amount", "le": 4200000}, True),
        ({"field": "deployment.planned_date", "lt": dt.date(2021, 12, 31)}, True),
        ({"field": "deployment.planned_date", "gt": dt.date(2021, 12, 31)}, False),
        ({"field": "materials", "contains": "declaration"}, True),
        ({"field": "materials", "contains": "listing_documents"}, False),
        ({"field": "operator.name", "contains": "Grid"}, True),
        ({"field": "operator.name", "matches": "^East"}, True),
        ({"field": "operator.name", "matches": "^West"}, False),
        ({"field": "operator.ciio", "is_true": True}, True),
        ({"field": "operator.ciio", "is_false": True}, False),
        ({"field": "operator.sector", "exists": True}, True),
        ({"field": "product.model", "exists": True}, False),
        ({"field": "product.model", "missing": True}, True),
        ({"field": "product.model", "is_null": True}, True),
        ({"field": "operator.sector", "is_null": True}, False),
    ],
)
def test_operator(cond: dict[str, Any], expected: bool) -> None:
    assert holds(cond) is expected


@pytest.mark.parametrize(
    "cond",
    [
        {"field": "operator.ciio", "eq": True},
        {"field": "operator.ciio", "eq": False},
        {"field": "operator.ciio", "ne": True},
        {"field": "operator.ciio", "ne": False},
        {"field": "operator.ciio", "in": [True, False]},
        {"field": "operator.ciio", "not_in": [True]},
        {"field": "operator.ciio", "is_true": True},
        {"field": "operator.ciio", "is_false": True},
        {"field": "operator.ciio", "exists": True},
    ],
)
def test_no_comparison_holds_on_unknown(cond: dict[str, Any]) -> None:
    assert holds(cond, UNKNOWN_CIIO) is False


def test_null_is_not_false_but_not_is_false_holds_for_null() -> None:
    assert holds({"field": "operator.ciio", "is_null": True}, UNKNOWN_CIIO) is True
    assert holds({"field": "operator.ciio", "missing": True}, UNKNOWN_CIIO) is True
    assert holds({"not": {"field": "operator.ciio", "is_false": True}}, UNKNOWN_CIIO) is True
    assert holds({"not": {"field": "operator.ciio", "is_false": True}}) is True
    ciio_false = with_changes(COVERED, operator__ciio=False)
    assert holds({"not": {"field": "operator.ciio", "is_false": True}}, ciio_false) is False


def test_empty_list_is_missing_but_not_null() -> None:
    record = with_changes(COVERED, materials=[])
    assert holds({"field": "materials", "missing": True}, record) is True
    assert holds({"field": "materials", "is_null": True}, record) is False
    assert holds({"field": "materials", "exists": True}, record) is False


def test_booleans_are_not_numbers() -> None:
    record = with_changes(COVERED, attributes={"flag": True, "count": 1})
    assert holds({"field": "attributes.flag", "eq": 1}, record) is False
    assert holds({"field": "attributes.count", "eq": True}, record) is False
    assert holds({"field": "attributes.count", "eq": 1}, record) is True
    assert holds({"field": "attributes.flag", "gt": 0}, record) is False


def test_free_attributes_by_path_and_unhashable_values() -> None:
    record = with_changes(COVERED, attributes={"erp": {"category": "NET-CORE"}, "tags": ["a"]})
    assert holds({"field": "attributes.erp.category", "eq": "NET-CORE"}, record) is True
    assert holds({"field": "attributes.erp.missing", "is_null": True}, record) is True
    assert holds({"field": "attributes.erp.category.deeper", "is_null": True}, record) is True
    assert holds({"field": "attributes.tags", "in": ["a"]}, record) is False  # a list is no member
    assert holds({"field": "attributes.tags", "contains": "a"}, record) is True


def test_optional_object_on_the_way_is_unknown() -> None:
    listing = {"id": "L", "kind": "listing", "operator": {"name": "o"}}
    assert holds({"field": "product.category", "is_null": True}, listing) is True
    uncertified = with_changes(COVERED, product__certification=None)
    assert holds({"field": "product.certification.valid_until", "missing": True}, uncertified)


def test_all_any_not() -> None:
    yes = {"field": "operator.ciio", "is_true": True}
    no = {"field": "operator.ciio", "is_false": True}
    assert holds({"all": [yes, yes]}) is True
    assert holds({"all": [yes, no]}) is False
    assert holds({"any": [no, yes]}) is True
    assert holds({"any": [no, no]}) is False
    assert holds({"not": {"any": [no, no]}}) is True


def test_definitions_are_evaluated_once_per_record() -> None:
    calls: list[int] = []

    def counting(record: Any, as_of: dt.date) -> bool:
        calls.append(1)
        return True

    check = Check("counting", counting)
    compiler = Compiler(
        {"expensive": ({"check": "counting"}, ("definitions", "expensive"), "f")},
        {"counting": check},
    )
    node = compiler.compile({"all": [{"ref": "expensive"}, {"ref": "expensive"}]}, ("when",))
    ctx = Ctx(AS_OF, compiler.memo_size)
    assert node.test(Record.from_obj(COVERED), ctx) is True
    assert len(calls) == 1


def test_named_check_gets_record_as_of_and_args() -> None:
    seen: dict[str, Any] = {}

    def over(record: Any, as_of: dt.date, limit: int) -> bool:
        seen.update(as_of=as_of, limit=limit)
        return bool(record.contract.amount > limit)

    check = Check("amount_over", over, reads=("contract.amount",), args=("limit",))
    assert holds({"check": "amount_over", "args": {"limit": 1000}}, amount_over=check) is True
    assert seen == {"as_of": AS_OF, "limit": 1000}


def test_facts_name_what_decided() -> None:
    node = Compiler({}, {}).compile(
        {
            "all": [
                {"field": "operator.ciio", "is_true": True},
                {
                    "any": [
                        {"field": "review.status", "eq": "passed"},
                        {"field": "materials", "contains": "declaration"},
                    ]
                },
            ]
        },
        ("when",),
    )
    record = Record.from_obj(COVERED)
    ctx = Ctx(AS_OF, 0)
    facts: dict[str, Any] = {}
    node.facts(record, ctx, True, facts)
    assert facts == {
        "operator.ciio": True,
        "materials": ["declaration", "impact_analysis", "procurement_documents"],
    }


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        (
            {"field": "product.catgory", "eq": "x"},
            "unknown field path 'product.catgory': 'product' has no field 'catgory' (did you mean 'category'?)",
        ),
        (
            {"field": "operatr.ciio", "is_true": True},
            "the record has no field 'operatr' (did you mean 'operator'?)",
        ),
        (
            {"field": "product.category", "eq": "router"},
            "'router' is not one of core_network_equipment",
        ),
        ({"field": "product.category", "in": ["hpc_server", "routers"]}, "'routers' is not one of"),
        (
            {"field": "operator.ciio", "eq": "yes"},
            "'yes' does not fit operator.ciio, which is a boolean",
        ),
        (
            {"field": "contract.amount", "gt": "big"},
            "'big' does not fit contract.amount, which is a number",
        ),
        (
            {"field": "contract.amount", "gt": True},
            "True is a boolean but contract.amount is a number",
        ),
        (
            {"field": "operator.name", "lt": 3},
            "'lt' compares numbers or dates; operator.name is a str",
        ),
        ({"field": "contract.amount", "is_true": True}, "'is_true' needs a boolean field"),
        ({"field": "operator.name", "matches": "("}, "invalid regular expression"),
        ({"field": "contract.amount", "matches": "1"}, "'matches' needs text"),
        ({"field": "operator.ciio", "contains": "x"}, "'contains' needs a list or text"),
        ({"field": "materials", "contains": "contract"}, "'contract' is not one of declaration"),
        ({"ref": "covered"}, "unknown definition 'covered' (definitions: none defined)"),
        ({"check": "nope"}, "unknown check 'nope' (registered checks: none registered)"),
        ({"field": "operator", "eq": "x"}, "operator is a object and cannot be compared"),
    ],
)
def test_compile_errors_say_what_is_wrong(cond: dict[str, Any], message: str) -> None:
    assert message in fails(cond).message


def test_check_args_are_checked() -> None:
    check = Check("c", lambda r, a, **k: True, args=("limit",))
    error = fails({"check": "c", "args": {"limt": 3}}, c=check)
    assert error.message == "check 'c' takes no argument limt (it takes: limit)"
    assert error.loc == ("when", "args")


def test_definition_cycle_is_an_error() -> None:
    compiler = Compiler(
        {
            "a": ({"ref": "b"}, ("definitions", "a"), "f.yaml"),
            "b": ({"ref": "a"}, ("definitions", "b"), "f.yaml"),
        },
        {},
    )
    with pytest.raises(CompileError) as info:
        compiler.definition("a")
    assert "definitions refer in a cycle: a -> b -> a" in info.value.message
    assert info.value.file == "f.yaml"


def test_error_location_points_into_the_condition() -> None:
    error = fails({"all": [{"field": "operator.ciio", "is_true": True}, {"field": "x.y", "eq": 1}]})
    assert error.loc == ("when", "all", 1, "field")
