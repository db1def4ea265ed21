"""``cyberreview sweep``: decide every record of one or more sources, and summarise."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import (
    EXIT_BLOCK,
    EXIT_ERROR,
    EXIT_OK,
    add_actor_option,
    add_ci_option,
    add_command,
    add_pack_options,
    add_store_options,
    log_level,
)
from .commands import COMMANDS

if TYPE_CHECKING:
    from ..sweep.outputs import Output

NAME = "sweep"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Decide every record of the given sources under the policy packs in force, one
decision per record, then a summary: counts by decision and by rule, cases
opened, findings new and resolved since the previous sweep, and every record
skipped with its place and reason.  Records are streamed: memory stays flat
however large the input.

Sources: FILEs (JSON, JSON Lines, CSV, or - for stdin), and --source NAME for
sources of the configuration file; with neither, every configured source.

With the case store (the default), a sweep opens the cases rules ask for
(never twice), notes on a case when the finding that opened it no longer
fires, and holds a lock per source (and shard): a second sweep of the same
source refuses, or waits with --wait.

Large estates: --workers N decides in N processes; --shard I/N takes one
slice of the records (by a stable hash of each record's identity), so N jobs
on N machines sharing a PostgreSQL store cover everything once.

Exit codes:
  0  every record was read and decided (whatever was found)
  2  --fail-on tripped
  3  a record or a source could not be read: the sweep is incomplete
"""
EXAMPLES = """\
examples:
  cyberreview sweep examples/procurement.jsonl --as-of 2021-06-01
  cyberreview sweep                                    # every configured source
  cyberreview sweep --source nautobot --since last --report nightly.html
  cyberreview sweep assets.jsonl --workers 4 --report findings.csv --report report.html
  cyberreview sweep --source servicenow --shard 3/8 --store postgresql://cr@db/cases
  cyberreview sweep nightly.jsonl --fail-on block --no-cases
  cyberreview sweep records/*.jsonl --no-cases --ci junit=cyberreview.xml \
      --ci sarif=cyberreview.sarif --ci github         # in a pipeline (docs/ci.md)
  cyberreview sweep --source servicenow --since last --sync-trackers
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    p.add_argument("sources", nargs="*", metavar="FILE", help="a file, or - for stdin")
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        dest="configured",
        help="a source of the configuration file (repeatable; default: all of them when "
        "no FILE is given)",
    )
    p.add_argument(
        "--since",
        choices=("last",),
        help="read configured sources from their checkpoint of the last complete sweep",
    )
    add_pack_options(p)
    p.add_argument(
        "--format", choices=("text", "json", "jsonl"), default="text", help="output format"
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the output here (default stdout)")
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FILE",
        help="also write a report: .html (a page to read and forward), .csv or .json "
        "(every finding); repeatable",
    )
    p.add_argument(
        "--operator",
        metavar="NAME",
        help="the --report files cover this operator's records only (the sweep still "
        "decides every record)",
    )
    add_ci_option(p)
    p.add_argument(
        "--input-format",
        choices=("json", "jsonl", "csv"),
        help="read the sources as this format (default: from the file suffix, or sniffed)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="decide in N worker processes (default: in this one)",
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        help="take slice I of N of the records (by a stable hash of each record's identity)",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another sweep of the same sources holds the lock, wait for it",
    )
    p.add_argument(
        "--no-cases",
        action="store_true",
        help="decide without the case store: open no case, use none, record nothing",
    )
    add_store_options(p)
    add_actor_option(p)
    p.add_argument(
        "--fail-on",
        choices=("block", "warn"),
        help="exit 2 when any record is blocked (block) or warned or blocked (warn)",
    )
    p.add_argument(
        "--log-format",
        choices=("auto", "text", "json"),
        help="what the run says on stderr: text (a progress line on a terminal) or JSON "
        "lines (default: text on a terminal, else JSON; $CYBERREVIEW_LOG_FORMAT)",
    )
    p.add_argument(
        "--sync-trackers",
        action="store_true",
        help="at the end, mirror the cases in the configured issue trackers (as `cases sync`; "
        "its lines go to stderr); a case that could not be synced makes the exit 3",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, rt: Runtime) -> int:
    from ..sweep.run import SweepOptions, SweepRun

    if args.workers < 0:
        raise UsageError(_("--workers: give a number of processes, 0 or more"))
    if args.no_cases and args.wait:
        raise UsageError(_("--wait waits for another sweep's lock, which --no-cases does not take"))
    if args.no_cases and args.sync_trackers:
        raise UsageError(_("--sync-trackers mirrors the case store, which --no-cases leaves alone"))
    options = SweepOptions(
        files=args.sources,
        sources=args.configured,
        since=args.since,
        pack=args.pack,
        policy_dir=args.policy_dir,
        input_format=args.input_format,
        workers=args.workers,
        shard=args.shard,
        wait=args.wait,
        no_cases=args.no_cases,
        config=args.config,
        calendar=args.calendar,
        actor=args.actor,
        log_format=args.log_format,
        log_level=log_level(args),
    )
    as_of = args.as_of or dt.date.today()
    summary = SweepRun(options, rt, as_of, lambda packs: open_outputs(args, packs, as_of)).run()
    if args.sync_trackers and not _sync(args, rt):
        return EXIT_ERROR
    if not summary.complete:
        return EXIT_ERROR
    tripped = {"block": ("block",), "warn": ("block", "warn")}.get(args.fail_on or "", ())
    if any(summary.decisions.get(verdict) for verdict in tripped):
        return EXIT_BLOCK
    return EXIT_OK


def _sync(args: argparse.Namespace, rt: Runtime) -> bool:
    """``cases sync`` after the sweep, its lines on stderr (stdout holds the decisions)."""
    import sys

    from ..env import current_actor
    from ._cases_sync import sync_and_report

    store = rt.store()
    try:
        return sync_and_report(
            rt,
            store,
            args.actor or current_actor(),
            args.as_of or dt.date.today(),
            out=sys.stderr,
        )
    finally:
        store.close()


def open_outputs(args: argparse.Namespace, packs: list[Any], as_of: dt.date) -> list[Output]:
    """The outputs the options ask for: CI outputs, reports, then the decisions."""
    from pathlib import Path

    from ..ci import CiRun
    from ..ci import open_outputs as open_ci
    from ..report import open_report
    from ._sweep_outputs import CiOutput, ReportOutput, WriterOutput

    outputs: list[Output] = []
    try:
        run = CiRun(
            "sweep", as_of, tuple(packs), fail_on_warn=args.fail_on == "warn", cwd=Path.cwd()
        )
        on_stdout = args.format != "text" and not args.output
        taken = f"which --format {args.format} uses" if on_stdout else None
        ci = open_ci(args.ci, run, stdout_taken=taken)
        if ci is not None:
            outputs.append(CiOutput(ci, args.ci))
        if args.operator and not args.report:
            raise UsageError(_("--operator scopes the --report files: give --report FILE"))
        report = open_report(args.report, args.operator)
        if report is not None:
            outputs.append(ReportOutput(report))
        outputs.append(WriterOutput.open(args.format, args.output))
    except BaseException:
        for output in outputs:
            output.close()
        raise
    return outputs
