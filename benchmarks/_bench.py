"""What the benchmark's steps share: the commands of each implementation, where to
work, and the gate's cold start.  Standard library only.  Used by ``run.py``."""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from _harness import log, wall

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent / "examples" / "generate.py"
PACK = "cn-csr-2020"
AS_OF = "2021-06-01"
MB = 1_000_000
CEL_ENGINES = ("cel-expr", "cel", "celpy")  # the C++, the Rust, the pure-Python CEL


@dataclass
class Bench:
    """What every step needs: the commands to run and where to work."""

    args: argparse.Namespace
    python: str
    cyberreview: list[str]
    env: dict[str, str]
    work: Path
    previous: Bench | None = None  # --previous: another install measured alike

    def sweep(self, source: Path, output: str, *extra: str) -> list[str]:
        return [
            *self.cyberreview,
            *("sweep", str(source), "--pack", PACK, "--as-of", AS_OF),
            *("--no-cases", "--format", "jsonl", "--output", output, *extra),
        ]

    def baseline(self, source: Path, output: str) -> list[str]:
        return [self.python, str(HERE / "baseline.py"), str(source), "--output", output]

    def rego(self, source: Path, output: str) -> list[str]:
        return [self.python, str(HERE / "rego_runner.py"), str(source), "--output", output]

    def cel(self, engine: str, source: Path, output: str) -> list[str]:
        runner = str(HERE / "cel_runner.py")
        return [self.python, runner, str(source), "--engine", engine, "--output", output]


@dataclass
class ColdStart:
    runs: int
    gate_median: float
    gate_min: float
    python_median: float
    python_min: float
    record_id: str

    @property
    def ratio(self) -> float:
        return self.gate_median / self.python_median


def cold_start(bench: Bench, record: Path, record_id: str) -> ColdStart:
    """Median wall times of ``gate`` on ``record`` and of ``python -c pass``, interleaved.

    One warm-up gate first: it fills the pack cache under ``$CYBERREVIEW_HOME``, as
    any earlier run on a real machine would have.
    """
    gate = [*bench.cyberreview, "gate", "--record", str(record), "--no-cases"]
    gate += ["--pack", PACK, "--as-of", AS_OF]
    bare = [bench.python, "-c", "pass"]
    env = bench.env
    wall(gate, env, ok=(0, 1, 2))
    wall(bare, env)
    gates: list[float] = []
    bares: list[float] = []
    for index in range(bench.args.gate_runs):  # interleaved, alternating which goes first
        pair: list[tuple[list[str], list[float], tuple[int, ...]]] = [
            (gate, gates, (0, 1, 2)),
            (bare, bares, (0,)),
        ]
        for cmd, times, ok in pair if index % 2 == 0 else reversed(pair):
            times.append(wall(cmd, env, ok=ok))
    return ColdStart(
        len(gates),
        statistics.median(gates),
        min(gates),
        statistics.median(bares),
        min(bares),
        record_id,
    )


def gate_step(bench: Bench, sample: Path, decisions: Path) -> ColdStart:
    """Gate cold start on the first record of the sample that blocks (the most work)."""
    with decisions.open(encoding="utf-8") as lines:
        blocked = {d["record_id"] for d in map(json.loads, lines) if d.get("decision") == "block"}
    with sample.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    chosen = next((r for r in records if r["id"] in blocked), records[0])
    record = bench.work / "gate-record.json"
    record.write_text(json.dumps(chosen, ensure_ascii=False, indent=2), "utf-8")
    log(f"timing {bench.args.gate_runs} gate cold starts (record {chosen['id']})")
    return cold_start(bench, record, chosen["id"])


def rate(records: int, seconds: float) -> float:
    return records / seconds if seconds > 0 else float("inf")
