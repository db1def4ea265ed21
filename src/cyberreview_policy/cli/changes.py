"""``cyberreview changes check|watch``: decide a change request's CIs and report back
where the change lives (approve/reject with comments, or a work note)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from typing import TYPE_CHECKING, Any

from ..runtime import Runtime
from ._common import (
    EXIT_ERROR,
    EXIT_OK,
    add_actor_option,
    add_command,
    add_pack_options,
    add_store_options,
    note,
    select_packs,
)
from .commands import COMMANDS

if TYPE_CHECKING:
    from ..changes.run import ChangeDecider, Connected, Outcome
    from ..changes.watch import Checkpoint

NAME = "changes"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
For change management (ServiceNow, ...; configured under "changes:" in
cyberreview.yaml): read a change request's affected CIs, fetch each from the
configured CMDB source, decide it as the gate does (opening review cases), and
report back: approve or reject the approval requested from us, with the
blocking rules and their citations (mode "approval"), or add a work note (mode
"work_note").  Each decision is posted once: a retried or repeated run finds it
posted and posts nothing.  It fails closed: a CI that cannot be fetched or
decided rejects the change, never approves it.

"check" decides one change now; "watch" polls for the changes awaiting our
decision, for instances that cannot call out.

Exit codes (check, and watch --once: the worst of its changes):
  0  approved (no objection)
  2  rejected (blocked)
  3  could not decide a CI (rejected all the same), or could not read or report
"""
EXAMPLES = """\
examples:
  cyberreview changes check CHG0030001
  cyberreview changes check CHG0030001 --format json --as-of 2026-11-29
  cyberreview changes watch --interval 60          # under systemd
  cyberreview changes watch --once                 # from cron
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    check = add_command(
        verbs,
        "check",
        "decide one change request now and report back",
        "Decide change CHANGE (its number, e.g. CHG0030001, or its id) and post the answer "
        "on it, unless this decision is posted already.",
        "examples:\n  cyberreview changes check CHG0030001\n",
    )
    check.add_argument("change", metavar="CHANGE", help="the change's number or id")
    _common(check)
    check.set_defaults(run=run_check)
    watch = add_command(
        verbs,
        "watch",
        "poll for change requests awaiting our decision, and handle each once",
        "Every --interval seconds, ask the change system for the changes awaiting our "
        "decision (approval mode: approvals requested from the approver; work-note mode: "
        "changes in the watched states) and handle each as check does.  What was handled is "
        "kept in $CYBERREVIEW_HOME/changes/NAME.json.  Ctrl-C or SIGTERM ends it after the "
        "change in hand.",
        "examples:\n  cyberreview changes watch --interval 60\n"
        "  cyberreview changes watch --once\n",
    )
    watch.add_argument(
        "--interval", type=float, default=60.0, metavar="SECONDS", help="between polls (60)"
    )
    watch.add_argument("--once", action="store_true", help="one poll, then exit (for cron)")
    _common(watch)
    watch.set_defaults(run=run_watch)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--system", metavar="NAME", help="the change system under changes: (default: the only one)"
    )
    add_pack_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(parser)
    add_actor_option(parser)


def new_run_id() -> str:
    """Sortable and unique: when, and a random part."""
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{uuid.uuid4().hex[:8]}"


class Session:
    """A connected change system, its CMDB source and the case store; the packs and the
    engine of the day (a watch that runs past midnight decides under the law of the new
    day, unless --as-of pins it)."""

    def __init__(self, args: argparse.Namespace, rt: Runtime):
        from ..changes.run import connect
        from ..env import current_actor

        self.args = args
        self.rt = rt
        self.actor = args.actor or current_actor()
        self.connected: Connected = connect(rt, args.system)
        self._decider: ChangeDecider | None = None
        self._waivers = (0, 0, 0)
        try:
            self.source = rt.configured_source(self.connected.config.source)
            self.store = rt.store()
        except BaseException:
            self.connected.close()
            raise
        try:
            self.decider()  # packs that cannot be used fail the command now, not each change
        except BaseException:
            self.close()
            raise

    def decider(self) -> ChangeDecider:
        from ..changes.run import ChangeDecider
        from ..engine.gatekeeper import Gatekeeper

        as_of = self.args.as_of or dt.date.today()
        waivers = self.store.waivers_stamp()  # a waiver granted meanwhile applies
        if self._decider is None or (self._decider.as_of, self._waivers) != (as_of, waivers):
            engine = self.rt.engine(select_packs(self.rt, self.args.pack, as_of), store=self.store)
            keeper = Gatekeeper(engine, self.store, self.rt.calendar, self.actor)
            self._decider = ChangeDecider(keeper, source=self.source, as_of=as_of)
            self._waivers = waivers
        return self._decider

    def handle(self, ref: str) -> Outcome:
        from ..changes.run import handle

        return handle(self.connected, ref, self.decider(), new_run_id())

    def close(self) -> None:
        try:
            self.store.close()
        finally:
            self.connected.close()


def run_check(args: argparse.Namespace, rt: Runtime) -> int:
    session = Session(args, rt)
    try:
        outcome = session.handle(args.change)
    finally:
        session.close()
    _emit(outcome, session.connected.mode, args.format)
    return outcome.code


def run_watch(args: argparse.Namespace, rt: Runtime) -> int:
    from ..changes.run import pending
    from ..changes.watch import Checkpoint, Stop, watch
    from ..env import home_dir
    from ..errors import CyberreviewError

    session = Session(args, rt)
    checkpoint = Checkpoint.load(home_dir() / "changes" / f"{session.connected.name}.json")
    stop = Stop()
    if not args.once:
        stop.install()
    worst = EXIT_OK

    def round_() -> None:
        nonlocal worst
        try:
            refs = pending(session.connected)
        except CyberreviewError as exc:  # the next round tries again
            note(f"error: {exc}")
            worst = EXIT_ERROR
            return
        for ref in refs:
            if stop.stopped:
                return
            worst = max(worst, _watched(session, checkpoint, ref, args.format))

    try:
        watch(round_, interval=args.interval, once=args.once, stop=stop)
    finally:
        session.close()
    if stop.stopped:
        note("watch stopped")
    return worst if args.once else EXIT_OK


def _watched(session: Session, checkpoint: Checkpoint, ref: str, fmt: str) -> int:
    """Handle one pending change unless the checkpoint has it; its exit code."""
    from ..changes.run import read
    from ..errors import CyberreviewError

    try:
        change = read(session.connected, ref)
        if checkpoint.seen(change.id, change.cycle, change.updated):
            return EXIT_OK
        outcome = session.handle(ref)
    except CyberreviewError as exc:  # this change again next round; the others go on
        note(f"error: {exc}")
        return EXIT_ERROR
    _emit(outcome, session.connected.mode, fmt)
    try:
        after = read(session.connected, ref)  # our answer moved it: remember it as it is now
    except CyberreviewError as exc:  # handled again next round: posting is idempotent
        note(f"warning: {exc}")
        return outcome.code
    checkpoint.mark(
        after.id,
        number=after.number,
        cycle=after.cycle,
        key=outcome.report.key,
        run=outcome.report.run_id,
        approve=outcome.report.approve,
        updated=after.updated,
    )
    checkpoint.save()
    return outcome.code


def _emit(outcome: Outcome, mode: str, fmt: str) -> None:
    report = outcome.report
    for result in report.results:
        for problem in result.problems:
            note(f"warning: {result.ci.id}: decided with this value left unknown: {problem}")
    what = (
        ("approved" if report.approve else "rejected")
        if mode == "approval"
        else ("no objection" if report.approve else "blocked")
    )
    done = (
        f"posted by run {outcome.by_run}"
        if outcome.posted
        else (f"posted already by run {outcome.by_run}, nothing posted")
    )
    if fmt == "json":
        data: dict[str, Any] = {
            "change": report.change.number,
            "id": report.change.id,
            "approve": report.approve,
            "mode": mode,
            "posted": outcome.posted,
            "key": report.key,
            "run_id": report.run_id,
            "posted_by_run": outcome.by_run,
            "cis": [
                {
                    "id": r.ci.id,
                    "name": r.ci.name,
                    "decision": r.verdict,
                    "blocking": r.blocking(),
                    "error": r.error,
                }
                for r in report.results
            ],
        }
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()  # a watch under systemd: each change as it is handled
        return
    lines = [f"{report.change.number} {what} ({done}; ref {report.key})"]
    for result in report.results:
        warned = [
            f["rule"]
            for f in (result.decision or {"findings": []})["findings"]
            if f["outcome"] == "warn" and f["waiver"] is None
        ]
        why = ", ".join(result.blocking() or warned) or (result.error or "")
        lines.append(f"  {result.verdict:<5}  {result.ci.name} ({result.ci.id})  {why}".rstrip())
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
