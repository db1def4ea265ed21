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
        "recompute the hash chain; exit 1 naming the first broken entry",
        "Recompute every entry's hash and its link to the one before, and compare the "
        "end of the chain with the head the store recorded.  Exit 0 when intact, 1 when "
        "not (naming the first entry that does not fit).",
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

    store = rt.store()
    try:
        verdict = verify(store.audit_entries(), store.audit_head())
    finally:
        store.close()
    where = redact_url(store.url)
    if verdict.ok:
        sys.stdout.write(f"audit trail intact: {verdict.entries} entries in {where}\n")
        return EXIT_OK
    sys.stdout.write(f"audit trail BROKEN at entry {verdict.broken}: {verdict.reason} ({where})\n")
    return EXIT_WARN


def run_export(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        for entry in store.audit_entries(args.since):
            sys.stdout.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
    finally:
        store.close()
    return EXIT_OK
