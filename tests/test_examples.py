"""The example data: ``examples/generate.py`` and the committed ``examples/procurement.jsonl``."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cyberreview_policy.cli import main
from cyberreview_policy.policy.pack import Pack

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COMMITTED = EXAMPLES / "procurement.jsonl"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """The generator, imported by path (``examples/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("examples_generate", EXAMPLES / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lines(records: Any) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def test_committed_file_is_the_default_output(gen: ModuleType) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == lines(gen.generate(240, 2021)), (
        "examples/procurement.jsonl is stale: run python examples/generate.py"
    )


def test_command_line_writes_json_lines(gen: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert gen.main(["--count", "50", "--seed", "7", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == lines(gen.generate(50, 7))


def test_deterministic_and_seeded(gen: ModuleType) -> None:
    first = list(gen.generate(50, 2021))
    assert first == list(gen.generate(50, 2021))
    assert first != list(gen.generate(50, 2022))
    assert list(gen.generate(120, 2021))[:50] == first  # a prefix does not depend on the count


def test_ids_are_unique_across_chunks(gen: ModuleType) -> None:
    ids = [record["id"] for record in gen.generate(2 * gen.CHUNK + 100, 5)]
    assert len(set(ids)) == len(ids)


@pytest.mark.slow
def test_parallel_jobs_write_the_same_bytes(gen: ModuleType, tmp_path: Path) -> None:
    """Chunks encoded by two processes, run as the benchmark runs it: same text as generate()."""
    count = 2 * gen.CHUNK + 17
    out = tmp_path / "records.jsonl"
    argv = ["--count", str(count), "--seed", "11", "--jobs", "2", "--output", str(out)]
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "generate.py"), *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == lines(gen.generate(count, 11)).encode()


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The committed file swept with the CLI as the README does: (decisions, summary)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CYBERREVIEW_HOME", str(tmp_path_factory.mktemp("home")))
        out = tmp_path_factory.mktemp("sweep") / "decisions.jsonl"
        argv = [str(COMMITTED), "--as-of", "2021-06-01", "--no-cases", "--format", "jsonl"]
        code = main(["sweep", *argv, "--output", str(out)])
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return rows[:-1], rows[-1]["summary"]


def test_sweep_reads_every_record(
    swept: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    decisions, summary = swept
    assert summary["complete"] is True
    assert summary["skipped"] == 0
    assert summary["records"] == len(decisions) == 240


def test_every_rule_fires_on_some_records_and_not_on_others(
    swept: tuple[list[dict[str, Any]], dict[str, Any]], pack: Pack
) -> None:
    decisions, _ = swept
    fired = Counter(rule for d in decisions for rule in {f["rule"] for f in d["findings"]})
    for rule in pack.rules:
        if rule.id in CASE_STORE_FACTS:  # swept --no-cases here: the fact is unknown
            assert fired[rule.id] == 0, f"{rule.id} fired on {fired[rule.id]} without cases"
            continue
        assert 0 < fired[rule.id] < len(decisions), f"{rule.id} fired on {fired[rule.id]}"


#: rules on facts only the case store gives (review.earliest_clearance): they fire in the
#: demo sweep with cases (tests/cli/test_demo_converges.py)
CASE_STORE_FACTS = {"go-live-at-risk"}


def test_decisions_are_those_the_scenarios_promise(
    gen: ModuleType, swept: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    _, summary = swept
    decks = 240 // gen.DECK_SIZE
    assert decks * gen.DECK_SIZE == 240
    expected = Counter({"block": 0, "warn": 0, "allow": 0})
    for scenario in gen.SCENARIOS:
        expected[scenario.decision] += decks * scenario.weight
    assert summary["decisions"] == dict(expected)


def test_every_deck_gives_the_promised_decisions(
    gen: ModuleType,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Whatever the seed, a deck of scenarios decides as its weights say (benchmark data)."""
    monkeypatch.setenv("CYBERREVIEW_HOME", str(tmp_path))
    source = tmp_path / "records.jsonl"
    source.write_text(lines(gen.generate(gen.DECK_SIZE, 99)), encoding="utf-8")
    capsys.readouterr()
    argv = ["sweep", str(source), "--as-of", "2021-06-01", "--no-cases", "--format", "jsonl"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    expected = Counter(s.decision for s in gen.SCENARIOS for _ in range(s.weight))
    assert summary["skipped"] == 0
    assert summary["decisions"] == {k: expected[k] for k in ("block", "warn", "allow")}
