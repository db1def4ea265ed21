"""The benchmark's measuring steps (``run.py`` runs them in order).  Standard library only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from _bench import CEL_ENGINES, GENERATOR, HERE, MB, Bench, rate
from _checks import CrossCheck, cross_check, record_ids
from _harness import BenchError, Measured, dataset, head, log, measure, measure_tree, tree_pss


def _report_mismatches(check: CrossCheck) -> None:
    for line in check.mismatches[:20]:
        log(f"MISMATCH {line}")
    if len(check.mismatches) > 20:
        log(f"... and {len(check.mismatches) - 20} more mismatches")


def check_step(bench: Bench, data: Path) -> tuple[CrossCheck, Path, Path]:
    """Decide the first --check-sample records every way (cel-python: its smaller
    sample) and compare.  Returns the result, the sample and the baseline's decisions."""
    sample = bench.work / "check.jsonl"
    count = head(data, bench.args.check_sample, sample)
    engines = [e for e in CEL_ENGINES if e != "celpy"]
    log(f"cross-checking {count:,} records: sweep, baseline, regopy, {', '.join(engines)}")
    outputs = {name: bench.work / f"check-{name}.jsonl" for name in ("sweep", "baseline", "rego")}
    measure(bench.sweep(sample, str(outputs["sweep"])), bench.env)
    measure(bench.baseline(sample, str(outputs["baseline"])), bench.env)
    measure(bench.rego(sample, str(outputs["rego"])), bench.env)
    for engine in engines:
        outputs[engine] = bench.work / f"check-{engine}.jsonl"
        measure(bench.cel(engine, sample, str(outputs[engine])), bench.env)
    check = cross_check(record_ids(sample), outputs)
    small = bench.work / "check-small.jsonl"
    few = head(data, bench.args.celpy_sample, small)
    log(f"cross-checking {few:,} records: sweep, celpy")
    pure = {"sweep": outputs["sweep"], "celpy": bench.work / "check-celpy.jsonl"}
    measure(bench.cel("celpy", small, str(pure["celpy"])), bench.env)
    slow = cross_check(record_ids(small), pure)
    check.mismatches += slow.mismatches
    check.message_differences |= slow.message_differences
    _report_mismatches(check)
    return check, sample, outputs["baseline"]


def sweep_sample_step(bench: Bench, data: Path) -> tuple[Path, Path]:
    """Without the cross-check (``--only gate``): the sweep's decisions of the first
    --check-sample records, for the gate to pick its record from."""
    sample = bench.work / "check.jsonl"
    count = head(data, bench.args.check_sample, sample)
    decisions = bench.work / "check-sweep.jsonl"
    log(f"deciding {count:,} records with cyberreview sweep (the gate's record)")
    measure(bench.sweep(sample, str(decisions)), bench.env)
    return sample, decisions


def _loop_rate(bench: Bench, cmd: list[str], what: str) -> dict[str, Any]:
    """A runner's timing line (its evaluation loop, setup excluded), as a rate."""
    run = measure(cmd, bench.env)
    timing: dict[str, Any] = json.loads(run.stderr.strip().splitlines()[-1])
    timing |= {"process_seconds": run.seconds, "max_rss_bytes": run.max_rss_bytes}
    timing["records_per_second"] = rate(timing["records"], timing["eval_seconds"])
    timing["extrapolated"] = True
    log(f"  {what}: {timing['eval_seconds']:.2f} s, {timing['records_per_second']:,.0f} rec/s")
    return timing


def throughput_step(bench: Bench, data: Path) -> dict[str, Any]:
    """The sweep and the baseline over all N records; regopy and the compiled CELs over
    --rego-sample, cel-python over --celpy-sample (evaluation loops, extrapolated).
    With ``--repeat K`` each is run K times, in turn, and its fastest run kept."""
    records, repeat = bench.args.records, bench.args.repeat
    sample = bench.work / "rego-sample.jsonl"
    count = head(data, bench.args.rego_sample, sample)
    small = bench.work / "celpy-sample.jsonl"
    head(data, bench.args.celpy_sample, small)
    runs: dict[str, list[Any]] = {}
    for turn in range(1, repeat + 1):
        of = f" ({turn} of {repeat})" if repeat > 1 else ""
        log(f"timing cyberreview sweep and the baseline over {records:,} records{of}")
        sweep = measure(bench.sweep(data, os.devnull), bench.env)
        runs.setdefault("sweep", []).append(sweep)
        base = measure(bench.baseline(data, os.devnull), bench.env)
        runs.setdefault("baseline", []).append(base)
        log(f"  sweep {sweep.seconds:.2f} s, baseline {base.seconds:.2f} s")
        log(f"timing regopy and CEL over {count:,} records (cel-python: fewer){of}")
        runs.setdefault("rego", []).append(
            _loop_rate(bench, bench.rego(sample, os.devnull), "regopy")
        )
        for engine in CEL_ENGINES:
            source = small if engine == "celpy" else sample
            cmd = bench.cel(engine, source, os.devnull)
            runs.setdefault(engine, []).append(_loop_rate(bench, cmd, engine))
    out: dict[str, Any] = {}
    for name in ("sweep", "baseline"):
        fastest: Measured = min(runs[name], key=lambda m: m.seconds)
        out[name] = asdict(fastest) | {
            "records_per_second": rate(records, fastest.seconds),
            "stderr": None,
        }
    for name in ("rego", *CEL_ENGINES):
        out[name] = max(runs[name], key=lambda timing: float(timing["records_per_second"]))
    return out


def workers_step(bench: Bench, data: Path) -> dict[str, Any]:
    """One process and ``--workers 2`` over the same file, each to a file: times, and
    whether the outputs are byte for byte the same."""
    timed = {}
    for workers in ("0", "2"):
        out = bench.work / f"workers-{workers}.jsonl"
        log(f"timing sweep --workers {workers} over {bench.args.records:,} records, to a file")
        runs = [
            measure(bench.sweep(data, str(out), "--workers", workers), bench.env)
            for _ in range(bench.args.repeat)
        ]
        timed[workers] = min(run.seconds for run in runs)
        log(f"  {timed[workers]:.2f} s")
    one, two = (bench.work / f"workers-{w}.jsonl" for w in ("0", "2"))
    identical = one.read_bytes() == two.read_bytes()
    one.unlink()
    two.unlink()
    if not identical:
        raise BenchError("sweep --workers 2 wrote other decisions than one process")
    return {"one_seconds": timed["0"], "two_seconds": timed["2"], "identical": identical}


def rss_step(bench: Bench) -> dict[str, Any] | None:
    """Peak RSS over --rss-records: one process (its own), and --workers 2 (the tree)."""
    records = bench.args.rss_records
    if not records:
        return None
    data = dataset(GENERATOR, bench.python, records, bench.args.seed, bench.args.data_dir)
    log(f"measuring peak RSS of cyberreview sweep over {records:,} records")
    run = measure(bench.sweep(data, os.devnull), bench.env)
    log(f"  {run.seconds:.1f} s, {run.max_rss_bytes / MB:.1f} MB")
    log(f"measuring the process tree's peak memory of sweep --workers 2 over {records:,} records")
    cmd = bench.sweep(data, os.devnull, "--workers", "2")
    seconds, tree = measure_tree(cmd, bench.env, tree_pss)
    _, rss_sum = measure_tree(cmd, bench.env)
    log(f"  {seconds:.1f} s, {tree / MB:.1f} MB (PSS), RSS summed {rss_sum / MB:.1f} MB")
    return {
        "records": records,
        "seconds": run.seconds,
        "records_per_second": rate(records, run.seconds),
        "max_rss_bytes": run.max_rss_bytes,
        "workers_seconds": seconds,
        "workers_tree_pss_bytes": tree,
        "workers_tree_rss_sum_bytes": rss_sum,
    }


def serve_step(bench: Bench) -> dict[str, Any] | None:
    """``benchmarks/serve_load.py`` on each store: the fixed rate, then flat out."""
    if not bench.args.serve_seconds:
        return None
    out = bench.work / "serve.json"
    cmd = [
        bench.python,
        str(HERE / "serve_load.py"),
        *("--store", "both", "--rate", str(bench.args.serve_rate)),
        *("--duration", str(bench.args.serve_seconds), "--workers", str(bench.args.serve_workers)),
        *("--threads", "16", "--json", str(out)),
    ]
    log(f"loading cyberreview serve ({bench.args.serve_seconds} s a run, SQLite and PostgreSQL)")
    done = subprocess.run(cmd, env=bench.env, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stdout)
    if done.returncode != 0:
        raise BenchError(f"serve_load.py exited {done.returncode}:\n{done.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


def previous_step(bench: Bench, data: Path) -> dict[str, Any]:
    """The --previous install's sweep over the same records (fastest of --repeat)."""
    other = bench.previous
    assert other is not None
    runs = []
    for turn in range(1, bench.args.repeat + 1):
        log(f"timing the previous install's sweep ({turn} of {bench.args.repeat})")
        runs.append(measure(other.sweep(data, os.devnull), other.env))
        log(f"  {runs[-1].seconds:.2f} s")
    fastest = min(runs, key=lambda m: m.seconds)
    return asdict(fastest) | {
        "records_per_second": rate(bench.args.records, fastest.seconds),
        "stderr": None,
    }
