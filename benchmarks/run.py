"""Benchmark ``cyberreview`` against a hand-written baseline, Rego and CEL, with pass/fail
targets: sweep throughput, ``--workers 2``, peak memory, the gate's cold start, the service.

    python benchmarks/run.py              # 200,000 records, the 1,000,000-record RSS runs, serve
    python benchmarks/run.py --quick      # a smoke run: 20,000 records, no RSS run, short serve
    python benchmarks/run.py --previous /path/to/0.6-venv/bin/python   # and a previous release
    tox -e bench                          # the same, against a normally installed wheel

See benchmarks/README.md for what is measured and why.  Standard library only;
the measured interpreter needs ``regopy``, ``cel-python``,
``common-expression-language`` and ``cel-expr-python`` (tox -e bench installs them),
and the service runs need the ``serve`` and ``postgresql`` extras and PostgreSQL.

Exit status: 0 when every target passes, 1 when a target fails, 2 when the
implementations disagree on the cross-check sample or a command fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from _bench import AS_OF, GENERATOR, PACK, Bench, gate_step
from _harness import CEL_PACKAGES, BenchError, cyberreview_command, dataset, log, probe
from _report import report, targets
from _steps import (
    check_step,
    previous_step,
    rss_step,
    serve_step,
    sweep_sample_step,
    throughput_step,
    workers_step,
)

PARTS = ("sweep", "gate", "serve")


def run_all(bench: Bench) -> dict[str, Any]:
    args = bench.args
    load_before = os.getloadavg()[0]
    results: dict[str, Any] = {"pack": PACK, "as_of": AS_OF, "seed": args.seed}
    results["only"] = list(args.only)
    if "sweep" in args.only:
        data = dataset(GENERATOR, bench.python, args.records, args.seed, args.data_dir)
        check, sample, decisions = check_step(bench, data)
        results |= throughput_step(bench, data) | {"records": args.records}
        results["workers"] = workers_step(bench, data) if args.workers_run else None
        results["rss_run"] = rss_step(bench)
        results["cross_check"] = asdict(check)
    elif "gate" in args.only:  # the gate's record only: the sweep's decisions of a sample
        data = dataset(GENERATOR, bench.python, args.check_sample, args.seed, args.data_dir)
        sample, decisions = sweep_sample_step(bench, data)
    if "gate" in args.only:
        cold = gate_step(bench, sample, decisions)
        results["gate"] = asdict(cold) | {"ratio": cold.ratio}
    results["serve"] = serve_step(bench) if "serve" in args.only else None
    if bench.previous is not None and "sweep" in args.only:
        previous: dict[str, Any] = {"sweep": previous_step(bench, data)}
        if "gate" in args.only:
            theirs = gate_step(bench.previous, sample, decisions)
            previous["gate"] = asdict(theirs) | {"ratio": theirs.ratio}
        results["previous"] = previous
    results["load_before"], results["load_after"] = load_before, os.getloadavg()[0]
    results["targets"] = [asdict(t) | {"status": t.status} for t in targets(results)]
    return results


def _parts(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(PARTS)} (comma-separated)")
    return chosen


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
    parser.add_argument(
        "--celpy-sample",
        type=int,
        help="records timed under cel-python, pure Python (200; --quick 50)",
    )
    parser.add_argument(
        "--serve-seconds",
        type=float,
        help="seconds of each service run, fixed rate and flat out, per store "
        "(10; --quick 3; 0: none)",
    )
    parser.add_argument("--serve-rate", type=float, default=2000.0, help="the fixed rate (2000/s)")
    parser.add_argument(
        "--serve-workers", type=int, default=2, help="serve --workers: processes (2, one a CPU)"
    )
    parser.add_argument(
        "--no-workers", dest="workers_run", action="store_false", help="skip the --workers 2 run"
    )
    parser.add_argument(
        "--only",
        type=_parts,
        default=PARTS,
        metavar="PARTS",
        help="run only these parts, comma-separated: sweep (the cross-check, throughput, "
        "--workers, RSS and --previous runs), gate, serve (default: all), e.g. --only gate,serve",
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
    args.celpy_sample = args.celpy_sample or (50 if quick else 200)
    if args.serve_seconds is None:
        args.serve_seconds = 3.0 if quick else 10.0
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
        missing = [name for name in ("regopy", *CEL_PACKAGES) if not info["packages"].get(name)]
        if missing and "sweep" in args.only:
            raise BenchError(f"not installed for {python}: {', '.join(missing)} (tox -e bench)")
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
    if results.get("cross_check", {}).get("mismatches"):
        return 2
    return 0 if all(t["passed"] is not False for t in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
