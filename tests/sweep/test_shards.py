"""A shard validates only its own records: another shard's are told by their identity,
read from the raw JSON, exactly as validation would read it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cyberreview_policy.models.identity import record_key
from cyberreview_policy.models.validate import from_json
from cyberreview_policy.sweep.runner import raw_key
from cyberreview_policy.sweep.summary import Shard
from tests.conftest import Result

EXAMPLES = Path(__file__).parents[2] / "examples" / "procurement.jsonl"


def test_the_raw_identity_is_the_validated_one() -> None:
    lines = EXAMPLES.read_bytes().splitlines()
    for line in lines:
        assert raw_key(line) == record_key(from_json(line))
    data = json.loads(lines[0])
    data["source"] = {"adapter": "nautobot", "ref": "x"}
    line = json.dumps(data).encode()
    assert raw_key(line) == record_key(from_json(line)) == f"nautobot:{data['id']}"


@pytest.mark.parametrize(
    "line",
    [
        b"{broken",
        b"[1, 2]",
        b'{"id": 7}',  # not text: validation decides (and refuses it)
        b'{"id": "a", "source": "nautobot"}',
        b'{"id": "a", "source": {"adapter": 5}}',
    ],
)
def test_what_cannot_be_told_is_validated(line: bytes) -> None:
    assert raw_key(line) is None


def test_an_invalid_record_is_reported_by_its_own_shard_only(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    bad = {"id": "BAD-1", "kind": "purchase"}  # no operator: invalid
    source = tmp_path / "records.jsonl"
    source.write_bytes(EXAMPLES.read_bytes() + json.dumps(bad).encode() + b"\n")
    owner = next(i for i in (1, 2, 3) if Shard(i, 3).owns("BAD-1"))
    for index in (1, 2, 3):
        out = tmp_path / f"shard-{index}.jsonl"
        args = ("--as-of", "2021-06-01", "--no-cases", "--format", "jsonl", "--output", out)
        result = cli("sweep", source, *args, "--shard", f"{index}/3")
        summary = json.loads(out.read_bytes().splitlines()[-1])["summary"]
        if index == owner:
            assert result.code == 3 and summary["skipped"] == 1
            assert summary["skips"][0]["record_id"] == "BAD-1"
        else:
            assert result.code == 0 and summary["skipped"] == 0


@pytest.mark.slow
def test_a_shard_with_workers_decides_as_in_one_process(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    outputs = []
    for workers in ("0", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        args = ("--as-of", "2021-06-01", "--no-cases", "--format", "jsonl", "--output", out)
        result = cli("sweep", EXAMPLES, *args, "--shard", "2/3", "--workers", workers)
        assert result.code == 0, result.err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    summary = json.loads(outputs[0].splitlines()[-1])["summary"]
    assert 0 < summary["records"] < 240
    assert summary["records"] + summary["sources"][0]["other_shards"] == 240
