"""The nightly sweep at scale: a million records from JSON Lines, one process and
``--workers 2``, and a CMDB read over HTTP from the fake ServiceNow.

    python benchmarks/scale.py                     # 1,000,000 records; 100,000 CIs
    python benchmarks/scale.py --records 200000 --cmdb-records 20000   # quicker
    python benchmarks/scale.py --python /path/to/venv/bin/python

Prints records/second, the ratio of ``--workers 2`` over one process, and the
peak resident memory of the whole process tree (sampled from /proc, main and
workers summed).  For the CMDB it compares the sweep's rate with the rate at
which a bare HTTP client pages through the same fake server: a ratio near 1
means the network, not the engine, is the limit.  Not a test: nothing here
asserts a time.  Needs ``cyberreview-servicenow`` installed in the measured
interpreter for the CMDB part (``--cmdb-records 0`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import BenchError, cyberreview_command, dataset, head, log, tree_rss
from _harness import measure_tree as run

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent / "examples" / "generate.py"
FAKE = HERE.parent / "plugins" / "cyberreview-servicenow" / "testing"
PACK, AS_OF = "cn-csr-2020", "2021-06-01"
MB = 1_000_000


def jsonl_step(args: argparse.Namespace, cyberreview: list[str], env: dict[str, str]) -> Any:
    cache = Path(tempfile.gettempdir()) / "cyberreview-bench"
    source = dataset(GENERATOR, args.python, max(args.records, 1_000_000), 2021, cache)
    if args.records < 1_000_000:
        smaller = cache / f"head-{args.records}.jsonl"
        if not smaller.is_file():
            head(source, args.records, smaller)
        source = smaller
    results = {}
    for workers in (0, 2):
        cmd = [
            *cyberreview,
            *("sweep", str(source), "--pack", PACK, "--as-of", AS_OF, "--no-cases"),
            *("--format", "jsonl", "--output", os.devnull, "--workers", str(workers)),
        ]
        log(f"sweep of {args.records:,} records, --workers {workers}")
        seconds, peak = run(cmd, env)
        results[workers] = (args.records / seconds, seconds, peak)
        log(f"  {seconds:.1f} s, {args.records / seconds:,.0f} records/s, {peak / MB:.1f} MB")
    return results


def cmdb_step(args: argparse.Namespace, cyberreview: list[str], env: dict[str, str]) -> Any:
    code = f"""
import json, sys
sys.path.insert(0, {str(FAKE)!r})
from bench_servicenow import ROUTER
from fake_servicenow import FakeServiceNow
sn = FakeServiceNow(seed=False)
sn.generate("cmdb_ci_ip_router", {args.cmdb_records}, **ROUTER)
with sn:
    print(json.dumps([sn.url, sn.username, sn.password]), flush=True)
    sys.stdin.read()
"""
    server = subprocess.Popen(
        [args.python, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line:
            raise BenchError("the fake ServiceNow did not start (is cyberreview-servicenow there?)")
        url, username, password = json.loads(line)
        home = Path(tempfile.mkdtemp(prefix="cr-scale-"))
        settings = {
            "instance": url,
            "username": username,
            "password": {"env": "SN_PASSWORD"},
            "tables": ["cmdb_ci_netgear"],
            "page_size": 1000,
        }
        (home / "cyberreview.yaml").write_text(
            json.dumps(
                {
                    "operator": {"name": "East Grid Power", "ciio": True, "sector": "energy"},
                    "sources": {"servicenow": {"type": "servicenow", "settings": settings}},
                }
            ),
            encoding="utf-8",
        )
        env = {**env, "CYBERREVIEW_HOME": str(home), "SN_PASSWORD": password}
        log(f"bare HTTP paging through {args.cmdb_records:,} CIs")
        bare_client = (
            f"import sys; sys.path.insert(0, {str(FAKE)!r}); "
            "from bench_servicenow import Remote, bare; "
            f"assert bare(Remote({url!r}, {username!r}, {password!r}), 1000) == "
            f"{args.cmdb_records}"
        )
        bare = [args.python, "-c", bare_client]
        bare_seconds, _ = run(bare, env)
        log(f"  {bare_seconds:.1f} s")
        cmd = [
            *cyberreview,
            *("sweep", "--source", "servicenow", "--as-of", AS_OF, "--no-cases"),
            *("--format", "jsonl", "--output", os.devnull),
        ]
        log("sweep --source servicenow")
        seconds, peak = run(cmd, env)
        log(f"  {seconds:.1f} s, {peak / MB:.1f} MB")
        return bare_seconds, seconds, peak
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)


def shard_step(args: argparse.Namespace, cyberreview: list[str], env: dict[str, str]) -> Any:
    """``--shards N`` processes over one generated file, ``--parallel`` at a time: each
    reads every record and decides its own (a stable hash of the record's identity).
    Per shard: wall time, peak RSS, and what its log says of completeness."""
    cache = Path(tempfile.gettempdir()) / "cyberreview-bench"
    source = dataset(GENERATOR, args.python, args.shard_records, 2021, cache)
    home = Path(tempfile.mkdtemp(prefix="cr-shards-"))
    results: dict[int, dict[str, Any]] = {}
    pending = list(range(1, args.shards + 1))
    running: dict[int, tuple[subprocess.Popen[bytes], float, Any]] = {}
    while pending or running:
        while pending and len(running) < args.parallel:
            index = pending.pop(0)
            log(f"shard {index}/{args.shards} of {args.shard_records:,} records: started")
            stderr = open(home / f"shard-{index}.log", "wb")  # noqa: SIM115
            cmd = [
                *cyberreview,
                *("sweep", str(source), "--pack", PACK, "--as-of", AS_OF, "--no-cases"),
                *("--format", "jsonl", "--output", os.devnull, "--log-format", "json"),
                *("--shard", f"{index}/{args.shards}"),
            ]
            process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            running[index] = (process, time.perf_counter(), stderr)
        for index, (process, started, stderr) in list(running.items()):
            code = process.poll()
            if code is None:
                peak = tree_rss(process.pid)
                results.setdefault(index, {"peak": 0})["peak"] = max(
                    results.get(index, {}).get("peak", 0), peak
                )
                continue
            stderr.close()
            del running[index]
            events = [
                json.loads(line)
                for line in (home / f"shard-{index}.log").read_text("utf-8").splitlines()
                if line.startswith("{")
            ]
            done = next(e for e in events if e.get("event") == "sweep.finished")
            read = next(e for e in events if e.get("event") == "source.finished")
            results[index] |= {
                "code": code,
                "seconds": time.perf_counter() - started,
                "records": done["records"],
                "complete": done["complete"],
                "other_shards": read["other_shards"],
                "skipped": done["skipped"],
            }
            log(
                f"shard {index}/{args.shards}: {results[index]['seconds']:.0f} s, "
                f"{done['records']:,} decided"
            )
        time.sleep(0.2)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--cmdb-records", type=int, default=100_000)
    parser.add_argument("--shards", type=int, default=0, help="shard processes (0: no shard run)")
    parser.add_argument("--parallel", type=int, default=2, help="shards at a time (2)")
    parser.add_argument("--shard-records", type=int, default=10_000_000)
    parser.add_argument("--skip-jsonl", action="store_true", help="no --workers 0/2 comparison")
    args = parser.parse_args()
    cyberreview = cyberreview_command(args.python)
    env = {**os.environ, "CYBERREVIEW_LOG_FORMAT": "text"}
    try:
        jsonl = None if args.skip_jsonl else jsonl_step(args, cyberreview, env)
        cmdb = cmdb_step(args, cyberreview, env) if args.cmdb_records else None
        shards = shard_step(args, cyberreview, env) if args.shards else None
    except BenchError as exc:
        sys.stderr.write(f"benchmark failed: {exc}\n")
        return 2
    print(f"\n{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.2f}")
    if jsonl is not None:
        one, two = jsonl[0], jsonl[2]
        print(f"{'run':<44}{'records/s':>12}{'seconds':>10}{'peak RSS':>12}")
        for workers, (rate, seconds, peak) in jsonl.items():
            name = f"sweep {args.records:,} JSON Lines, --workers {workers}"
            print(f"{name:<44}{rate:>12,.0f}{seconds:>10.1f}{peak / MB:>10.1f} MB")
        print(f"\n--workers 2 over one process: {two[0] / one[0]:.2f}x")
    if shards is not None:
        print(
            f"\n{args.shard_records:,} records as --shard I/{args.shards}, "
            f"{args.parallel} at a time"
        )
        print(
            f"{'shard':<8}{'decided':>12}{'other shards':>14}{'complete':>10}"
            f"{'seconds':>10}{'peak RSS':>12}"
        )
        for index, shard in sorted(shards.items()):
            print(
                f"{index}/{args.shards:<6}{shard['records']:>12,}{shard['other_shards']:>14,}"
                f"{shard['complete']!s:>10}{shard['seconds']:>10.0f}{shard['peak'] / MB:>9.1f} MB"
            )
        total = sum(shard["records"] for shard in shards.values())
        print(f"decided in all: {total:,} of {args.shard_records:,} (each record by one shard)")
    if cmdb is not None:
        bare, seconds, peak = cmdb
        n = args.cmdb_records
        print(
            f"\nServiceNow (fake, loopback), {n:,} CIs: sweep {n / seconds:,.0f} CIs/s, "
            f"bare paging {n / bare:,.0f} CIs/s: sweep/bare {bare / seconds:.2f}x "
            f"(1.0 = the network is the limit); peak RSS {peak / MB:.1f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
