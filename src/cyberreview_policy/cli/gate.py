"""``cyberreview gate``: may this product be put into use?  Fails closed."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, RecordError, SourceError, UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import (
    EXIT_BLOCK,
    EXIT_OK,
    EXIT_WARN,
    add_actor_option,
    add_ci_option,
    add_command,
    add_pack_options,
    add_store_options,
    note,
    select_packs,
)
from .commands import COMMANDS

if TYPE_CHECKING:
    from ..models.decision import Decision

NAME = "gate"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Decide one record (a purchase line, an asset, a planned listing or a data
processing activity) under the policy packs in force, before it is deployed.
Findings cite the articles in force on the --as-of date.  The gate fails closed: when it
cannot decide (bad input, bad config, a store it cannot reach) it exits 3 with
a one-line reason on stderr, and a pipeline must treat that as "do not deploy".

Exit codes:
  0  allow, or warn (without --fail-on-warn)
  1  warn, with --fail-on-warn
  2  block
  3  could not decide
"""
EXAMPLES = """\
examples:
  cyberreview gate --record po-117.json
  cyberreview gate --record po-117.json --pack cn-csr-2020 --as-of 2021-06-01 --format json
  erp-export PO-117 | cyberreview gate --record - --fail-on-warn
  cyberreview gate --record po-117.json --no-cases      # decide only, open no case
  cyberreview gate --record po-117.json --override commitments \\
      --reason "supplier letter on file, contract amendment due" --approver "Li Wei (CISO)"
  cyberreview gate --record po-117.json --store postgresql://cyberreview@db.internal/cases
  cyberreview gate --source tryton --id "P00012/1"      # fetch the line from the ERP
  cyberreview gate --record po-117.json --ci github --ci sarif=cyberreview.sarif \
      --ci junit=cyberreview.xml                        # in a pipeline (docs/ci.md)
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--record", metavar="FILE", help="the record, as JSON (- for stdin)")
    what.add_argument("--source", metavar="NAME", help="fetch the record from a configured source")
    p.add_argument("--id", metavar="ID", help="with --source: the record's id in that source")
    add_pack_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--fail-on-warn", action="store_true", help="exit 1 when the decision is warn")
    add_ci_option(p)
    p.add_argument(
        "--no-cases",
        action="store_true",
        help="decide without the case store: open no case, use none (nor its waivers), "
        "record nothing",
    )
    p.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="RULE",
        help="set aside an overridable rule for this run only (repeatable; needs --reason "
        "and --approver; recorded in the audit trail)",
    )
    p.add_argument("--reason", help="why the override is justified")
    p.add_argument("--approver", help="who approved the override")
    add_store_options(p)
    add_actor_option(p)
    p.set_defaults(run=run)


def read_text(target: str) -> str:
    if target == "-":
        return sys.stdin.read()
    try:
        with open(target, encoding="utf-8-sig") as stream:
            return stream.read()
    except OSError as exc:
        raise SourceError(target, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise SourceError(target, _("not UTF-8 text: {reason}").format(reason=exc.reason)) from None


def read_one(target: str, rt: Runtime) -> Any:
    """The single record in ``target``; any problem is an error."""
    return read_located(target, rt)[0]


def read_located(target: str, rt: Runtime) -> tuple[Any, int]:
    """The single record in ``target`` and the line it starts on; any problem is an error
    (located: file, line, column and field)."""
    text = read_text(target)
    source = rt.source(target, stream=io.StringIO(text))
    found: Any = None
    line = 1
    for item in source.read():
        if item.error is not None:
            raise item.error
        if found is not None:
            raise RecordError(
                _("holds more than one record; the gate decides one (use cyberreview sweep)"),
                item.location,
            )
        found = item.record
        line = item.location.line or 1
    if found is None:
        raise SourceError(source.name, _("the file holds no records"))
    return found, line


def _overrides(args: argparse.Namespace, record: Any, packs: Any, as_of: dt.date) -> list[Any]:
    """The single-run overrides of ``--override`` (checked before anything is decided)."""
    from .. import waivers

    if args.override and (not args.reason or not args.approver):
        raise UsageError(_("--override needs --reason and --approver"))
    if args.override and args.no_cases:
        raise UsageError(_("--override is recorded in the audit trail: not with --no-cases"))
    return [
        waivers.override(
            rule, record, reason=args.reason, approver=args.approver, on=as_of, packs=packs
        )
        for rule in args.override
    ]


def record_location(args: argparse.Namespace, text_start: int | None) -> Location:
    """Where the gate's record lives: its file and first line, or ``source[id]``."""
    if args.source:
        return Location(f"{args.source}[{args.id}]")
    if args.record == "-":
        return Location("<stdin>", text_start)
    return Location(args.record, text_start)


def fetch_one(source: str, record_id: str | None, rt: Runtime) -> Any:
    """The record ``record_id`` of a configured source."""
    if not record_id:
        raise UsageError(_("--source needs --id: the record's id in that source"))
    item = rt.configured_source(source).fetch(record_id)
    if item.error is not None:
        raise item.error
    for problem in item.problems:
        note(
            _("warning: {record_id}: decided with this value left unknown: {problem}").format(
                record_id=record_id, problem=problem
            )
        )
    return item.record


def run(args: argparse.Namespace, rt: Runtime) -> int:
    from ..models.jsonout import dumps

    if args.id and not args.source:
        raise UsageError(_("--id goes with --source NAME (with --record, the file holds the id)"))
    as_of = args.as_of or dt.date.today()
    if args.source:
        record, start = fetch_one(args.source, args.id, rt), None
    else:
        record, start = read_located(args.record, rt)
    packs = select_packs(rt, args.pack, as_of)
    overrides = _overrides(args, record, packs, as_of)
    ci = _ci_outputs(args, packs, as_of)
    try:
        decision = _decide(args, rt, packs, record=record, as_of=as_of, overrides=overrides)
        chosen = as_of != dt.date.today()
        if args.format == "json":
            sys.stdout.write(dumps(decision, indent=2) + "\n")
            if chosen:
                note(
                    _("decided as of {as_of} (--as-of), not today: the law in force then").format(
                        as_of=as_of
                    )
                )
        else:
            from ..models.identity import record_summary
            from ._render import Style, decision_text

            summary = record_summary(record)
            text = decision_text(decision, Style(sys.stdout), summary, chosen=chosen)
            sys.stdout.write(text)
        if ci is not None:
            _write_ci(
                ci, decision, record, where=record_location(args, start), packs=packs, as_of=as_of
            )
    finally:
        if ci is not None:
            ci.close()
    verdict = decision["decision"]
    if verdict == "block":
        return EXIT_BLOCK
    if verdict == "warn" and args.fail_on_warn:
        return EXIT_WARN
    return EXIT_OK


def _decide(
    args: argparse.Namespace,
    rt: Runtime,
    packs: list[Any],
    *,
    record: Any,
    as_of: dt.date,
    overrides: Any,
) -> Decision:
    from ..engine.gatekeeper import Gatekeeper
    from ..env import current_actor

    if args.no_cases:
        return Gatekeeper(rt.engine(packs)).decide(record, as_of)
    store = rt.store()
    try:
        engine = rt.engine(packs, overrides, store)
        keeper = Gatekeeper(engine, store, rt.calendar, args.actor or current_actor())
        return keeper.decide(record, as_of, overrides=overrides)
    finally:
        store.close()


def _ci_outputs(args: argparse.Namespace, packs: list[Any], as_of: dt.date) -> Any:
    """The ``--ci`` outputs, opened before deciding: a bad ``--ci`` fails before a case
    is opened."""
    if not args.ci:
        return None
    from ..ci import CiRun, open_outputs

    run = CiRun("gate", as_of, tuple(packs), fail_on_warn=args.fail_on_warn, cwd=Path.cwd())
    json_out = "which --format json uses" if args.format == "json" else None
    return open_outputs(args.ci, run, stdout_taken=json_out)


def _write_ci(
    ci: Any, decision: Decision, record: Any, *, where: Location, packs: list[Any], as_of: dt.date
) -> None:
    """The one decision through the CI writers, with the summary a sweep of one would give."""
    from ..sweep.summary import Decided, SourceReport, Summary, subject_of

    summary = Summary(as_of, [p.ref for p in packs])
    summary.add(decision)
    summary.sources.append(SourceReport(str(where.file), records=1))
    ci.decision(Decided(decision, subject_of(record), location=where))
    ci.finish(summary)
