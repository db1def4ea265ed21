"""Records the validator would silently misread are refused, on every path: a key given
twice in one object (the last would win), NaN and Infinity (non-standard JSON, and a
decision that prints them is not JSON), and NUL (no PostgreSQL text column holds it).
C1 characters such as NEL are text and are kept exactly."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.connectors import HttpClient, HttpError
from cyberreview_policy.errors import SourceError
from cyberreview_policy.models.validate import ValidationError, from_json, from_obj
from cyberreview_policy.sources.files import FileSource
from cyberreview_policy.testing import FaultServer, Reply
from tests.conftest import COVERED, Result, with_changes

PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")
#: COVERED with the vendor's name given twice: which one did the buyer mean?
TWICE = json.dumps(COVERED, indent=2).replace(
    '"name": "Example Networks"', '"name": "Example Networks",\n    "name": "Other Networks"'
)


def _record_error(text: str | bytes) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        from_json(text)
    error: dict[str, Any] = caught.value.errors(include_url=False)[0]
    return error


# -- duplicate keys -----------------------------------------------------------------


def test_a_duplicate_key_is_refused_naming_key_and_place() -> None:
    assert TWICE.count('"name": ') == 4
    error = _record_error(TWICE)
    assert error["loc"] == ("vendor", "name")
    line = TWICE.splitlines().index('    "name": "Other Networks",') + 1
    assert error["ctx"]["error"].startswith('duplicate key "name" in vendor')
    assert f"at line {line} column " in error["ctx"]["error"]


def test_duplicates_at_the_top_and_deep_down() -> None:
    top = '{"id": "A", "id": "B", "operator": {"name": "o"}, "kind": "listing"}'
    assert _record_error(top)["loc"] == ("id",)
    deep = json.dumps(with_changes(COVERED, attributes={"erp": [{"x": 1}, {"y": 2}]}))
    deep = deep.replace('{"y": 2}', '{"y": 2, "y": 3}')
    assert _record_error(deep)["loc"] == ("attributes", "erp", 1, "y")


def test_the_gate_exits_3_naming_file_line_and_key(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "po.json"
    path.write_text(TWICE, encoding="utf-8")
    result: Result = cli("gate", "--record", path, *PINNED, "--no-cases")
    line = TWICE.splitlines().index('    "name": "Other Networks",') + 1
    assert result.code == 3, result.out
    assert result.err.startswith(f"cyberreview: error: {path}:{line}:")
    assert 'duplicate key "name" in vendor' in result.err


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_the_sweep_skips_the_ambiguous_record_and_goes_on(
    cli: Any, tmp_path: Path, suffix: str
) -> None:
    good = json.dumps(with_changes(COVERED, id="PO-1"))
    bad = json.dumps(with_changes(COVERED, id="PO-2")).replace(
        '"id": "PO-2"', '"id": "PO-2", "id": "PO-3"'
    )
    text = f"{good}\n{bad}\n" if suffix == ".jsonl" else f"[\n{good},\n{bad}\n]\n"
    path = tmp_path / f"records{suffix}"
    path.write_text(text, encoding="utf-8")
    result: Result = cli("sweep", path, "--format", "jsonl", "--no-cases", *PINNED)
    assert result.code == 3
    summary = result.lines()[-1]["summary"]
    assert summary["records"] == 1
    [skip] = summary["skips"]
    line = 2 if suffix == ".jsonl" else 3
    assert skip["location"].startswith(f"{path}:{line}:")
    assert 'duplicate key "id"' in skip["reason"]


def test_a_csv_cannot_hold_a_duplicate(tmp_path: Path) -> None:
    """The file source builds a CSV row's JSON itself: two columns for one field are a
    header error (the source fails), not rows that keep the last cell."""
    path = tmp_path / "r.csv"
    path.write_text("id,operator.name,id,kind\nA,o,B,listing\n", encoding="utf-8")
    with pytest.raises(SourceError, match="CSV header: column 3 names id again"):
        list(FileSource(str(path)).read())


def test_a_connector_page_with_a_duplicate_key_fails_the_read(
    fault_server: FaultServer,
) -> None:
    page = b'{"results": [{"id": 1, "category": "Servers", "category": "Network > Routers"}]}'
    fault_server.route("GET", "/items", lambda request: Reply(200, page))
    http = HttpClient(fault_server.url)
    with pytest.raises(HttpError, match='ambiguous JSON: duplicate key "category"'):
        http.get("/items")


# -- NaN and Infinity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "where"),
    [
        ("NaN", ("attributes", "weight")),
        ("Infinity", ("attributes", "weight")),
        ("-Infinity", ("attributes", "weight")),
        ("1e400", ("attributes", "weight")),  # overflows to infinity
    ],
)
def test_nan_and_infinity_are_refused_in_attributes(token: str, where: tuple[str, ...]) -> None:
    text = json.dumps(with_changes(COVERED, attributes={"weight": 1})).replace(
        '"weight": 1', f'"weight": {token}'
    )
    assert _record_error(text)["loc"] == where
    with pytest.raises(ValidationError):
        from_obj(json.loads(text))


@pytest.mark.parametrize("value", ["1e400", '"inf"', '"NaN"', "NaN", "Infinity"])
def test_nan_and_infinity_are_refused_in_specs(value: str) -> None:
    specs = with_changes(COVERED, product__specs={"throughput_tbps": 1})
    text = json.dumps(specs).replace('"throughput_tbps": 1', f'"throughput_tbps": {value}')
    error = _record_error(text)
    assert error["loc"] in (("product", "specs", "throughput_tbps"), ())


def test_nothing_non_finite_reaches_a_decision() -> None:
    """Python data (a connector's, a pack test's) is judged as its JSON would be."""
    for bad in (math.inf, math.nan):
        with pytest.raises(ValidationError):
            from_obj(with_changes(COVERED, product__specs={"memory_gb": bad}))


def test_the_gate_never_prints_infinity(cli: Any, tmp_path: Path) -> None:
    """Under the catalogue pack a router's throughput is a fact of its finding: 1e400
    was decided, and the decision JSON said ``Infinity``."""
    record = with_changes(
        COVERED,
        product__specs={"throughput_tbps": 1, "routing_entries": 600000},
    )
    path = tmp_path / "po.json"
    path.write_text(
        json.dumps(record).replace('"throughput_tbps": 1', '"throughput_tbps": 1e400'), "utf-8"
    )
    result: Result = cli(
        "gate", "--record", path, "--as-of", "2024-01-01", "--format", "json", "--no-cases"
    )
    assert result.code == 3, result.out
    assert "Infinity" not in result.out
    assert "product.specs.throughput_tbps" in result.err


# -- NUL, and C1 characters ---------------------------------------------------------


def test_nul_is_refused_naming_the_field() -> None:
    error = _record_error(json.dumps(with_changes(COVERED, id="PO-1\u0000X")))
    assert error["loc"] == ("id",)
    assert "NUL" in error["msg"]


def test_nul_on_postgresql_is_a_record_error_not_a_store_outage(
    cli: Any, tmp_path: Path, pg_url: str
) -> None:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(with_changes(COVERED, vendor__name="Ex\u0000ample")), "utf-8")
    result: Result = cli("gate", "--record", path, *PINNED, "--store", pg_url)
    assert result.code == 3
    assert "case store" not in result.err
    assert "vendor.name: a NUL character" in result.err


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_c1_characters_are_kept_exactly(
    cli: Any, tmp_path: Path, home: Path, pg_url: str, store: str
) -> None:
    """NEL (U+0085) is a character of the name: decided, stored and shown as given."""
    url = pg_url if store == "postgresql" else f"sqlite:///{home / 'cases.db'}"
    name = "Example\u0085Networks \u009b31m"
    path = tmp_path / "po.json"
    path.write_text(json.dumps(with_changes(COVERED, product__name=name)), "utf-8")
    result: Result = cli("gate", "--record", path, *PINNED, "--store", url, "--format", "json")
    assert result.code == 2, result.err
    case_id = result.json()["actions"][0]["case_id"]
    shown: Result = cli("cases", "show", case_id, "--store", url, "--format", "json")
    assert shown.json()["summary"]["product"] == name


def test_a_duplicate_key_in_text_that_breaks_off_is_refused_not_a_crash() -> None:
    error = _record_error('{"id": "A", "id": "B", "operator": {"name": "o"}')
    assert error["loc"] == ("id",)
    assert error["ctx"]["error"].startswith('duplicate key "id"')
