"""Load on ``cyberreview serve``: POST /v1/decisions from this process, 50 clients on loopback.

    python benchmarks/serve_load.py                      # SQLite, then PostgreSQL
    python benchmarks/serve_load.py --store sqlite --duration 20 --workers 2

For each store it starts ``cyberreview serve`` (a fresh store, a gate token),
warms it up, then measures two runs:

- **fixed rate**: requests offered at ``--rate`` per second (open loop: each
  request has a scheduled start, and latency counts from that start, so a
  server that falls behind shows it instead of slowing the clients down);
- **max**: every client sends back to back, as fast as the server answers.

It prints throughput, p50/p90/p99 latency and errors (any status but 200, and
any decision with an ``error``).  The records are the 240 demo purchase and
asset lines of examples/procurement.jsonl, each sent as a bare canonical record
(the gate's fast path), so about a third open or find review cases.  Goal on a
2-core machine: p99 under 50 ms at 200 decisions/s.  Not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve.processes import ServeProcess  # noqa: E402

PG_ADMIN = os.environ.get("CYBERREVIEW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1

    def report(self) -> str:
        done = len(self.latencies)
        if not done:
            return f"{self.name}: no requests"
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(done - 1, int(p * done))] * 1000

        errors = sum(self.errors.values())
        detail = f" {self.errors}" if self.errors else ""
        return (
            f"{self.name:<22} {done:>6} requests in {self.elapsed:5.1f} s = "
            f"{done / self.elapsed:7.1f}/s  p50 {pct(0.50):6.1f} ms  p90 {pct(0.90):6.1f} ms  "
            f"p99 {pct(0.99):6.1f} ms  max {ordered[-1] * 1000:6.1f} ms  "
            f"mean {statistics.fmean(ordered) * 1000:5.1f} ms  errors {errors}{detail}"
        )


def records() -> list[bytes]:
    lines = (ROOT / "examples" / "procurement.jsonl").read_text(encoding="utf-8").splitlines()
    return [line.encode() for line in lines if line.strip()]


def _post(session: requests.Session, url: str, body: bytes) -> str | None:
    """None, or what went wrong."""
    try:
        response = session.post(url, data=body, timeout=30)
    except requests.RequestException as exc:
        return type(exc).__name__
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if b'"error"' in response.content:
        return json.loads(response.content).get("error", {}).get("code", "error")
    return None


def drive(
    url: str, token: str, bodies: list[bytes], *, clients: int, seconds: float, rate: float | None
) -> Run:
    """``clients`` threads for ``seconds``: at ``rate`` per second in all, or flat out."""
    run = Run(f"{rate:.0f}/s offered" if rate else "max throughput")
    target = url + "/v1/decisions"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    counter = iter(range(10**9))
    counter_lock = threading.Lock()
    start = time.perf_counter() + 0.2
    stop = start + seconds

    def client() -> None:
        session = requests.Session()
        session.headers.update(headers)
        while True:
            with counter_lock:
                n = next(counter)
            if rate:
                scheduled = start + n / rate
                if scheduled >= stop:
                    return
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            else:
                scheduled = time.perf_counter()
                if scheduled >= stop:
                    return
            error = _post(session, target, bodies[n % len(bodies)])
            run.record(time.perf_counter() - scheduled, error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed = max(time.perf_counter(), stop) - start
    return run


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"cyberreview_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_store(kind: str, args: argparse.Namespace, home: Path) -> None:
    with postgres_database() if kind == "postgresql" else _sqlite(home) as store:
        env = {**os.environ, "CYBERREVIEW_HOME": str(home)}
        command = [sys.executable, "-m", "cyberreview_policy", "tokens", "create"]
        token = subprocess.run(
            [*command, "--role", "gate", "--name", f"bench-{kind}", "--store", store],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        extra = [
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ]
        server = ServeProcess(store, home, home / f"serve-{kind}.log", *extra)
        try:
            server.wait_ready()
            bodies = records()
            drive(
                server.url, token, bodies, clients=args.clients, seconds=3.0, rate=None
            )  # warm-up: cases opened
            print(
                f"\n{kind} store, {args.workers} worker(s) x {args.threads} threads, "
                f"{args.clients} clients, {args.duration:.0f} s per run"
            )
            for rate in (args.rate, None):  # the fixed offered rate, then as fast as it goes
                run = drive(
                    server.url,
                    token,
                    bodies,
                    clients=args.clients,
                    seconds=args.duration,
                    rate=rate,
                )
                print("  " + run.report())
        finally:
            log = server.stop()
            if "Traceback" in log:
                print(log[-3000:])


@contextmanager
def _sqlite(home: Path) -> Iterator[str]:
    yield f"sqlite:///{home / f'bench-{uuid.uuid4().hex[:6]}.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="offered rate of the fixed run")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per run")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="serve --threads")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    print(f"cyberreview serve load: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            bench_store(kind, args, Path(tmp))


if __name__ == "__main__":
    main()
