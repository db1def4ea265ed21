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
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def record(self, seconds: float, error: str | None) -> None:
        self.latencies.append(seconds)
        if error:
            self.errors[error] = self.errors.get(error, 0) + 1

    def figures(self) -> dict[str, Any]:
        """The run as numbers (latencies in ms)."""
        ordered = sorted(self.latencies) or [0.0]
        done = len(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        return {
            "requests": done,
            "seconds": self.elapsed,
            "per_second": done / self.elapsed if self.elapsed else 0.0,
            "p50_ms": pct(0.50),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": ordered[-1] * 1000,
            "errors": sum(self.errors.values()),
        }

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


class Client:
    """One keep-alive HTTP/1.1 connection, raw: the load generator must cost the
    server's machine little (on 2 CPUs, ``requests`` in 50 threads took as much CPU
    as the service it measured)."""

    def __init__(self, host: str, port: int, head: bytes):
        self.host, self.port, self.head = host, port, head
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> str | None:
        """None, or what went wrong."""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None
            self.writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            content = await self.reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if self.writer is not None:
                self.writer.close()
            self.reader = self.writer = None
            return type(exc).__name__
        if status != 200:
            return f"HTTP {status}"
        if b'"error"' in content:
            return str(json.loads(content).get("error", {}).get("code", "error"))
        return None


def drive(
    url: str, token: str, bodies: list[bytes], *, clients: int, seconds: float, rate: float | None
) -> Run:
    """``clients`` connections for ``seconds``: at ``rate`` per second in all, or flat out."""
    return asyncio.run(_drive(url, token, bodies, (clients, seconds, rate)))


async def _drive(
    url: str, token: str, bodies: list[bytes], how: tuple[int, float, float | None]
) -> Run:
    clients, seconds, rate = how
    run = Run(f"{rate:.0f}/s offered" if rate else "max throughput")
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    head = (
        f"POST /v1/decisions HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: "
    ).encode()
    counter = iter(range(10**9))
    start = time.perf_counter() + 0.2
    stop = start + seconds

    async def client() -> None:
        connection = Client(host, int(port), head)
        while True:
            n = next(counter)
            if rate:
                scheduled = start + n / rate
                if scheduled >= stop:
                    break
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                scheduled = time.perf_counter()
                if scheduled >= stop:
                    break
            error = await connection.post(bodies[n % len(bodies)])
            run.record(time.perf_counter() - scheduled, error)
        if connection.writer is not None:
            connection.writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
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


def bench_store(kind: str, args: argparse.Namespace, home: Path) -> dict[str, Any]:
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
            found: dict[str, Any] = {}
            for rate in (args.rate, None):  # the fixed offered rate, then as fast as it goes
                run = drive(
                    server.url,
                    token,
                    bodies,
                    clients=args.clients,
                    seconds=args.duration,
                    rate=rate,
                )
                print("  " + run.report(), flush=True)
                found["fixed" if rate else "max"] = run.figures() | {"offered": rate}
            return found
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
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    load = os.getloadavg()[0]
    print(f"cyberreview serve load: {os.cpu_count()} CPUs, load average {load:.1f}")
    results: dict[str, Any] = {"load_average": load, "workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            results[kind] = bench_store(kind, args, Path(tmp))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
