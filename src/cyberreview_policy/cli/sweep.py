"""``cyberreview sweep``: decide every record of one or more sources, and summarise."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..runtime import Runtime
from ._common import (
    EXIT_BLOCK,
    EXIT_ERROR,
    EXIT_OK,
    add_actor_option,
    add_command,
    add_pack_options,
    add_store_options,
    note,
    select_packs,
)

if TYPE_CHECKING:
    from ..sweep import Summary

NAME = "sweep"
HELP = "decide every record of files (JSON, JSON Lines, CSV) and summarise"
DESCRIPTION = """\
Decide every record of the given sources under the policy packs in force, one
decision per record, then a summary: counts by decision and by rule, cases
opened, and every record skipped with its file, line and reason.  Records are
streamed: memory stays flat however large the input.

Exit codes:
  0  every record was read and decided (whatever was found)
  2  --fail-on tripped
  3  a record or a source could not be read: the sweep is incomplete
"""
EXAMPLES = """\
examples:
  cyberreview sweep examples/procurement.jsonl --as-of 2021-06-01
  cyberreview sweep assets.csv purchases.json --format jsonl --output decisions.jsonl
  cyberreview sweep nightly.jsonl --fail-on block --no-cases
  cat export.jsonl | cyberreview sweep - --input-format jsonl
  cyberreview sweep --source tryton --since last      # what changed since the last sweep
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
        help="a source of the configuration file (repeatable)",
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
        "--input-format",
        choices=("json", "jsonl", "csv"),
        help="read the sources as this format (default: from the file suffix, or sniffed)",
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
    p.set_defaults(run=run)


def run(args: argparse.Namespace, rt: Runtime) -> int:
    from .. import waivers
    from ..engine import Engine
    from ..runtime import current_actor, home_dir
    from ..sweep import Summary, sweep
    from ._writers import open_writer

    as_of = args.as_of or dt.date.today()
    packs = select_packs(rt, args.pack, as_of)
    engine = Engine(packs, waivers.for_run(home_dir(), packs))
    summary = Summary(as_of, [p.ref for p in packs])
    if not args.sources and not args.configured:
        raise UsageError("nothing to sweep: give FILEs or --source NAME")
    store = None
    if not args.no_cases or args.since:
        store = rt.store()  # cases, and the checkpoints of configured sources
    since = {
        name: store.checkpoint(name) if store and args.since else None for name in args.configured
    }
    sources: list[Any] = [rt.source(target, fmt=args.input_format) for target in args.sources]
    sources += [rt.configured_source(name, since[name]) for name in args.configured]
    try:
        writer, close = open_writer(args.format, args.output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    try:
        service = None
        if store is not None and not args.no_cases:
            from ..cases.service import CaseService

            service = CaseService(store, rt.calendar, args.actor or current_actor())
        for decision, skip in sweep(sources, engine, as_of, summary, service):
            if decision is not None:
                writer.decision(decision)
            else:
                assert skip is not None
                writer.skip(skip)
        writer.finish(summary)
        _save_checkpoints(sources, summary, store, args.actor or current_actor())
        if service is not None:
            service.store.audit(
                "sweep.summary",
                service.actor,
                pack=", ".join(f"{p['id']}@{p['version']}" for p in summary.packs),
                details=audit_details(summary),
            )
    finally:
        if store is not None:
            store.close()
        close()
    if args.output:
        note(f"wrote {args.format} to {args.output}: {short(summary)}")
    for report in summary.sources:
        if report.error:
            note(f"error: source {report.name}: {report.error} (the sweep is incomplete)")
    if summary.skipped:
        note(f"error: {summary.skipped} record(s) skipped (the sweep is incomplete)")
    if not summary.complete:
        return EXIT_ERROR
    tripped = {"block": ("block",), "warn": ("block", "warn")}.get(args.fail_on or "", ())
    if any(summary.decisions.get(verdict) for verdict in tripped):
        return EXIT_BLOCK
    return EXIT_OK


def _save_checkpoints(sources: list[Any], summary: Summary, store: Any, actor: str) -> None:
    """A configured source read to the end, all of it decided, moves its checkpoint on."""
    if store is None:
        return
    complete = {report.name for report in summary.sources if report.complete and not report.skipped}
    for source in sources:
        checkpoint = getattr(source, "checkpoint", None)
        if checkpoint is not None and source.name in complete:
            store.save_checkpoint(source.name, checkpoint, actor)


def audit_details(summary: Summary) -> dict[str, object]:
    data = summary.to_json()
    return {
        key: data[key]
        for key in ("as_of", "complete", "records", "decisions", "cases", "skipped", "sources")
    }


def short(summary: Summary) -> str:
    d = summary.decisions
    return (
        f"{summary.records} records: {d.get('block', 0)} block, {d.get('warn', 0)} warn, "
        f"{d.get('allow', 0)} allow; {summary.skipped} skipped"
    )
