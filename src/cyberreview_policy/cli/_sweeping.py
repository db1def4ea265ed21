"""One ``cyberreview sweep`` run: sources, lock, runner, outputs, checkpoints."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import time
import uuid
from contextlib import ExitStack
from typing import Any

from ..errors import UsageError
from ..runtime import Runtime, current_actor, redact_url
from ..sweep import Decided, Decider, FindingTracker, Shard, Summary, serial, sweep
from ._progress import Log, log_format

HEARTBEAT_EVERY = 60.0
WAIT_POLL = 5.0


def run_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"SW-{stamp}-{uuid.uuid4().hex[:6]}"


class SweepRun:
    def __init__(self, args: argparse.Namespace, rt: Runtime, as_of: dt.date):
        import sys

        self.args = args
        self.rt = rt
        self.as_of = as_of
        self.actor = args.actor or current_actor()
        self.shard = Shard.parse(args.shard) if args.shard else None
        self.log = Log(log_format(args.log_format, sys.stderr))
        self.log.capture()
        self.id = run_id()
        self.store: Any = None
        self.scope = ""

    # -- what to read -------------------------------------------------------------

    def _configured_names(self) -> list[str]:
        names: list[str] = list(self.args.configured)
        if not names and not self.args.sources:
            names = list(self.rt.config.file.sources)
            if not names:
                where = self.rt.config.path or "no configuration file (cyberreview init)"
                raise UsageError(f"nothing to sweep: give FILEs, or configure sources in {where}")
        return names

    def _key(self, name: str) -> str:
        """A source's checkpoint and lock key: per shard when sharded."""
        return f"{name}#{self.shard}" if self.shard else name

    # -- the run ------------------------------------------------------------------

    def run(self) -> Summary:
        try:
            return self._run()
        finally:
            self.log.close()

    def _run(self) -> Summary:
        from .. import waivers
        from ..engine import Engine
        from ..runtime import home_dir
        from ._common import select_packs

        args = self.args
        packs = select_packs(self.rt, args.pack, self.as_of)
        engine = Engine(packs, waivers.for_run(home_dir(), packs))
        summary = Summary(self.as_of, [p.ref for p in packs], shard=self.shard)
        names = self._configured_names()
        with ExitStack() as stack:
            if not args.no_cases or args.since:
                self.store = self.rt.store()
                stack.callback(self.store.close)
            if self.store is not None and not args.no_cases:
                self._lock([*args.sources, *names])
                stack.callback(self.store.release_sweep, self.id)
            since = {
                name: self.store.checkpoint(self._key(name)) if args.since else None
                for name in names
            }
            sources: list[Any] = [
                self.rt.source(target, fmt=args.input_format) for target in args.sources
            ]
            sources += [self.rt.configured_source(name, since[name]) for name in names]
            writer, close = self._writer()
            stack.callback(close)
            report = self._report()
            if report is not None:
                stack.callback(report.close)
            ci = self._ci(packs)
            if ci is not None:
                stack.callback(ci.close)
            runner = stack.enter_context(self._runner(engine, summary))
            self._sweep(sources, runner, summary, writer, report, ci=ci)
            self._finish(sources, summary, report, ci)
        self._say_done(summary)
        return summary

    def _lock(self, scopes: list[str]) -> None:
        from ..cases.sweepstate import SweepBusyError

        keys = sorted({self._key(scope) for scope in scopes})
        owner = f"{self.actor}@{socket.gethostname()} pid {os.getpid()}"
        while True:
            try:
                self.store.acquire_sweep(keys, self.id, owner)
                break
            except SweepBusyError as exc:
                if not self.args.wait:
                    raise
                self.log.event("info", "sweep.waiting", f"waiting: {exc}", reason=str(exc))
                time.sleep(WAIT_POLL)
        self.store.start_run(self.id, ",".join(keys), self.as_of)
        self.scope = ",".join(keys)

    def _writer(self) -> Any:
        from ._writers import open_writer

        try:
            return open_writer(self.args.format, self.args.output)
        except OSError as exc:
            raise UsageError(f"cannot write {self.args.output}: {exc.strerror or exc}") from None

    def _report(self) -> Any:
        from ..report import open_report

        return open_report(self.args.report)

    def _ci(self, packs: list[Any]) -> Any:
        """The ``--ci`` outputs (JUnit, SARIF, GitHub annotations), or ``None``."""
        from pathlib import Path

        from ..ci import CiRun, open_outputs

        run = CiRun(
            "sweep",
            self.as_of,
            tuple(packs),
            fail_on_warn=self.args.fail_on == "warn",
            cwd=Path.cwd(),
        )
        on_stdout = self.args.format != "text" and not self.args.output
        taken = f"which --format {self.args.format} uses" if on_stdout else None
        return open_outputs(self.args.ci, run, stdout_taken=taken)

    def _runner(self, engine: Any, summary: Summary) -> Any:
        from contextlib import nullcontext

        service = tracker = None
        tracked = self.store is not None and not self.args.no_cases
        summary.tracked = tracked
        if self.args.workers > 1:
            from ..sweep_pool import Pool, WorkerSetup

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
                slim=self.args.format != "text" and not self.args.report and not self.args.ci,
            )
            return Pool(setup, self.args.workers)
        if tracked:
            from ..cases.service import CaseService

            service = CaseService(self.store, self.rt.calendar, self.actor)
            tracker = FindingTracker(self.store, self.as_of, self.actor)
        decider = Decider(engine, self.as_of, service, tracker, self.shard)
        return nullcontext(lambda source: serial(source, decider))

    def _sweep(
        self,
        sources: list[Any],
        runner: Any,
        summary: Summary,
        writer: Any,
        report: Any,
        *,
        ci: Any = None,
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

        for event in sweep(sources, run_source, summary):
            if isinstance(event, Decided):
                writer.decision(event.decision, event.json)
                if report is not None:
                    report.decision(event)
                if ci is not None:
                    ci.decision(event)
            else:
                writer.skip(event)
                if ci is not None:
                    ci.skip(event)
            log.tick(summary, current["name"])
            if self.store is not None and not self.args.no_cases and time.monotonic() > beat:
                self.store.heartbeat_sweep(self.id)
                beat = time.monotonic() + HEARTBEAT_EVERY
        writer.finish(summary)
        for source in summary.sources:
            level = "info" if source.complete else "error"
            text = (
                None
                if source.complete
                else f"source {source.name}: {source.error} (the sweep is incomplete)"
            )
            fields = {k: v for k, v in source.to_json().items() if k != "name"}
            log.event(level, "source.finished", text, source=source.name, **fields)

    def _finish(self, sources: list[Any], summary: Summary, report: Any, ci: Any = None) -> None:
        from ._writers import audit_details

        store = self.store
        if store is not None:
            self._save_checkpoints(sources, summary)
        if ci is not None:
            ci.finish(summary)
            for spec in self.args.ci:
                self.log.event("info", "ci.written", f"wrote --ci {spec}", output=spec)
        if report is not None:
            report.finish(summary, self._context(summary))
            for path in report.paths:
                self.log.event("info", "report.written", f"wrote {path}", path=str(path))
        if store is not None and not self.args.no_cases:
            store.audit(
                "sweep.summary",
                self.actor,
                subject=self.id,
                pack=", ".join(f"{p['id']}@{p['version']}" for p in summary.packs),
                details=audit_details(summary),
            )
            store.finish_run(self.id, summary.complete, audit_details(summary))

    def _save_checkpoints(self, sources: list[Any], summary: Summary) -> None:
        """A configured source read to the end, all of it decided, moves its checkpoint on."""
        complete = {r.name for r in summary.sources if r.complete and not r.skipped}
        for source in sources:
            checkpoint = getattr(source, "checkpoint", None)
            if checkpoint is not None and source.name in complete:
                self.store.save_checkpoint(self._key(source.name), checkpoint, self.actor)

    def _context(self, summary: Summary) -> Any:
        from ..report import ReportContext

        context = ReportContext(
            run_id=self.id if self.store is not None and not self.args.no_cases else None,
            generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        if context.run_id is not None:
            context.scope = self.scope
            context.previous = self.store.previous_run(self.scope, self.id)
            context.overdue = overdue_cases(self.store, self.rt, self.as_of)
            context.store = redact_url(self.store.url)
        return context

    def _say_done(self, summary: Summary) -> None:
        from ._writers import short

        log = self.log
        if self.args.output:
            log.event(
                "info",
                "output.written",
                f"wrote {self.args.format} to {self.args.output}: {short(summary)}",
                path=self.args.output,
            )
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
            cases={"created": summary.cases_created, "already_open": summary.cases_existing},
            skipped=summary.skipped,
        )
        log.close()


def overdue_cases(store: Any, rt: Runtime, as_of: dt.date) -> list[dict[str, Any]]:
    """Open cases whose statutory period has run out, for the report."""
    from ..cases.clocks import case_clocks, current_clock

    out = []
    for case in store.list_cases():
        if not case.is_open:
            continue
        clock = current_clock(case_clocks(case.events, as_of, rt.calendar))
        if clock is not None and clock.elapsed:
            out.append(
                {
                    "id": case.id,
                    "record_id": case.record_id,
                    "state": case.state,
                    "period": clock.period,
                    "deadline": clock.deadline.isoformat(),
                }
            )
    return out
