"""The one record validator: built from the model's own core schema, it gives exactly
pydantic's answers, and the runtime has one record type."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models import schema_gen, validate
from cyberreview_policy.models.identity import plain, record_digest, record_key
from cyberreview_policy.models.jsonout import dumps
from cyberreview_policy.models.record import Record
from tests.conftest import AS_OF, COVERED, with_changes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "procurement.jsonl"

VALID: list[dict[str, Any]] = [
    COVERED,
    with_changes(COVERED, operator__ciio=None, deployment__cii=None, materials=[]),
    with_changes(
        COVERED, deployment__in_use=True, review__status="failed", review__decided_on="2021-05-01"
    ),
    with_changes(
        COVERED,
        product__specs={"throughput_tbps": 16, "routing_entries": 2000000, "forwarding_gpps": 12.5},
    ),
    with_changes(
        COVERED,
        product__certification={"kind": "certification", "id": "C1", "valid_until": "2023-01-01"},
    ),
    with_changes(COVERED, attributes={"erp": {"category": "NET", "weight": 1.5}, "tags": ["x", 1]}),
    with_changes(COVERED, source={"adapter": "tryton", "ref": "purchase.line,9"}),
    with_changes(COVERED, source={"adapter": "x", "fetched_at": "2021-05-01T10:00:00Z"}),
    with_changes(
        COVERED, kind="asset", vendor={"name": None, "country": None, "compliance_issues": True}
    ),
    with_changes(COVERED, operator__ciio="true"),  # lax JSON booleans: as pydantic decides
    with_changes(COVERED, contract__amount="4200000"),
    with_changes(COVERED, contract__amount=4200000.5),
    with_changes(COVERED, product__specs={"cpus": 8.0}),
    {"id": "L-1", "kind": "listing", "operator": {"name": "Ride", "platform_users": 3000000}},
]

INVALID: list[dict[str, Any]] = [
    with_changes(COVERED, product__category="router"),
    with_changes(COVERED, deployment__planned_date="2021-02-30"),
    with_changes(COVERED, deployment__planned_date="20210601"),
    with_changes(COVERED, deployment__planned_date=1622505600),  # a number is not a date
    with_changes(COVERED, vendor__country="cn"),
    with_changes(COVERED, contract__amount=-5),
    with_changes(COVERED, unexpected=1),
    with_changes(COVERED, materials=["declaration", "contract"]),
    with_changes(COVERED, operator__name=""),
    {"id": "x", "operator": {"name": "o"}},  # product required for purchases
]


def example_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]


def test_the_stored_schema_is_what_the_model_generates() -> None:
    stored = schema_gen.SCHEMA_FILE.read_text("utf-8")
    assert stored == schema_gen.text(), (
        "models/record_schema.json is stale: run python -m cyberreview_policy.models.schema_gen "
        "--write"
    )


@pytest.mark.parametrize("data", VALID)
def test_valid_records_come_out_as_pydantic_reads_them(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    record = validate.from_json(text)
    model = Record.model_validate_json(text)
    assert type(record) is validate.RecordData
    assert plain(record) == model.model_dump(mode="json")
    assert record_key(record) == record.key


@pytest.mark.parametrize("data", INVALID)
def test_invalid_records_get_pydantic_s_errors(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    with pytest.raises(validate.ValidationError) as ours:
        validate.from_json(text)
    with pytest.raises(PydanticValidationError) as theirs:
        Record.model_validate_json(text)
    strip = [{k: e[k] for k in ("type", "loc", "msg")} for e in theirs.value.errors()]
    assert [{k: e[k] for k in ("type", "loc", "msg")} for e in ours.value.errors()] == strip


def test_every_demo_record_validates_as_pydantic_reads_it(engine: Engine) -> None:
    records = example_records()
    assert len(records) >= 200
    for data in records:
        text = json.dumps(data)
        record = validate.from_json(text)
        assert plain(record) == Record.model_validate_json(text).model_dump(mode="json")
        decided = json.loads(dumps(engine.decide(record, AS_OF)))
        assert decided["record_id"] == data["id"]
        assert decided["decision"] in {"allow", "warn", "block"}


def test_the_digest_is_the_digest_of_pydantic_s_json() -> None:
    """Case stores keep record digests: the one validator must not change them."""
    import hashlib

    text = json.dumps(COVERED)
    dumped = Record.model_validate_json(text).model_dump(mode="json")
    canonical = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    assert record_digest(validate.from_json(text)) == expected


def test_records_are_read_only_comparable_and_picklable() -> None:
    record = validate.from_json(json.dumps(COVERED))
    with pytest.raises(AttributeError, match="read-only"):
        record.id = "other"
    with pytest.raises(AttributeError, match="read-only"):
        record.operator.ciio = False
    again = pickle.loads(pickle.dumps(record))  # sweep workers get records pickled
    assert again == record
    assert type(again) is validate.RecordData
    assert again.key == record.key
    changed = record.replace(id="other")
    assert (changed.id, record.id) == ("other", COVERED["id"])
    assert changed != record


def test_mutable_defaults_are_fresh_and_empty_parts_equal() -> None:
    bare = {k: v for k, v in COVERED.items() if k not in {"attributes", "materials", "vendor"}}
    one, two = validate.from_json(json.dumps(bare)), validate.from_json(json.dumps(bare))
    assert one.attributes == {} and one.attributes is not two.attributes
    assert one.materials == [] and one.materials is not two.materials
    assert one.vendor == two.vendor
    assert one.vendor.name is None


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udc00y", "\\ud83d"])
def test_a_lone_surrogate_is_refused_and_found(escape: str) -> None:
    text = json.dumps(COVERED).replace('"Backbone router"', f'"{escape}"', 1)
    assert escape in text
    with pytest.raises(validate.ValidationError):
        validate.from_json(text)
    assert validate.surrogate_in(text) == ("product", "name")


def test_a_surrogate_pair_is_a_character() -> None:
    text = json.dumps(COVERED).replace('"Backbone router"', '"\\ud83d\\ude00"', 1)
    assert validate.from_json(text).product.name == "\U0001f600"
    assert validate.surrogate_in(text) is None


@pytest.mark.slow
def test_the_gate_imports_neither_pydantic_nor_yaml_nor_importlib_metadata(home: Path) -> None:
    """The start-up budget of the gate: a warm gate loads none of the heavy modules; of
    pydantic-core it loads the compiled validator only (``models/_core.py``).  Nor what
    it does not use: hashlib (OpenSSL: ``sha256.py``), logging (without ``--log-level``),
    difflib (a misspelt field's suggestion), csv (CSV files)."""
    import subprocess
    import sys

    record = Path(__file__).resolve().parents[2] / "examples" / "po-117.json"
    gate = f"main(['gate', '--record', {str(record)!r}, '--no-cases', '--as-of', '2026-03-01'])"
    code = (
        "import sys\n"
        "from cyberreview_policy.cli import main\n"
        "try:\n"
        f"    {gate}\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['pydantic', 'pydantic_core', 'typing_extensions', 'yaml',\n"
        "         'importlib.metadata', 'sqlite3', 'psycopg',\n"
        "         'hashlib', 'logging', 'difflib', 'csv']\n"
        "print(sorted(m for m in heavy if m in sys.modules),\n"
        "      'pydantic_core._pydantic_core' in sys.modules)\n"
    )
    env = {**__import__("os").environ, "CYBERREVIEW_HOME": str(home)}
    warm = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert warm.returncode == 0, warm.stderr  # the first run fills the pack cache
    again = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert again.stdout.strip().splitlines()[-1] == "[] True"
