"""``cyberreview audit verify|export``: the hash-chained audit trail."""

from __future__ import annotations

import argparse
import json
import sys

from ..env import redact_url
from ..runtime import Runtime
from ._common import EXIT_OK, EXIT_WARN, add_command, add_store_options, iso_date
from .commands import COMMANDS

NAME = "audit"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Every gate decision, sweep summary, case transition, attachment, waiver change
and override is appended to the audit trail in the case store, with time,
actor, pack and a digest of the record.  Each entry carries the hash of the
one before it, so an edited or deleted entry is detected by "audit verify".
It also replays the trail and compares every case (state, kind, record,
dates, every step, material digests) and every waiver with the tables, so a
row changed in the database behind cyberreview's back is named too.
"""
EXAMPLES = """\
examples:
  cyberreview audit verify
  cyberreview audit export --since 2026-01-01 > audit-2026.jsonl
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    verify = add_command(
        verbs,
        "verify",
        "recompute the hash chain and replay it against the tables; exit 1 on a difference",
        "Recompute every entry's hash and its link to the one before, and compare the "
        "end of the chain with the head the store recorded; then replay the trail and "
        "compare every case (state, kind, record, opening date, each step and its date, "
        "material digests, recomputed from the content) and every waiver with the store's "
        "tables.  Exit 0 when all agree, 1 when not (naming the first entry that does not "
        "fit, and each case or waiver that differs).",
        "examples:\n  cyberreview audit verify\n"
        "  cyberreview audit verify --store postgresql://auditor@db.internal/cases\n",
    )
    add_store_options(verify)
    verify.set_defaults(run=run_verify)
    export = add_command(
        verbs,
        "export",
        "write the audit trail as JSON Lines",
        "Write entries (oldest first) as JSON Lines, with their hashes, so that a copy "
        "kept elsewhere can be checked against the store later.",
        "examples:\n  cyberreview audit export --since 2026-01-01 --format jsonl\n",
    )
    export.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="entries from this date"
    )
    export.add_argument("--format", choices=("jsonl",), default="jsonl")
    add_store_options(export)
    export.set_defaults(run=run_export)


def run_verify(args: argparse.Namespace, rt: Runtime) -> int:
    from ..cases.audit import verify
    from ..cases.trail import state_problems

    store = rt.store()
    try:
        entries = list(store.audit_entries())
        verdict = verify(entries, store.audit_head())
        problems = state_problems(store, entries)
    finally:
        store.close()
    where = redact_url(store.url)
    if verdict.ok:
        sys.stdout.write(f"audit trail intact: {verdict.entries} entries in {where}\n")
    else:
        sys.stdout.write(
            f"audit trail BROKEN at entry {verdict.broken}: {verdict.reason} ({where})\n"
        )
    for line in problems:
        sys.stdout.write(line + "\n")
    if problems:
        sys.stdout.write(
            f"{len(problems)} difference(s) between the store and its audit trail: "
            "changed outside cyberreview\n"
        )
    return EXIT_OK if verdict.ok and not problems else EXIT_WARN


def run_export(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        for entry in store.audit_entries(args.since):
            sys.stdout.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
    finally:
        store.close()
    return EXIT_OK
