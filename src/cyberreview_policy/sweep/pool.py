"""``sweep --workers N``: decide in N worker processes, read and write in this one.

This process reads each source and sends chunks of records to the workers in
order, never more than a few chunks ahead (memory stays flat); each worker
builds its own engine and case store connection from :class:`WorkerSetup`
and decides a chunk as :class:`~.runner.SweepStep` does; results come back and
are written in the order the records were read.  JSON Lines files go to the
workers as raw lines and connectors' records as the dicts they yield, so that
shaping and validating them is parallel too; other sources send validated
records.

Workers end with the sweep, however it ends: after ``kill -9`` nothing tells
them (the forkserver's pipes stay open, since the workers hold their other ends)
and they would sit on their case-store connections for ever.  Each worker
watches the sweep's process (:func:`_end_with`) and exits when it is gone; then
the forkserver and the resource tracker see their last client go, and exit too.
"""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CyberreviewError, Location, SourceError
from ..i18n.catalog import _
from .runner import Event, FindingTracker, Result, SweepStep
from .summary import Decided, Shard

CHUNK = 500


@dataclass(frozen=True)
class WorkerSetup:
    """Everything a worker needs to decide as this process would (picklable)."""

    as_of: dt.date
    packs: tuple[str, ...]  # --pack values
    policy_dirs: tuple[Path, ...]
    config_path: Path | None
    store_url: str | None  # None: --no-cases
    calendar_path: Path | None
    actor: str
    shard: Shard | None
    track: bool
    slim: bool = False  # send decisions back as JSON bytes and counts, not whole dicts
    run_id: str = ""  # the run whose finding changes the workers stage
    baseline: str = ""  # what the findings are compared with
    # the sweep's environment when it starts the pool: the forkserver keeps the one it
    # was started with, and plugins, secrets and settings are read from it
    environ: tuple[tuple[str, str], ...] = ()
    lang: str = "en"  # the language of the findings' *_localized texts


_decider: SweepStep | None = None
_slim: Any = None  # the decision serialiser, when slim


def _end_with(parent: int) -> None:
    """Exit this process as soon as process ``parent`` has ended.

    A daemon thread waits on a pidfd (Linux: woken by the kernel when the process
    ends, whatever its parent, with no pid-reuse race); where there is none it
    checks once a second.  Not ``PR_SET_PDEATHSIG``: a worker's parent is the
    forkserver, not the sweep, and the signal follows the thread that forked.
    """

    def watch() -> None:
        try:
            handle = os.pidfd_open(parent)
        except ProcessLookupError:
            os._exit(1)  # gone already
        except (AttributeError, OSError):  # not Linux, or no pidfds: poll
            while _running(parent):
                time.sleep(1.0)
        else:
            select.select([handle], [], [])
        os._exit(1)  # the sweep is gone: nobody reads our answers; the store rolls back

    threading.Thread(target=watch, name="cyberreview-end-with-sweep", daemon=True).start()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _init(setup: WorkerSetup, parent: int) -> None:
    """In each worker: end with the sweep; the engine, the case store, the decider."""
    global _decider, _slim  # noqa: PLW0603  (one per worker process, by design)
    from ..engine.gatekeeper import Gatekeeper
    from ..runtime import Runtime

    _end_with(parent)
    if setup.environ:
        os.environ.clear()
        os.environ.update(setup.environ)
    rt = Runtime(
        store_url=setup.store_url,
        calendar_path=setup.calendar_path,
        policy_dirs=setup.policy_dirs,
        config_path=setup.config_path,
    )
    rt.choose_lang(setup.lang)
    packs = rt.packs(list(setup.packs), setup.as_of)
    gatekeeper, tracker = Gatekeeper(rt.engine(packs)), None
    if setup.store_url is not None:
        store = rt.store()
        gatekeeper = Gatekeeper(rt.engine(packs, store=store), store, rt.calendar, setup.actor)
        if setup.track:
            tracker = FindingTracker(store, setup.run_id, setup.baseline, size=1 << 30)
    _decider = SweepStep(gatekeeper, setup.as_of, tracker, setup.shard)
    if setup.slim:
        from ..models.jsonout import decision_bytes

        _slim = decision_bytes


def _decide(
    chunk: list[tuple[Location, Any]], shaper: Any = None
) -> tuple[list[Result], list[Any]]:
    """In a worker: a chunk of (location, payload): raw JSON bytes of a file, a
    connector's unshaped dict (shaped here by ``shaper``), or an Item."""
    from ..connectors.host import shaped
    from ..sources.files import parse

    assert _decider is not None

    def item(where: Location, payload: Any) -> Any:
        if isinstance(payload, bytes):
            return parse(payload, where)
        if shaper is not None:
            return shaped(shaper, payload)
        return payload

    results = [_decider(item(where, payload)) for where, payload in chunk]
    if _slim is not None:
        results = [_slimmed(r) if isinstance(r, Decided) else r for r in results]
    return results, _decider.flush()


def _slimmed(decided: Decided) -> Decided:
    """The decision as JSON bytes, and only what the summary counts as data."""
    decision = decided.decision
    counted: Any = {
        "record_id": decision["record_id"],
        "decision": decision["decision"],
        "findings": [{"rule": f["rule"], "outcome": f["outcome"]} for f in decision["findings"]],
        "actions": [
            {"kind": a["kind"], "created": a["created"], "state": a["state"]}
            for a in decision["actions"]
        ],
        "cases": [{"kind": c["kind"], "adopted": c["adopted"]} for c in decision["cases"]],
    }
    return Decided(counted, decided.subject, _slim(decision), decided.problems, decided.location)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _range(name: str, target: str, span: tuple[int, int], out: str) -> Any:
    """In a worker: one range of a JSON Lines file, decided into the part file ``out``."""
    from ..models.jsonout import decision_bytes
    from .ranges import decide_range

    return decide_range(_decider, decision_bytes, name=name, target=target, span=span, out=out)


class Pool:
    """Worker processes for one sweep; call it with a source, like :func:`~.sweep.serial`.

    With ``parts``, a JSON Lines file is read by the workers themselves, in byte
    ranges (:mod:`.ranges`); other sources are read here and sent in chunks."""

    def __init__(self, setup: WorkerSetup, workers: int, *, parts: bool = False):
        self.workers = workers
        self.parts = parts
        self.executor = futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_init,
            initargs=(setup, os.getpid()),
        )

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __call__(self, source: Any) -> Iterator[Event]:
        from .ranges import usable

        file = usable(source) if self.parts else None
        if file is not None:
            yield from self._ranges(source.name, *file)
            return
        pending: collections.deque[futures.Future[Any]] = collections.deque()
        ahead = self.workers * 3
        try:
            shaper = getattr(source, "shaper", None)  # a connector's: dicts go out unshaped
            for chunk in _chunks(source):
                pending.append(self.executor.submit(_decide, chunk, shaper))
                while len(pending) > ahead or (pending and pending[0].done()):
                    yield from self._collect(pending.popleft())
        except SourceError:
            while pending:  # what was read before the failure is decided and counts
                yield from self._collect(pending.popleft())
            raise
        while pending:
            yield from self._collect(pending.popleft())

    def _ranges(self, name: str, target: str, size: int) -> Iterator[Any]:
        """Hand the file's ranges out, a few ahead; yield each worker's part in order."""
        import shutil
        import tempfile

        from .ranges import Merger, ranges

        work = Path(tempfile.mkdtemp(prefix="cyberreview-parts-"))
        merger = Merger(name)
        pending: collections.deque[futures.Future[Any]] = collections.deque()
        try:
            for index, span in enumerate(ranges(target, size, self.workers)):
                out = str(work / f"{index}.jsonl")
                pending.append(self.executor.submit(_range, name, target, span, out))
                while len(pending) > self.workers * 2 or (pending and pending[0].done()):
                    yield from self._part(pending.popleft(), merger)
            while pending:
                yield from self._part(pending.popleft(), merger)
        except OSError as exc:
            raise SourceError(name, _("read failed: {exc}").format(exc=exc)) from None
        finally:
            for future in pending:
                future.cancel()
            shutil.rmtree(work, ignore_errors=True)
        if merger.records == 0:
            raise SourceError(name, _("the file holds no records"))

    def _part(self, future: futures.Future[Any], merger: Any) -> Iterator[Any]:
        try:
            part = future.result()
        except futures.process.BrokenProcessPool as exc:
            raise CyberreviewError(_("a sweep worker died: {exc}").format(exc=exc)) from None
        yield merger.place(part)
        yield part.changes

    @staticmethod
    def _collect(future: futures.Future[Any]) -> Iterator[Event]:
        try:
            results, changes = future.result()
        except futures.process.BrokenProcessPool as exc:
            raise CyberreviewError(_("a sweep worker died: {exc}").format(exc=exc)) from None
        yield from results
        yield changes


def _chunks(source: Any) -> Iterator[list[tuple[Location, Any]]]:
    payloads = source.payloads() if hasattr(source, "payloads") else None
    stream = payloads if payloads is not None else ((i.location, i) for i in source.read())
    chunk: list[tuple[Location, Any]] = []
    try:
        for entry in stream:
            chunk.append(entry)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except SourceError:
        if chunk:  # what was read before the failure is decided, as in one process
            yield chunk
        raise
    if chunk:
        yield chunk
