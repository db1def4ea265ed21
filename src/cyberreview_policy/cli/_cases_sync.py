"""``cyberreview cases sync``: mirror the cases in the configured trackers (Jira, ...)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, TextIO

from ..env import current_actor
from ..runtime import Runtime
from ._common import EXIT_ERROR, EXIT_OK, add_actor_option, add_command, add_store_options, iso_date


def add_sync_parser(verbs: Any) -> None:
    sync = add_command(
        verbs,
        "sync",
        "mirror cases in the configured issue trackers",
        "Push every case to the trackers configured under `trackers:` in cyberreview.yaml "
        "(a plugin provides each type, e.g. jira): an issue is created for each open case "
        "not yet mirrored, and updated when its state or deadline changed; an issue is "
        "never created twice (the tracker is searched by the case's fingerprint label "
        "first).  Issues carry the case id, record id, rule, citations, state and "
        "statutory deadline only: never names, amounts or material (Measures 2020 "
        "Art. 16, 2021 Art. 17).  "
        "Exit 3 when a case could not be synced.",
        "examples:\n  cyberreview cases sync\n  cyberreview cases sync --tracker jira\n",
    )
    sync.add_argument("--tracker", metavar="NAME", help="only this tracker (default: all)")
    sync.add_argument("--as-of", type=iso_date, help="clocks as of this date (default today)")
    add_store_options(sync)
    add_actor_option(sync)
    sync.set_defaults(run=run_sync)


def sync_and_report(
    rt: Runtime,
    store: Any,
    actor: str,
    as_of: dt.date,
    *,
    only: str | None = None,
    out: TextIO | None = None,
) -> bool:
    """Sync, write one line per tracker on ``out`` and one per failed case on stderr;
    ``True`` if every case of every tracker was synced."""
    from ..trackers.host import sync_trackers

    results = sync_trackers(rt, store, actor, as_of, only)
    if not results:
        sys.stderr.write("cyberreview: note: no trackers configured (trackers: in the config)\n")
    for result in results:
        (out or sys.stdout).write(result.line() + "\n")
        for case_id, reason in result.failed:
            sys.stderr.write(f"cyberreview: {result.tracker}: {case_id}: {reason}\n")
    return all(result.ok for result in results)


def run_sync(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        ok = sync_and_report(
            rt,
            store,
            args.actor or current_actor(),
            args.as_of or dt.date.today(),
            only=args.tracker,
        )
    finally:
        store.close()
    return EXIT_OK if ok else EXIT_ERROR
