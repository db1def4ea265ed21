"""The gate's fast path gives exactly what pydantic gives, or defers to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy import fastrecord
from cyberreview_policy.engine import Engine
from cyberreview_policy.models.decision import decision_json
from cyberreview_policy.models.jsonout import dumps
from cyberreview_policy.models.record import Record
from tests.conftest import AS_OF, COVERED, with_changes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "procurement.jsonl"

VARIANTS: list[dict[str, Any]] = [
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
    with_changes(
        COVERED, kind="asset", vendor={"name": None, "country": None, "compliance_issues": True}
    ),
    {"id": "L-1", "kind": "listing", "operator": {"name": "Ride", "platform_users": 3000000}},
]


def both(data: dict[str, Any]) -> tuple[Any, Record]:
    text = json.dumps(data)
    fast = fastrecord.from_text(text)
    assert fast is not None, f"fast path deferred on a canonical record: {text[:120]}"
    return fast, Record.from_json(text)


def example_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("data", VARIANTS)
def test_same_values_digest_and_decision(data: dict[str, Any], engine: Engine) -> None:
    fast, slow = both(data)
    assert fastrecord.plain(fast) == fastrecord.plain(slow)
    assert fastrecord.record_digest(fast) == fastrecord.record_digest(slow)
    assert fastrecord.record_key(fast) == slow.key
    assert json.loads(dumps(engine.decide(fast, AS_OF))) == json.loads(
        decision_json(engine.decide(slow, AS_OF))
    )


def test_every_demo_record_takes_the_fast_path_and_decides_the_same(engine: Engine) -> None:
    records = example_records()
    assert len(records) >= 200
    for data in records:
        fast, slow = both(data)
        assert fastrecord.plain(fast) == fastrecord.plain(slow)
        assert dumps(engine.decide(fast, AS_OF)) == dumps(engine.decide(slow, AS_OF))


@pytest.mark.parametrize(
    "data",
    [
        with_changes(COVERED, operator__ciio="true"),  # lax: pydantic decides
        with_changes(COVERED, contract__amount="4200000"),
        with_changes(COVERED, contract__amount=4200000.5),
        with_changes(COVERED, product__specs={"cpus": 8.0}),
        with_changes(COVERED, source={"adapter": "x", "fetched_at": "2021-05-01T10:00:00Z"}),
        with_changes(COVERED, product__category="router"),  # invalid
        with_changes(COVERED, deployment__planned_date="2021-02-30"),
        with_changes(COVERED, deployment__planned_date="20210601"),
        with_changes(COVERED, vendor__country="cn"),
        with_changes(COVERED, contract__amount=-5),
        with_changes(COVERED, unexpected=1),
        with_changes(COVERED, materials=["declaration", "contract"]),
        with_changes(COVERED, operator__name=""),
        {"id": "x", "operator": {"name": "o"}},  # product required for purchases
    ],
)
def test_anything_not_certainly_canonical_is_deferred(data: dict[str, Any]) -> None:
    assert fastrecord.from_text(json.dumps(data)) is None


def test_invalid_json_is_deferred() -> None:
    assert fastrecord.from_text('{"id": ') is None
    assert fastrecord.from_text("[]") is None


def test_defaults_are_fresh_objects() -> None:
    first = fastrecord.from_text(json.dumps(COVERED))
    second = fastrecord.from_text(json.dumps(COVERED))
    assert first is not None and second is not None
    assert first.attributes is not second.attributes


def test_the_gate_imports_neither_pydantic_nor_yaml_nor_importlib_metadata(home: Path) -> None:
    """The start-up budget of the gate: a warm gate loads none of the heavy modules."""
    import subprocess
    import sys

    record = Path(__file__).resolve().parent.parent / "examples" / "po-117.json"
    gate = f"main(['gate', '--record', {str(record)!r}, '--no-cases', '--as-of', '2026-03-01'])"
    code = (
        "import sys\n"
        "from cyberreview_policy.cli import main\n"
        "try:\n"
        f"    {gate}\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['pydantic', 'pydantic_core', 'yaml', 'importlib.metadata', 'sqlite3', 'psycopg']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**__import__("os").environ, "CYBERREVIEW_HOME": str(home)}
    warm = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert warm.returncode == 0, warm.stderr  # the first run fills the pack cache
    again = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert again.stdout.strip().splitlines()[-1] == "[]"
