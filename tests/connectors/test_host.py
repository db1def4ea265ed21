"""The host around a connector: isolation, mappings, validation, checkpoints, close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors import Checkpoint, CheckResult, ConnectorSettings, SourceType
from cyberreview_policy.connectors.host import connect
from cyberreview_policy.errors import SourceError

RECORD = {
    "id": "L-1",
    "source": {"ref": "1"},
    "product": {"name": "Router", "model": "R1"},
    "attributes": {"erp": {"category": "Routers"}},
}


class Settings(ConnectorSettings):
    pass


class Fake:
    """A connector whose behaviour each test sets."""

    rows: ClassVar[list[Any]] = []
    fail_at: ClassVar[int | None] = None
    closed: ClassVar[int] = 0

    def __init__(self, ctx: Any):
        self.ctx = ctx

    def check(self) -> CheckResult:
        raise KeyError("boom")

    def read(self, since: Any) -> Iterator[Any]:
        for n, row in enumerate(self.rows):
            if n == self.fail_at:
                raise TypeError("'NoneType' object is not subscriptable")
            yield row
        yield Checkpoint({"after": len(self.rows)})

    def fetch(self, record_id: str) -> Any:
        return None

    def close(self) -> None:
        Fake.closed += 1


KIND = SourceType("fake", config=Settings, connect=Fake)


def source(mappings: Any = None, **options: Any) -> Any:
    configured = inline_source(
        "erp", "fake", Settings, {}, mappings=mappings or {}, operator={"name": "Op"}, **options
    )
    return connect(KIND, configured)


@pytest.fixture(autouse=True)
def reset() -> None:
    Fake.rows, Fake.fail_at, Fake.closed = [dict(RECORD)], None, 0


def read(src: Any) -> list[Any]:
    return list(src.read())


def test_mappings_values_default_missing_and_if_unknown() -> None:
    mapping = {
        "from": "attributes.erp.category",
        "values": {"Routers": "core_network_equipment"},
        "default": "other",
        "missing": "other_important",
    }
    other = {**RECORD, "id": "L-2", "attributes": {"erp": {"category": "Chairs"}}}
    bare = {**RECORD, "id": "L-3", "attributes": {}}
    known = {**RECORD, "id": "L-4", "product": {"name": "X", "category": "cloud_service"}}
    Fake.rows = [RECORD, other, bare, known]
    items = read(source({"product.category": mapping}))
    assert [i.record.product.category for i in items] == [
        "core_network_equipment",
        "other",
        "other_important",
        "core_network_equipment",  # mapped over what the connector said
    ]
    items = read(source({"product.category": {**mapping, "if_unknown": True}}))
    assert items[3].record.product.category == "cloud_service"  # a fallback only


def test_operator_facts_and_defaults_fill_only_unknowns() -> None:
    Fake.rows = [{**RECORD, "product": {**RECORD["product"], "category": "other"}}]
    [item] = read(source(defaults={"deployment.cii": True, "product.category": "hpc_server"}))
    assert item.record.operator.name == "Op"
    assert item.record.deployment.cii is True
    assert item.record.product.category == "other"
    assert item.record.source.adapter == "erp"


def test_an_unmapped_value_is_reported_and_skipped() -> None:
    Fake.rows = [RECORD, {**RECORD, "id": "L-2", "attributes": {"erp": {"category": "Switches"}}}]
    mapping = {"from": "attributes.erp.category", "values": {"Switches": "other"}}
    bad, good = read(source({"product.category": mapping}))
    assert str(bad.error) == (
        "erp[1]: product.category: no mapping for 'Routers' (from attributes.erp.category; "
        "add it under sources.erp.mappings.product.category.values, a default, or unlisted: keep)"
    )
    assert good.record is not None


def test_a_record_that_does_not_validate_says_how_to_fill_it() -> None:
    [item] = read(source())
    assert str(item.error) == (
        "erp[1]: product.category: required field is missing (the source gives none: "
        "set it with sources.erp.mappings or sources.erp.defaults)"
    )


def test_in_chinese_the_hint_is_given_too() -> None:
    """The missing field is told by the problem's type, not by its English words."""
    from cyberreview_policy.i18n import use_lang

    with use_lang("zh-CN"):
        [item] = read(source())
        said = str(item.error)
    assert said.startswith("erp[1]: product.category: ")
    assert "（数据源未提供：请用 sources.erp.mappings 或 sources.erp.defaults 设置）" in said


def test_a_connector_that_raises_fails_its_source_named() -> None:
    Fake.rows = [dict(RECORD, product={"name": "x", "category": "other"})] * 3
    Fake.fail_at = 2
    src = source()
    got = []
    with pytest.raises(SourceError) as caught:
        got.extend(src.read())
    assert len(got) == 2  # what came before is kept
    assert str(caught.value) == (
        "source erp: read: the connector failed: TypeError: 'NoneType' object is not subscriptable"
    )
    assert src.checkpoint is None
    assert Fake.closed == 1


def test_a_complete_read_keeps_the_last_checkpoint() -> None:
    src = source()
    read(src)
    assert src.checkpoint == {"after": 1}
    assert Fake.closed == 1


def test_check_never_raises() -> None:
    result = source().check()
    assert (result.ok, result.message) == (
        False,
        "source erp: check: the connector failed: KeyError: 'boom'",
    )


def test_fetch_of_nothing() -> None:
    with pytest.raises(SourceError, match="source erp: no record 'L-9'"):
        source().fetch("L-9")


def test_a_connector_that_cannot_start() -> None:
    def broken(ctx: Any) -> Any:
        raise RuntimeError("no driver")

    configured = inline_source("erp", "fake", Settings, {})
    with pytest.raises(SourceError, match="source erp: connect: the connector failed: "):
        connect(SourceType("fake", config=Settings, connect=broken), configured)


def test_types_given_by_reference_load_when_used() -> None:
    kind = SourceType(
        "lazy",
        config="cyberreview_policy.connectors.api:ConnectorSettings",
        connect="tests.connectors.test_host:Fake",
    )
    assert kind.settings_model() is ConnectorSettings
    assert kind.connector() is Fake


def test_inline_settings_are_validated() -> None:
    with pytest.raises(ValidationError, match="max_attempts"):
        inline_source("erp", "fake", Settings, {"max_attempts": 0})


def test_values_of_the_wrong_type_are_left_unknown_and_reported() -> None:
    Fake.rows = [
        {
            **RECORD,
            "product": {
                "name": "Router",
                "category": "core_network_equipment",
                "specs": {"throughput_tbps": "16 Tbps"},
                "certification": {"kind": "certification", "valid_until": "2027-3-1"},
            },
            "risk": {"may_affect_national_security": "yes"},  # pydantic reads "yes" as true
        }
    ]
    [item] = read(source())
    assert item.record is not None
    assert item.record.product.specs.throughput_tbps is None
    assert item.record.product.certification.valid_until is None
    assert item.record.risk.may_affect_national_security is True
    assert sorted(item.problems) == [
        "product.certification.valid_until: '2027-3-1' is not a valid date (expected YYYY-MM-DD)",
        "product.specs.throughput_tbps: '16 Tbps' is not a number",
    ]


def test_a_wrong_required_value_still_skips_the_record() -> None:
    Fake.rows = [{**RECORD, "product": {"name": "Router", "category": "routers"}}]
    [item] = read(source())
    assert item.record is None
    assert "product.category: 'routers' is not one of" in str(item.error)


def test_unlisted_values_kept() -> None:
    Fake.rows = [{**RECORD, "attributes": {"erp": {"category": "cloud_service"}}}]
    mapping = {
        "from": "attributes.erp.category",
        "values": {"Routers": "core_network_equipment"},
        "unlisted": "keep",
    }
    [item] = read(source({"product.category": mapping}))
    assert item.record.product.category == "cloud_service"
