"""Running, timing and measuring the commands of the benchmark; making its data.

Standard library only.  Used by ``run.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROBE = """\
import json, sys
from importlib import metadata
import cyberreview_policy
info = {"python": sys.version.split()[0], "executable": sys.executable,
        "tool_version": metadata.version("cyberreview-policy"),
        "tool_file": cyberreview_policy.__file__, "editable": False, "regopy": None}
try:
    url = metadata.distribution("cyberreview-policy").read_text("direct_url.json")
    info["editable"] = bool(json.loads(url or "{}").get("dir_info", {}).get("editable"))
except (OSError, ValueError):
    pass
info["packages"] = {}
for name in ("regopy", "cel-python", "common-expression-language", "cel-expr-python"):
    try:
        info["packages"][name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
info["regopy"] = info["packages"].get("regopy")
print(json.dumps(info))
"""

#: the CEL implementations compared (benchmarks/cel_runner.py)
CEL_PACKAGES = ("cel-python", "common-expression-language", "cel-expr-python")


class BenchError(Exception):
    """A command of the benchmark failed: the run cannot go on."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass
class Measured:
    """One command run to completion: wall time and the child's peak RSS."""

    seconds: float
    max_rss_bytes: int
    returncode: int
    stderr: str


#: Runs a command and reports its wall time and peak RSS.  A fresh, small
#: process (no site, no imports beyond ``os``): Linux carries the RSS high-water
#: mark of the process that spawns a child into the child's ``ru_maxrss``, so
#: spawning from this (larger) process would report its RSS as a floor.
WRAPPER = """\
import os, sys, time
cmd = sys.argv[1:]
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(cmd: Sequence[str], env: dict[str, str], ok: Sequence[int] = (0,)) -> Measured:
    """Run ``cmd`` (stdout discarded) in a fresh wrapper process; time it, read its peak RSS.

    The wrapper reads the child's resource usage from ``os.wait4``: exactly
    that child, the figure ``getrusage(RUSAGE_CHILDREN)`` or ``/usr/bin/time
    -v`` give.  The wrapper's own RSS (about 8 MB) is the floor of what can be
    seen: the kernel counts the spawning process's pages until ``exec``.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", WRAPPER, *cmd],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
        err.seek(0)
        stderr = err.read()
    if done.returncode != 0:
        raise BenchError(f"the measuring wrapper failed on {' '.join(cmd)}:\n{stderr.strip()}")
    seconds, maxrss, returncode = done.stdout.split()
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    rss = int(maxrss) if sys.platform == "darwin" else int(maxrss) * 1024
    if int(returncode) not in ok:
        raise BenchError(f"{' '.join(cmd)} exited {returncode}:\n{stderr.strip()}")
    return Measured(float(seconds), rss, int(returncode), stderr)


def wall(cmd: Sequence[str], env: dict[str, str], ok: Sequence[int] = (0,)) -> float:
    """Wall-clock seconds of one run of ``cmd``, output discarded."""
    started = time.perf_counter()
    done = subprocess.run(
        list(cmd),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        stderr = done.stderr.decode(errors="replace").strip()
        raise BenchError(f"{' '.join(cmd)} exited {done.returncode}:\n{stderr}")
    return seconds


def probe(python: str) -> dict[str, Any]:
    done = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{python} cannot import cyberreview_policy:\n{done.stderr.strip()}")
    info: dict[str, Any] = json.loads(done.stdout)
    return info


def cyberreview_command(python: str) -> list[str]:
    """The ``cyberreview`` script installed beside ``python``, else ``python -m``."""
    script = Path(python).parent / ("cyberreview.exe" if os.name == "nt" else "cyberreview")
    if script.is_file():
        return [str(script)]
    return [python, "-m", "cyberreview_policy"]


def dataset(generator: Path, python: str, count: int, seed: int, data_dir: Path) -> Path:
    """N generated records, cached by count, seed and the generator's content.

    ``generator`` is ``examples/generate.py`` (run with ``python``).  A
    million records take a minute or two to make; a cached file is reused until
    the generator changes, and files of earlier generators are removed.
    """
    if not generator.is_file():
        raise BenchError(f"{generator} is missing: the benchmark generates its records with it")
    digest = hashlib.sha256(generator.read_bytes()).hexdigest()[:12]
    path = data_dir / f"records-{count}-seed{seed}-{digest}.jsonl"
    if path.is_file():
        log(f"reusing {path}")
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".part{os.getpid()}")
    log(f"generating {count:,} records into {path}")
    started = time.perf_counter()
    cmd = [python, str(generator), "--count", str(count), "--seed", str(seed)]
    done = subprocess.run(
        [*cmd, "--output", str(partial)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BenchError(f"{generator.name} exited {done.returncode}:\n{done.stderr.strip()}")
    partial.replace(path)
    for stale in data_dir.glob(f"records-{count}-seed{seed}-*.jsonl"):
        if stale != path:  # made by an earlier version of the generator
            stale.unlink(missing_ok=True)
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    return path


def head(source: Path, count: int, target: Path) -> int:
    """Copy the first ``count`` records of ``source`` to ``target``; return how many."""
    copied = 0
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for line in src:
            if copied == count:
                break
            if line.strip():
                out.write(line)
                copied += 1
    return copied


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, now."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return sum(rss.get(pid, 0) for pid in _family(root, parents))


def _family(root: int, parents: dict[int, int]) -> set[int]:
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in family]
        family.update(children)
        frontier.extend(children)
    return family


def tree_pss(root: int) -> int:
    """Proportional set size of ``root`` and its descendants, now: their memory with the
    pages they share (the interpreter, libraries, what a worker inherits) counted once,
    not once per process as a sum of RSS counts them."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stream:
                    parents[int(entry)] = int(stream.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total = 0
    for pid in _family(root, parents):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as stream:
                for line in stream:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def measure_tree(
    cmd: list[str], env: dict[str, str], size: Callable[[int], int] = tree_rss
) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of the whole process tree (``sweep --workers``:
    the parent and its workers, summed), sampled from /proc every 50 ms."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = 0
        while process.poll() is None:
            peak = max(peak, size(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited {process.returncode}:\n{err[-2000:]}")
    return seconds, peak
