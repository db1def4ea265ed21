"""``cyberreview cases list|show``: the review cases the gate and the sweep opened."""

from __future__ import annotations

import argparse
import json
import sys

from ..cases.base import Case
from ..runtime import Runtime, default_store_url
from ._common import EXIT_OK, add_command

NAME = "cases"
HELP = "list and show review cases (embedded store: $CYBERREVIEW_HOME/cases.db)"
DESCRIPTION = """\
Review cases are opened by the open_case actions of rules (risk assessment,
review, remediation), one open case per record and kind.  The embedded store
is a SQLite file in $CYBERREVIEW_HOME (default ~/.cyberreview).
"""
EXAMPLES = """\
examples:
  cyberreview cases list
  cyberreview cases list --kind review --format json
  cyberreview cases show CR-000001
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    ls = add_command(
        verbs,
        "list",
        "list cases, oldest first",
        "List cases, oldest first: id, kind, state, opened on, record, rule. "
        "Review material is never listed.",
        "examples:\n  cyberreview cases list --state open\n"
        "  cyberreview cases list --kind remediation --format json\n",
    )
    ls.add_argument("--state", help="only cases in this state (e.g. open)")
    ls.add_argument("--kind", choices=("assessment", "review", "remediation"))
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(run=run_list)
    show = add_command(
        verbs,
        "show",
        "show one case",
        "Show one case: its record, the rule and pack that opened it, its dates.",
        "examples:\n  cyberreview cases show CR-000001\n"
        "  cyberreview cases show CR-000001 --format json\n",
    )
    show.add_argument("case_id", metavar="CASE_ID")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(run=run_show)


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        cases = store.list(state=args.state, kind=args.kind)
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps([c.to_json() for c in cases], indent=2) + "\n")
        return EXIT_OK
    if not cases:
        sys.stdout.write(f"no cases in {default_store_url()}\n")
        return EXIT_OK
    width = max(len(c.record_id) for c in cases)
    for case in cases:
        sys.stdout.write(
            f"{case.id}  {case.kind:<11} {case.state:<8} {case.opened_on}  "
            f"{case.record_id.ljust(width)}  {case.rule}\n"
        )
    return EXIT_OK


def _text(case: Case) -> str:
    rows = [
        ("case", case.id),
        ("kind", case.kind),
        ("state", case.state),
        ("record", f"{case.record_id} ({case.record_key})"),
        ("operator", case.summary.get("operator")),
        ("product", case.summary.get("product")),
        ("system", case.summary.get("system")),
        ("opened by", f"rule {case.rule} of {case.pack}"),
        ("opened on", case.opened_on.isoformat()),
        ("created", case.created_at.isoformat()),
        ("updated", case.updated_at.isoformat()),
        ("record digest", case.record_digest),
    ]
    return "".join(f"{name:<14} {value if value is not None else '-'}\n" for name, value in rows)


def run_show(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        case = store.get(args.case_id)
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(case.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(_text(case))
    return EXIT_OK
