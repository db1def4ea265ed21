"""Benchmark ``cyberreview`` against a hand-written baseline and Rego, with pass/fail targets.

    python benchmarks/run.py              # 200,000 records, plus the 1,000,000-record RSS run
    python benchmarks/run.py --quick      # a smoke run: 20,000 records, no RSS run
    python benchmarks/run.py --previous /path/to/0.6-venv/bin/python   # and a previous release
    tox -e bench                          # the same, against a normally installed wheel

See benchmarks/README.md for what is measured and why.  Standard library only;
the Rego comparison needs ``regopy`` in the measured interpreter.

Exit status: 0 when every target passes, 1 when a target fails, 2 when the
implementations disagree on the cross-check sample or a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _harness import (
    BenchError,
    Measured,
    cyberreview_command,
    dataset,
    head,
    log,
    measure,
    probe,
    wall,
)

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent / "examples" / "generate.py"
BASELINE = HERE / "baseline.py"
REGO_RUNNER = HERE / "rego_runner.py"
PACK = "cn-csr-2020"
AS_OF = "2021-06-01"
MB = 1_000_000

# The targets.
MIN_VS_BASELINE = 1 / 3  # sweep records/s over the hand-written baseline's
MIN_VS_REGO = 20.0  # sweep records/s over regopy's
MAX_RSS_BYTES = 200 * MB  # sweep peak RSS at --rss-records
MAX_GATE_RATIO = 8.0  # gate cold start over `python -c pass`
MIN_VS_PREVIOUS = 1.0  # sweep records/s over the --previous install's (no slower)

# -- what the steps share ---------------------------------------------------------


@dataclass
class Bench:
    """What every step needs: the commands to run and where to work."""

    args: argparse.Namespace
    python: str
    cyberreview: list[str]
    env: dict[str, str]
    work: Path
    previous: Bench | None = None  # --previous: another install measured alike

    def sweep(self, source: Path, output: str) -> list[str]:
        return [
            *self.cyberreview,
            *("sweep", str(source), "--pack", PACK, "--as-of", AS_OF),
            *("--no-cases", "--format", "jsonl", "--output", output),
        ]

    def baseline(self, source: Path, output: str) -> list[str]:
        return [self.python, str(BASELINE), str(source), "--output", output]

    def rego(self, source: Path, output: str) -> list[str]:
        return [self.python, str(REGO_RUNNER), str(source), "--output", output]


# -- the cross-check -----------------------------------------------------------------

Verdict = tuple[str, frozenset[str]]


def verdicts(path: Path) -> tuple[dict[str, Verdict], dict[str, dict[str, str]]]:
    """Decision and fired rule ids per record id (and messages by rule) of a JSONL output."""
    found: dict[str, Verdict] = {}
    messages: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            if "summary" in data:
                continue
            rules = {f["rule"]: f["message"] for f in data["findings"]}
            found[data["record_id"]] = (data["decision"], frozenset(rules))
            messages[data["record_id"]] = rules
    return found, messages


def record_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["id"] for line in lines if line.strip()]


@dataclass
class CrossCheck:
    records: int
    mismatches: list[str]
    message_differences: dict[str, int]  # records whose messages differ from the sweep's
    rules_fired: dict[str, int]  # by the sweep: shows what the sample covers


def cross_check(ids: list[str], outputs: dict[str, Path]) -> CrossCheck:
    """Every implementation must give every record the same decision and rule ids.

    The first of ``outputs`` (the sweep) is the reference for counting records
    whose messages differ, and for the rules fired.
    """
    loaded = {name: verdicts(path) for name, path in outputs.items()}
    reference_name = next(iter(outputs))
    mismatches: list[str] = []
    for record_id in ids:
        seen = {name: data[0].get(record_id) for name, data in loaded.items()}
        if len({v for v in seen.values()}) != 1:
            shown = "; ".join(
                f"{name}: " + ("missing" if v is None else f"{v[0]} {sorted(v[1])}")
                for name, v in seen.items()
            )
            mismatches.append(f"{record_id}: {shown}")
    reference = loaded[reference_name][1]
    differing = {
        name: sum(1 for record_id in ids if reference.get(record_id) != data[1].get(record_id))
        for name, data in loaded.items()
        if name != reference_name
    }
    fired = Counter(rule for _, rules in loaded[reference_name][0].values() for rule in rules)
    return CrossCheck(len(ids), mismatches, differing, dict(sorted(fired.items())))


# -- gate cold start ----------------------------------------------------------------


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

    One warm-up gate first: it compiles the pack into the cache under
    ``$CYBERREVIEW_HOME``, as any earlier run on a real machine would have.
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


# -- the steps ------------------------------------------------------------------------


def check_step(bench: Bench, data: Path) -> tuple[CrossCheck, Path, Path]:
    """Decide the first --check-sample records three ways and compare.

    Returns the result, the sample and the baseline's decisions on it.
    """
    sample = bench.work / "check.jsonl"
    count = head(data, bench.args.check_sample, sample)
    log(f"cross-checking {count:,} records: sweep, baseline, regopy")
    outputs = {name: bench.work / f"check-{name}.jsonl" for name in ("sweep", "baseline", "rego")}
    measure(bench.sweep(sample, str(outputs["sweep"])), bench.env)
    measure(bench.baseline(sample, str(outputs["baseline"])), bench.env)
    measure(bench.rego(sample, str(outputs["rego"])), bench.env)
    check = cross_check(record_ids(sample), outputs)
    for line in check.mismatches[:20]:
        log(f"MISMATCH {line}")
    if len(check.mismatches) > 20:
        log(f"... and {len(check.mismatches) - 20} more mismatches")
    return check, sample, outputs["baseline"]


def throughput_step(bench: Bench, data: Path) -> tuple[Measured, Measured, dict[str, Any]]:
    """The sweep and the baseline over all N records; regopy over --rego-sample.

    With ``--repeat K`` each is run K times, in turn, and its fastest run kept.
    """
    records, repeat = bench.args.records, bench.args.repeat
    sample = bench.work / "rego-sample.jsonl"
    count = head(data, bench.args.rego_sample, sample)
    sweeps: list[Measured] = []
    bases: list[Measured] = []
    regos: list[dict[str, Any]] = []
    for turn in range(1, repeat + 1):
        of = f" ({turn} of {repeat})" if repeat > 1 else ""
        log(f"timing cyberreview sweep over {records:,} records{of}")
        sweeps.append(measure(bench.sweep(data, os.devnull), bench.env))
        log(f"  {sweeps[-1].seconds:.2f} s")
        log(f"timing the hand-written baseline over {records:,} records{of}")
        bases.append(measure(bench.baseline(data, os.devnull), bench.env))
        log(f"  {bases[-1].seconds:.2f} s")
        log(f"timing regopy over {count:,} records{of}")
        run = measure(bench.rego(sample, os.devnull), bench.env)
        timing: dict[str, Any] = json.loads(run.stderr.strip().splitlines()[-1])
        regos.append(timing | {"process_seconds": run.seconds, "max_rss_bytes": run.max_rss_bytes})
        log(f"  {timing['eval_seconds']:.2f} s")
    rego = min(regos, key=lambda timing: float(timing["eval_seconds"]))
    rego["records_per_second"] = rate(rego["records"], rego["eval_seconds"])
    rego["extrapolated"] = True
    fastest = min(sweeps, key=lambda m: m.seconds), min(bases, key=lambda m: m.seconds)
    return *fastest, rego


def previous_step(bench: Bench, data: Path, sample: Path, decisions: Path) -> dict[str, Any]:
    """The --previous install: its sweep over the same records (fastest of --repeat) and its
    gate cold start on the same record."""
    other = bench.previous
    assert other is not None
    runs = []
    for turn in range(1, bench.args.repeat + 1):
        log(f"timing the previous install's sweep ({turn} of {bench.args.repeat})")
        runs.append(measure(other.sweep(data, os.devnull), other.env))
        log(f"  {runs[-1].seconds:.2f} s")
    fastest = min(runs, key=lambda m: m.seconds)
    cold = gate_step(other, sample, decisions)
    return {
        "sweep": asdict(fastest)
        | {"records_per_second": rate(bench.args.records, fastest.seconds), "stderr": None},
        "gate": asdict(cold) | {"ratio": cold.ratio},
    }


def rss_step(bench: Bench) -> dict[str, Any] | None:
    """The sweep's peak RSS over --rss-records (none with --quick)."""
    records = bench.args.rss_records
    if not records:
        return None
    data = dataset(GENERATOR, bench.python, records, bench.args.seed, bench.args.data_dir)
    log(f"measuring peak RSS of cyberreview sweep over {records:,} records")
    run = measure(bench.sweep(data, os.devnull), bench.env)
    log(f"  {run.seconds:.1f} s, {run.max_rss_bytes / MB:.1f} MB")
    return {
        "records": records,
        "seconds": run.seconds,
        "records_per_second": rate(records, run.seconds),
        "max_rss_bytes": run.max_rss_bytes,
    }


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


def run_all(bench: Bench) -> dict[str, Any]:
    args = bench.args
    data = dataset(GENERATOR, bench.python, args.records, args.seed, args.data_dir)
    check, sample, decisions = check_step(bench, data)
    ours, base, rego = throughput_step(bench, data)
    big = rss_step(bench)
    cold = gate_step(bench, sample, decisions)
    previous = previous_step(bench, data, sample, decisions) if bench.previous else None
    ours_rps = rate(args.records, ours.seconds)
    base_rps = rate(args.records, base.seconds)
    found = targets(ours_rps, base_rps, rego["records_per_second"], big, cold, previous=previous)
    return {
        "pack": PACK,
        "as_of": AS_OF,
        "records": args.records,
        "seed": args.seed,
        "sweep": asdict(ours) | {"records_per_second": ours_rps, "stderr": None},
        "baseline": asdict(base) | {"records_per_second": base_rps, "stderr": None},
        "rego": rego,
        "rss_run": big,
        "gate": asdict(cold) | {"ratio": cold.ratio},
        "previous": previous,
        "cross_check": asdict(check),
        "targets": [asdict(t) | {"status": t.status} for t in found],
    }


# -- the report ----------------------------------------------------------------------


@dataclass
class Target:
    name: str
    measured: str
    reference: str
    ratio: str
    target: str
    passed: bool | None  # None: not measured in this run

    @property
    def status(self) -> str:
        return "SKIP" if self.passed is None else "PASS" if self.passed else "FAIL"


def rate(records: int, seconds: float) -> float:
    return records / seconds if seconds > 0 else float("inf")


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns, a rule under the first (the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def targets(
    ours: float,
    base: float,
    rego: float,
    big: dict[str, Any] | None,
    cold: ColdStart,
    *,
    previous: dict[str, Any] | None = None,
) -> list[Target]:
    vs_base, vs_rego = ours / base, ours / rego
    rows = [
        Target(
            "sweep throughput vs hand-written baseline",
            f"{ours:,.0f} rec/s",
            f"{base:,.0f} rec/s",
            f"{vs_base:.2f}x",
            f">= {MIN_VS_BASELINE:.2f}x",
            vs_base >= MIN_VS_BASELINE,
        ),
        Target(
            "sweep throughput vs regopy (extrapolated)",
            f"{ours:,.0f} rec/s",
            f"{rego:,.0f} rec/s",
            f"{vs_rego:.1f}x",
            f">= {MIN_VS_REGO:.0f}x",
            vs_rego >= MIN_VS_REGO,
        ),
    ]
    if big is None:
        rows.append(
            Target("sweep peak RSS", "not run (--rss-records 0)", "-", "-", "< 200 MB", None)
        )
    else:
        rss = big["max_rss_bytes"]
        rows.append(
            Target(
                f"sweep peak RSS at {big['records']:,} records",
                f"{rss / MB:.1f} MB",
                "-",
                f"{rss / MAX_RSS_BYTES:.2f} of limit",
                f"< {MAX_RSS_BYTES // MB} MB",
                rss < MAX_RSS_BYTES,
            )
        )
    rows.append(
        Target(
            f"gate cold start (median of {cold.runs})",
            f"{cold.gate_median * 1000:.0f} ms",
            f"python -c pass {cold.python_median * 1000:.0f} ms",
            f"{cold.ratio:.1f}x",
            f"<= {MAX_GATE_RATIO:.0f}x",
            cold.ratio <= MAX_GATE_RATIO,
        )
    )
    if previous is not None:
        theirs = previous["sweep"]["records_per_second"]
        rows.append(
            Target(
                "sweep throughput vs the --previous install",
                f"{ours:,.0f} rec/s",
                f"{theirs:,.0f} rec/s",
                f"{ours / theirs:.2f}x",
                f">= {MIN_VS_PREVIOUS:.1f}x",
                ours / theirs >= MIN_VS_PREVIOUS,
            )
        )
        gate = previous["gate"]
        rows.append(
            Target(
                "gate cold start vs the --previous install",
                f"{cold.gate_median * 1000:.0f} ms ({cold.ratio:.1f}x)",
                f"{gate['gate_median'] * 1000:.0f} ms ({gate['ratio']:.1f}x)",
                f"{cold.gate_median / gate['gate_median']:.2f}x",
                "(information)",
                None,
            )
        )
    return rows


def run_row(name: str, records: int, run: dict[str, Any], seconds: str = "seconds") -> list[str]:
    return [
        name,
        f"{records:,}",
        f"{run[seconds]:.2f}",
        f"{run['records_per_second']:,.0f}",
        f"{run['max_rss_bytes'] / MB:.1f} MB",
    ]


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    info = results["environment"]
    sweep, base, rego = results["sweep"], results["baseline"], results["rego"]
    check = results["cross_check"]
    rows = [["target", "measured", "reference", "ratio", "goal", "status"]]
    rows += [
        [t["name"], t["measured"], t["reference"], t["ratio"], t["target"], t["status"]]
        for t in results["targets"]
    ]
    print()
    print(
        f"cyberreview-policy {info['tool_version']} on Python {info['python']} "
        f"({info['executable']}{', EDITABLE install' if info['editable'] else ''}), "
        f"pack {PACK}, --as-of {AS_OF}, {results['records']:,} records (seed {results['seed']})"
    )
    print()
    print(table(rows))
    print()
    details = [["run", "records", "seconds", "records/s", "peak RSS"]]
    details.append(run_row("cyberreview sweep", results["records"], sweep))
    details.append(run_row("baseline.py (json + if)", results["records"], base))
    details.append(run_row("regopy, eval loop only", rego["records"], rego, "eval_seconds"))
    if results["rss_run"]:
        big = results["rss_run"]
        details.append(run_row("cyberreview sweep (RSS run)", big["records"], big))
    if results["previous"]:
        before = results["previous"]
        details.append(
            run_row(f"previous install ({before['version']})", results["records"], before["sweep"])
        )
    print(table(details))
    print()
    gate = results["gate"]
    print(
        f"gate: median {gate['gate_median'] * 1000:.1f} ms (min {gate['gate_min'] * 1000:.1f}), "
        f"python -c pass: median {gate['python_median'] * 1000:.1f} ms "
        f"(min {gate['python_min'] * 1000:.1f}), {gate['runs']} interleaved runs each, "
        f"record {gate['record_id']}"
    )
    print(
        f"regopy: {rego['records']:,}-record sample, setup {rego['setup_seconds']:.2f} s "
        f"excluded; its rate is extrapolated to {results['records']:,} records"
    )
    if args.repeat > 1:
        print(f"throughput: fastest of {args.repeat} runs of each")
    agreed = "all agree" if not check["mismatches"] else f"{len(check['mismatches'])} MISMATCHES"
    differ = ", ".join(f"{name} {n}" for name, n in check["message_differences"].items())
    print(
        f"cross-check: {check['records']:,} records, sweep / baseline / regopy: {agreed} "
        f"(decision and fired rule ids); records whose messages differ from the sweep's "
        f"(informational): {differ}"
    )
    fired = ", ".join(f"{rule} {count}" for rule, count in check["rules_fired"].items())
    print(f"rules fired in the cross-check sample: {fired}")
    print(f"whole benchmark: {results['total_seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        print(f"results written to {args.json}")


# -- the command line ------------------------------------------------------------------


def options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--records", type=int, help="records for the throughput runs (200,000; --quick 20,000)"
    )
    parser.add_argument("--seed", type=int, default=2021, help="generator seed (2021)")
    parser.add_argument(
        "--rss-records",
        type=int,
        default=1_000_000,
        help="records for the peak-RSS run (1,000,000; 0 or --quick: no RSS run)",
    )
    parser.add_argument(
        "--rego-sample", type=int, help="records timed under regopy (2,000; --quick 500)"
    )
    parser.add_argument(
        "--check-sample", type=int, help="records cross-checked (5,000; --quick 2,000)"
    )
    parser.add_argument("--gate-runs", type=int, help="gate cold starts, at least 21 (31)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="throughput runs of each, fastest kept (1)"
    )
    parser.add_argument("--quick", action="store_true", help="a smaller smoke run")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter with cyberreview-policy and regopy installed (this one)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cyberreview-bench",
        help="where generated records are cached ($TMPDIR/cyberreview-bench)",
    )
    parser.add_argument(
        "--previous",
        metavar="PYTHON",
        help="also measure the cyberreview-policy installed for this interpreter (a previous "
        "release) in the same run: its sweep and gate cold start, on the same records",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    args = parser.parse_args(argv)
    quick = args.quick
    args.records = args.records or (20_000 if quick else 200_000)
    args.rego_sample = args.rego_sample or (500 if quick else 2_000)
    args.check_sample = args.check_sample or (2_000 if quick else 5_000)
    args.gate_runs = max(21, args.gate_runs or 31)
    args.repeat = max(1, args.repeat)
    if quick:
        args.rss_records = 0
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = options(argv)
    started = time.perf_counter()
    python: str = args.python
    try:
        info = probe(python)
        if info["editable"]:
            log(
                "WARNING: cyberreview-policy is an editable install: with "
                "PYTHONDONTWRITEBYTECODE set, every start recompiles it. "
                "Measure a normal install (tox -e bench)."
            )
        if info["regopy"] is None:
            raise BenchError(f"regopy is not installed for {python} (pip install regopy)")
        cyberreview = cyberreview_command(python)
        log(f"measuring {' '.join(cyberreview)} ({info['tool_version']}, Python {info['python']})")
        work = Path(tempfile.mkdtemp(prefix="cyberreview-bench-"))
        env = dict(os.environ, CYBERREVIEW_HOME=str(work / "home"))
        env.pop("CYBERREVIEW_NO_CACHE", None)  # measure the default: the pack cache is on
        previous = None
        if args.previous:
            before = probe(args.previous)
            log(f"and the previous install {args.previous} ({before['tool_version']})")
            previous_env = dict(env, CYBERREVIEW_HOME=str(work / "previous-home"))
            previous = Bench(
                args, args.previous, cyberreview_command(args.previous), previous_env, work
            )
        try:
            results = run_all(Bench(args, python, cyberreview, env, work, previous))
            if previous is not None:
                results["previous"]["version"] = before["tool_version"]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    results["environment"] = info
    results["total_seconds"] = time.perf_counter() - started
    report(results, args)
    if results["cross_check"]["mismatches"]:
        return 2
    return 0 if all(t["passed"] is not False for t in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
