"""One sweep run: sources, lock, runner, checkpoints, the audit entry.

:class:`SweepOptions` says what to sweep; the caller gives the outputs
(:mod:`.outputs`) the results go to.  ``cyberreview sweep`` parses its options and
opens its outputs, nothing more.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..env import current_actor, redact_url
from ..errors import SweepBusyError, Terminated, UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from .outputs import Output, RunContext
from .progress import Log, log_format
from .quarantine import Requarantined, Unmapped, hold
from .ranges import Part
from .runner import FindingTracker, SweepStep, serial, sweep
from .summary import Decided, Shard, Summary, audit_details

#: opens the outputs of a run, given its packs (CI outputs name them)
OpenOutputs = Callable[[list[Any]], list[Output]]

HEARTBEAT_EVERY = 60.0
WAIT_POLL = 5.0


def run_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"SW-{stamp}-{uuid.uuid4().hex[:6]}"


@dataclass
class SweepOptions:
    """What one sweep reads, decides under and writes (``cyberreview sweep``'s options)."""

    files: list[str] = field(default_factory=list)  # FILEs, or - for stdin
    sources: list[str] = field(default_factory=list)  # configured sources (all: empty + no files)
    since: str | None = None  # "last": from the checkpoints of the last complete sweep
    pack: list[str] = field(default_factory=list)
    policy_dir: list[Path] = field(default_factory=list)
    input_format: str | None = None
    workers: int = 0
    shard: str | None = None  # I/N
    wait: bool = False
    no_cases: bool = False
    config: Path | None = None
    calendar: Path | None = None
    actor: str | None = None
    log_format: str | None = None  # auto | text | json
    log_level: str | None = None  # what is logged besides warnings and errors: debug | info


class SweepRun:
    def __init__(self, options: SweepOptions, rt: Runtime, as_of: dt.date, outputs: OpenOutputs):
        import sys

        self.args = options
        self.open_outputs = outputs
        self.rt = rt
        self.as_of = as_of
        self.actor = options.actor or current_actor()
        self.shard = Shard.parse(options.shard) if options.shard else None
        self.log = Log(log_format(options.log_format, sys.stderr))
        self.log.capture(level=options.log_level)
        self.id = run_id()
        self.store: Any = None
        self.scope = ""
        self.unmapped: dict[str, Unmapped] = {}  # configured source -> what it could not map
        self.baseline = ""

    # -- what to read -------------------------------------------------------------

    def _configured_names(self) -> list[str]:
        names: list[str] = list(self.args.sources)
        if not names and not self.args.files:
            names = list(self.rt.config.file.sources)
            if not names:
                where = self.rt.config.path or "no configuration file (cyberreview init)"
                raise UsageError(
                    _("nothing to sweep: give FILEs, or configure sources in {where}").format(
                        where=where
                    )
                )
        return names

    def _key(self, name: str) -> str:
        """A source's checkpoint and lock key: per shard when sharded."""
        return f"{name}#{self.shard}" if self.shard else name

    # -- the run ------------------------------------------------------------------

    def run(self) -> Summary:
        try:
            with stopped_by_sigterm():
                return self._run()
        finally:
            self.log.close()

    def _run(self) -> Summary:
        args = self.args
        packs = self.rt.packs(args.pack, self.as_of, self.log.note)
        summary = Summary(self.as_of, [p.ref for p in packs], shard=self.shard)
        names = self._configured_names()
        with ExitStack() as stack:
            if not args.no_cases or args.since:
                self.store = self.rt.store()
                stack.callback(self.store.close)
            engine = self.rt.engine(packs, store=None if args.no_cases else self.store)
            if self.store is not None and not args.no_cases:
                self._lock([*args.files, *names])
                stack.callback(self.store.release_sweep, self.id)
            since = {
                name: self.store.checkpoint(self._key(name)) if args.since else None
                for name in names
            }
            sources: list[Any] = [
                self.rt.source(target, fmt=args.input_format) for target in args.files
            ]
            sources += [self._configured(name, since[name]) for name in names]
            outputs = self.open_outputs(packs)
            for output in outputs:
                stack.callback(output.close)
            runner = stack.enter_context(self._runner(engine, summary, outputs))
            self._sweep(sources, runner, summary, outputs)
            self._finish(sources, summary, outputs)
        self._say_done(summary)
        return summary

    def _configured(self, name: str, since: Any) -> Any:
        """Configured source ``name``; with the records it holds in quarantine fetched
        again after its read."""
        source = self.rt.configured_source(name, since)
        held = self.store.quarantined(self._key(name)) if self.store is not None else {}
        return Requarantined(source, held) if held else source

    def _lock(self, scopes: list[str]) -> None:

        keys = sorted({self._key(scope) for scope in scopes})
        owner = f"{self.actor}@{socket.gethostname()} pid {os.getpid()}"
        while True:
            try:
                taken = self.store.acquire_sweep(keys, self.id, owner)
                break
            except SweepBusyError as exc:
                if not self.args.wait:
                    raise
                self.log.event("info", "sweep.waiting", f"waiting: {exc}", reason=str(exc))
                time.sleep(WAIT_POLL)
        for line in taken:
            self.log.event("warning", "sweep.lock_taken_over", line, reason=line)
        self.scope = ",".join(keys)
        self.baseline = f"{self.scope}|{self.regime}"
        self.store.start_run(self.id, self.scope, self.as_of, self.baseline)

    @property
    def regime(self) -> str:
        """Today's law and clocks, or those of one back-dated (or future) date: a sweep
        compares its findings with the last complete one of the same regime."""
        return "current" if self.as_of == dt.date.today() else f"as-of {self.as_of}"

    def _runner(self, engine: Any, summary: Summary, outputs: list[Output]) -> Any:
        from contextlib import nullcontext

        tracker = None
        tracked = self.store is not None and not self.args.no_cases
        summary.tracked = tracked
        if self.args.workers > 1:
            from .pool import Pool, WorkerSetup

            setup = WorkerSetup(
                as_of=self.as_of,
                packs=tuple(self.args.pack),
                policy_dirs=tuple(self.args.policy_dir or ()),
                config_path=self.args.config,
                store_url=self.rt.store_url_in_use() if tracked else None,
                calendar_path=self.args.calendar,
                actor=self.actor,
                shard=self.shard,
                track=tracked,
                slim=not any(output.whole for output in outputs),
                run_id=self.id,
                baseline=self.baseline,
                environ=tuple(os.environ.items()),
                lang=self.rt.lang,
            )
            # JSON Lines files in ranges, when every output can take whole parts
            parts = all(getattr(output, "part", None) for output in outputs)
            return Pool(setup, self.args.workers, parts=parts)
        from ..engine.gatekeeper import Gatekeeper

        if tracked:
            gatekeeper = Gatekeeper(engine, self.store, self.rt.calendar, self.actor)
            tracker = FindingTracker(self.store, self.id, self.baseline, self.actor)
        else:
            gatekeeper = Gatekeeper(engine)
        step = SweepStep(gatekeeper, self.as_of, tracker, self.shard)
        return nullcontext(lambda source: serial(source, step))

    def _sweep(
        self, sources: list[Any], runner: Any, summary: Summary, outputs: list[Output]
    ) -> None:
        log = self.log
        names = [s.name for s in sources]
        log.event(
            "info",
            "sweep.started",
            None,
            run=self.id,
            sources=names,
            as_of=self.as_of.isoformat(),
            shard=str(self.shard) if self.shard else None,
            workers=self.args.workers,
        )
        beat = time.monotonic() + HEARTBEAT_EVERY
        current = {"name": ""}

        def run_source(source: Any) -> Any:
            current["name"] = source.name
            log.event("info", "source.started", None, source=source.name)
            return runner(source)

        configured = {s.name for s in sources if hasattr(s, "checkpoint")}

        def changed(changes: Any) -> None:
            for output in outputs:
                output.changed(changes)

        decided = [output.decided for output in outputs]
        tick = log.tick
        for event in sweep(sources, run_source, summary, changed):
            if isinstance(event, Decided):
                for call in decided:
                    call(event)
            elif isinstance(event, Part):
                for output in outputs:
                    output.part(event)  # type: ignore[attr-defined]
            else:
                if current["name"] in configured:
                    self.unmapped.setdefault(current["name"], Unmapped()).add(event)
                for output in outputs:
                    output.skipped(event)
            tick(summary, current["name"])
            if self.store is not None and not self.args.no_cases and time.monotonic() > beat:
                self.store.heartbeat_sweep(self.id)
                beat = time.monotonic() + HEARTBEAT_EVERY
        self._unfetched(sources, summary, outputs)
        for source in summary.sources:
            level = "info" if source.complete else "error"
            text = (
                None
                if source.complete
                else f"source {source.name}: {source.error} (the sweep is incomplete)"
            )
            fields = {k: v for k, v in source.to_json().items() if k != "name"}
            log.event(level, "source.finished", text, source=source.name, **fields)

    def _unfetched(self, sources: list[Any], summary: Summary, outputs: list[Output]) -> None:
        """Held records the sweep could not fetch again are skipped (the run is
        incomplete); those the system no longer has are said to be released."""
        reports = {r.name: r for r in summary.sources}
        for source in sources:
            if not isinstance(source, Requarantined) or not reports[source.name].complete:
                continue
            for skip in source.unfetched_skips():
                reports[source.name].skipped += 1
                summary.skip(skip)
                for output in outputs:
                    output.skipped(skip)
            if source.gone:
                text = f"source {source.name}: no longer has {len(source.gone)} held record(s)"
                self.log.event("info", "quarantine.gone", text, source=source.name, ids=source.gone)

    def _finish(self, sources: list[Any], summary: Summary, outputs: list[Output]) -> None:
        store = self.store
        if store is not None:
            self._save_checkpoints(sources, summary)
        context: list[RunContext] = []

        def known() -> RunContext:
            if not context:
                context.append(self._context())
            return context[0]

        for output in outputs:
            for event, text, fields in output.finish(summary, known):
                self.log.event("info", event, text, **fields)
        if store is not None and not self.args.no_cases:
            store.audit(
                "sweep.summary",
                self.actor,
                subject=self.id,
                pack=", ".join(f"{p['id']}@{p['version']}" for p in summary.packs),
                details=audit_details(summary),
            )
            store.finish_run(
                self.id,
                summary.complete,
                audit_details(summary),
                self.actor,
                notes=self.regime == "current",
            )

    def _save_checkpoints(self, sources: list[Any], summary: Summary) -> None:
        """A configured source read to the end moves its checkpoint on; the records it
        could not map are held in quarantine (:mod:`.quarantine`), unless they cannot be
        held, and then the checkpoint stays."""
        reports = {r.name: r for r in summary.sources}
        for source in sources:
            checkpoint = getattr(source, "checkpoint", None)
            report = reports.get(source.name)
            if checkpoint is None or report is None or not report.complete:
                continue
            key = self._key(source.name)
            unmapped = self.unmapped.get(source.name)
            problem = hold(self.store, key, source, unmapped, self.actor)
            if problem is not None:
                text = f"source {source.name}: its checkpoint stays: {problem}"
                self.log.event("warning", "checkpoint.kept", text, source=source.name)
                continue
            report.quarantined = len(unmapped.held) if unmapped else 0
            report.quarantined += len(getattr(source, "unfetched", ()))
            self.store.save_checkpoint(key, checkpoint, self.actor)

    def _context(self) -> RunContext:
        context = RunContext(
            run_id=self.id if self.store is not None and not self.args.no_cases else None,
            generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        if context.run_id is not None:
            context.scope = self.scope
            context.previous = self.store.previous_run(self.scope, self.id, self.baseline)
            context.store = redact_url(self.store.url)
        return context

    def _say_done(self, summary: Summary) -> None:
        log = self.log
        if summary.skipped:
            log.event(
                "error",
                "records.skipped",
                f"{summary.skipped} record(s) skipped (the sweep is incomplete)",
                skipped=summary.skipped,
            )
        log.event(
            "info" if summary.complete else "error",
            "sweep.finished",
            None,
            run=self.id,
            complete=summary.complete,
            records=summary.records,
            decisions=dict(summary.decisions),
            cases=summary.cases_json(),
            skipped=summary.skipped,
        )
        log.close()


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (a supervisor stopping the sweep) unwinds the run as Ctrl-C does, so
    that its lock is released and its outputs closed; a second SIGTERM acts as the
    first did before.  Only the main thread can take signals: elsewhere, nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.getsignal(signal.SIGTERM)

    def stop(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, before)
        raise Terminated("stopped by SIGTERM")

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
