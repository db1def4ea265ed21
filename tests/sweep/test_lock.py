"""A sweep's lock does not outlive its sweep: released when the sweep is stopped
(SIGTERM, SIGINT), taken over at once when its process is gone from this host, and
never taken from a sweep that is alive, however stuck."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import COVERED

pytestmark = pytest.mark.slow

HANG = 60  # a bound on a command that must not hang, not a measure of its speed


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "CYBERREVIEW_HOME": str(home), "CYBERREVIEW_LOG_FORMAT": "json"}


def sweep(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cyberreview_policy", "sweep", *args, "--as-of", "2021-06-01"],
        env=_env(home),
        input=json.dumps(COVERED) + "\n",
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )


@pytest.fixture
def running(home: Path) -> Iterator[subprocess.Popen[str]]:
    """A sweep of stdin that holds its lock and waits for more input."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cyberreview_policy", "sweep", "-", "--as-of", "2021-06-01"],
        env=_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stderr is not None
    for line in proc.stderr:  # JSON log lines: the lock is held once the sweep started
        if json.loads(line).get("event") == "sweep.started":
            break
    else:
        raise AssertionError("the sweep did not start")
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
        proc.communicate(timeout=HANG)


def _refused(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode == 3 and "another sweep of - is running" in result.stderr


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_sweep_releases_its_lock(
    home: Path, running: subprocess.Popen[str], how: signal.Signals
) -> None:
    assert _refused(sweep(home, "-"))  # held while it runs
    running.send_signal(how)
    assert running.wait(timeout=HANG) != 0
    after = sweep(home, "-")
    assert after.returncode == 0, after.stderr


def test_the_lock_of_a_killed_sweep_is_taken_over_at_once(
    home: Path, running: subprocess.Popen[str]
) -> None:
    running.kill()  # SIGKILL: nothing can be released
    running.wait(timeout=HANG)
    after = sweep(home, "-")
    assert after.returncode == 0, after.stderr
    assert "taken over" in after.stderr and str(running.pid) in after.stderr


def test_a_stuck_but_living_sweep_keeps_its_lock(
    home: Path, running: subprocess.Popen[str]
) -> None:
    os.kill(running.pid, signal.SIGSTOP)
    try:
        assert _refused(sweep(home, "-"))
    finally:
        os.kill(running.pid, signal.SIGCONT)
