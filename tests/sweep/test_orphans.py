"""``kill -9`` of ``sweep --workers 2``: the forkserver and the workers, each holding a
connection to the case store, went on living; they now end with the sweep, however
it ends.  A real process tree, a real SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GENERATE = Path(__file__).resolve().parents[2] / "examples" / "generate.py"


def _children() -> dict[int, int]:
    """pid -> parent pid, of every process now (from /proc)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                    fields = stream.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":  # a zombie has ended
                found[int(entry)] = int(fields[1])
    return found


def _descendants(root: int) -> set[int]:
    parents = _children()
    found: set[int] = set()
    grew = True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in found | {root}} - found
        found |= more
        grew = bool(more)
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_children())


@pytest.mark.slow
def test_workers_end_with_a_killed_sweep(tmp_path: Path, home: Path) -> None:
    records = tmp_path / "records.jsonl"
    subprocess.run(
        [sys.executable, str(GENERATE), "--count", "150000", "--output", str(records)],
        check=True,
    )
    sweep = subprocess.Popen(
        [sys.executable, "-m", "cyberreview_policy", "sweep", str(records), "--workers", "2",
         "--as-of", "2021-06-01", "--format", "jsonl", "--output", os.devnull],
        env={**os.environ, "CYBERREVIEW_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    spawned: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sweep.poll() is None:
            spawned = _descendants(sweep.pid)
            if len(spawned) >= 4:  # resource tracker, forkserver, two workers
                break
            time.sleep(0.05)
        assert len(spawned) >= 4, "the workers never started"
        time.sleep(0.5)  # deciding, with the store open
        spawned |= _descendants(sweep.pid)
        os.kill(sweep.pid, signal.SIGKILL)
        sweep.wait()
        deadline = time.monotonic() + 60
        while _alive(spawned) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(spawned), "processes of the sweep outlived it"
    finally:
        if sweep.poll() is None:
            sweep.kill()
        for pid in _alive(spawned):  # ours: left over when the test fails
            os.kill(pid, signal.SIGKILL)
