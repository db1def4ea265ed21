"""A writer that holds the store's lock and never lets go -- a PostgreSQL session
holding a lock, a sweep stopped (SIGSTOP) inside a SQLite write -- does not make the
gate or the service wait forever: they wait the store timeout
(``$CYBERREVIEW_STORE_TIMEOUT``), then fail closed with a one-line reason."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases.postgres import WRITE_LOCK
from tests.conftest import COVERED

pytestmark = pytest.mark.slow

#: a generous bound on a command that must not hang (not a measure of its speed)
HANG = 20


@pytest.fixture
def po(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(COVERED), "utf-8")
    return path


def gate(po: Path, home: Path, store: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CYBERREVIEW_HOME": str(home), "CYBERREVIEW_STORE_TIMEOUT": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cyberreview_policy",
            "gate",
            "--record",
            str(po),
            "--as-of",
            "2021-06-01",
            "--store",
            store,
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )


@contextlib.contextmanager
def stopped_sqlite_writer(url: str) -> Iterator[None]:
    """A process stopped (SIGSTOP) while it holds the SQLite store's write lock."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE')\n"
            "db.execute('UPDATE audit_head SET count = count')\n"
            "print('holding', flush=True)\n"
            "time.sleep(3600)\n",
            url.removeprefix("sqlite:///"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        os.kill(holder.pid, signal.SIGSTOP)
        yield
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


@contextlib.contextmanager
def postgresql_lock(url: str, what: str) -> Iterator[None]:
    """A second session holding the writers' advisory lock, the row every writer
    updates, or a lock on the cases table that keeps out readers too, in a transaction
    it does not end."""
    import psycopg

    held = psycopg.connect(url)
    if what == "advisory":
        held.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
    elif what == "row":  # the audit chain's head, which every write updates
        held.execute("SELECT count FROM audit_head WHERE id = 1 FOR UPDATE")
    else:
        held.execute("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        held.rollback()
        held.close()


@pytest.fixture(
    params=["sqlite-stopped", "postgresql-advisory", "postgresql-row", "postgresql-table"]
)
def stuck(request: pytest.FixtureRequest, home: Path) -> tuple[str, Any]:
    """(a store URL, a context in which a writer holds its lock and is stuck)."""
    backend, what = request.param.split("-")
    if backend == "sqlite":
        url = f"sqlite:///{home / 'cases.db'}"
        return url, lambda: stopped_sqlite_writer(url)
    pg: str = request.getfixturevalue("pg_url")
    return pg, lambda: postgresql_lock(pg, what)


def _fails_closed(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    error = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error) == 1 and error[0].startswith("cyberreview: error: "), result.stderr
    assert "busy" in error[0] and "CYBERREVIEW_STORE_TIMEOUT" in error[0], error[0]


def test_the_gate_fails_closed_behind_a_stuck_writer(
    stuck: tuple[str, Any], po: Path, home: Path
) -> None:
    url, held = stuck
    assert gate(po, home, url).returncode == 2  # the store exists, a case is open
    with held():
        _fails_closed(gate(po, home, url))


def _decide_in_time(service: Any) -> Any:
    """The service's answer, or a failure if it has none within :data:`HANG` seconds."""
    answer: list[Any] = []
    body = {"records": [COVERED], "as_of": "2021-06-01"}
    asking = threading.Thread(target=lambda: answer.append(service.post("/v1/decisions", body)))
    asking.start()
    asking.join(HANG)
    assert answer, "the service did not answer"
    return answer[0]


def test_the_service_blocks_with_store_unavailable(
    stuck: tuple[str, Any], serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYBERREVIEW_STORE_TIMEOUT", "1")
    url, held = stuck
    service = serve(store=url)
    with held():
        response = _decide_in_time(service)
    assert response.status_code == 200
    [decision] = response.json()
    assert decision["decision"] == "block"
    assert decision["error"]["code"] == "store_unavailable"
    assert "busy" in decision["error"]["message"]


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_a_bad_timeout_is_a_usage_error(po: Path, home: Path, value: str) -> None:
    env = {**os.environ, "CYBERREVIEW_HOME": str(home), "CYBERREVIEW_STORE_TIMEOUT": value}
    result = subprocess.run(
        [sys.executable, "-m", "cyberreview_policy", "gate", "--record", str(po)],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 3
    assert "CYBERREVIEW_STORE_TIMEOUT" in result.stderr
