"""``cyberreview cases``: review cases, their procedure, clocks and material."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ..cases.base import MATERIAL_KINDS, Case
from ..cases.lifecycle import STATES
from ..env import current_actor, redact_url
from ..errors import UsageError
from ..runtime import Runtime
from ._cases_sync import add_sync_parser
from ._common import (
    EXIT_OK,
    add_actor_option,
    add_command,
    add_store_options,
    iso_date,
)
from ._render import printable
from .commands import COMMANDS

NAME = "cases"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Review cases are opened by the rules (risk assessment, review, remediation),
one open case per record and kind, and followed through the procedure of the
Measures: open -> declared -> under_review (-> special_review) -> passed or
failed; not_required when the Office finds no review necessary; supplementing
while the Office waits for more material (the clocks stop); withdrawn.
Deadlines are counted in Chinese working days.  A case that passed or was
found not required clears its record for the gate and the sweep; failed
blocks it.

Material is confidential (Measures 2020 Art. 16, 2021 Art. 17): it is kept in
the case store, listed only by "cases show --materials", and never logged.
"cases show" cites the articles of the Measures the case runs under: those in
force when it was declared (before that, on the --as-of date).
"""
EXAMPLES = """\
examples:
  cyberreview cases list --overdue
  cyberreview cases show CR-000001
  cyberreview cases transition CR-000001 declared --on 2026-01-20 --note "filed with the Office"
  cyberreview cases transition CR-000001 under_review --on 2026-02-03 --complex
  cyberreview cases attach CR-000001 impact_analysis analysis.pdf
  cyberreview cases sync --tracker jira
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    ls = add_command(
        verbs,
        "list",
        "list cases, oldest first",
        "List cases, oldest first: id, kind, state, the running period and its deadline, "
        "record, rule.  Material is never listed.",
        "examples:\n  cyberreview cases list --state under_review\n"
        "  cyberreview cases list --overdue --as-of 2026-06-30 --format json\n",
    )
    ls.add_argument("--state", choices=STATES, help="only cases in this state")
    ls.add_argument("--kind", choices=("assessment", "review", "remediation"))
    ls.add_argument("--overdue", action="store_true", help="only cases whose period has elapsed")
    ls.add_argument("--as-of", type=iso_date, help="clocks as of this date (default today)")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(ls)
    ls.set_defaults(run=run_list)

    show = add_command(
        verbs,
        "show",
        "show one case: procedure, clocks, checklist, history",
        "Show one case: its record, the rule that opened it, where it stands, its "
        "statutory clocks (working days; provisional when a year has no official "
        "schedule yet), the materials checklist (Art. 7 of the 2020 Measures, Art. 8 of "
        "the 2021 revision: those the case runs under) and its history.",
        "examples:\n  cyberreview cases show CR-000001\n"
        "  cyberreview cases show CR-000001 --format json --as-of 2026-03-31\n"
        "  cyberreview cases show CR-000001 --materials\n",
    )
    show.add_argument("case_id", metavar="CASE_ID")
    show.add_argument("--as-of", type=iso_date, help="clocks as of this date (default today)")
    show.add_argument(
        "--materials", action="store_true", help="also list the attached files (confidential)"
    )
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(show)
    show.set_defaults(run=run_show)

    move = add_command(
        verbs,
        "transition",
        "move a case to its next state",
        "Move a case through the procedure.  The allowed next states depend on where it "
        "stands; a wrong one is refused with the list of allowed ones.  Every step records "
        "its date, the actor and the note, in the case history and the audit trail.",
        "examples:\n  cyberreview cases transition CR-000001 declared --on 2026-01-20\n"
        "  cyberreview cases transition CR-000001 supplementing --on 2026-03-02 "
        '--note "Office asked for the source code escrow agreement"\n',
    )
    move.add_argument("case_id", metavar="CASE_ID")
    move.add_argument("state", metavar="STATE", choices=STATES, help=", ".join(STATES))
    move.add_argument("--on", type=iso_date, required=True, metavar="YYYY-MM-DD")
    move.add_argument("--note", help="what happened")
    move.add_argument(
        "--complex",
        action="store_true",
        help="with under_review: a complex case (+15 working days)",
    )
    add_store_options(move)
    add_actor_option(move)
    move.set_defaults(run=run_transition)

    extend = add_command(
        verbs,
        "extend",
        "extend a special review",
        "Extend the running special review by a number of working days (the Measures let "
        "the Office extend it for complex cases).",
        "examples:\n"
        '  cyberreview cases extend CR-000001 --days 20 --on 2026-05-11 --note "notice 12"\n',
    )
    extend.add_argument("case_id", metavar="CASE_ID")
    extend.add_argument("--days", type=int, required=True)
    extend.add_argument("--on", type=iso_date, required=True, metavar="YYYY-MM-DD")
    extend.add_argument("--note", required=True, help="the Office's notice")
    add_store_options(extend)
    add_actor_option(extend)
    extend.set_defaults(run=run_extend)

    attach = add_command(
        verbs,
        "attach",
        "attach a file of review material to a case",
        "Attach review material (Art. 7 of the 2020 Measures, Art. 8 of the 2021 revision) "
        "to a case.  It is "
        "stored in the case store, not echoed, and counts as on file for the record.",
        "examples:\n  cyberreview cases attach CR-000001 declaration declaration-form.pdf\n",
    )
    attach.add_argument("case_id", metavar="CASE_ID")
    attach.add_argument(
        "kind", metavar="KIND", choices=MATERIAL_KINDS, help=", ".join(MATERIAL_KINDS)
    )
    attach.add_argument("file", metavar="FILE", type=Path)
    attach.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    add_store_options(attach)
    add_actor_option(attach)
    attach.set_defaults(run=run_attach)

    add_sync_parser(verbs)


def _clocks(case: Case, rt: Runtime, as_of: dt.date) -> list[Any]:
    from ..cases.views import clocks

    return clocks(case, rt.calendar, as_of)


def _running(case: Case, rt: Runtime, as_of: dt.date) -> Any:
    from ..cases.views import running

    return running(case, rt.calendar, as_of)


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    as_of = args.as_of or dt.date.today()
    store = rt.store()
    try:
        cases = store.list_cases(state=args.state, kind=args.kind)
    finally:
        store.close()
    rows = [(case, _running(case, rt, as_of)) for case in cases]
    if args.overdue:
        rows = [(case, clock) for case, clock in rows if clock is not None and clock.elapsed]
    if args.format == "json":
        from ..cases.views import case_row

        data = [case_row(case, clock) for case, clock in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not rows:
        sys.stdout.write(f"no cases in {redact_url(store.url)}\n")
        return EXIT_OK
    width = max(len(printable(case.record_id)) for case, _ in rows)
    for case, clock in rows:
        when = ""
        if clock is not None:
            late = " OVERDUE" if clock.elapsed else ""
            mark = "?" if clock.provisional else ""
            when = f"{clock.period} until {clock.deadline}{mark}{late}"
        sys.stdout.write(
            f"{case.id}  {case.kind:<11} {case.state:<14} {printable(case.record_id).ljust(width)}"
            f"  {printable(case.rule):<22} {when}".rstrip()
            + "\n"
        )
    return EXIT_OK


def _status(clock: Any, as_of: dt.date) -> str:
    if clock.paused:
        return "paused (supplementing)"
    if clock.elapsed:
        return "ELAPSED" if clock.running else "ended late"
    if clock.running:
        return "running"
    return "to come" if as_of <= clock.started_on and clock.ended_on is None else "done"


def _text(case: Case, clocks: list[Any], materials: bool, as_of: dt.date) -> str:
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
        ("record digest", case.record_digest),
    ]
    out = "".join(
        f"{name:<14} {printable(str(value)) if value is not None else '-'}\n"
        for name, value in rows
    )
    if clocks:
        out += f"\nclocks (working days, as of {as_of})\n"
        for clock in clocks:
            status = _status(clock, as_of)
            notes = (
                " provisional: runs into a year without an official schedule"
                if clock.provisional
                else ""
            )
            out += (
                f"  {clock.period:<19} {clock.days:>3} days  from {clock.started_on}  "
                f"until {clock.deadline}  {status}{notes}\n"
            )
    if case.kind == "review":
        from ..cases.views import checklist, measures

        which = measures(case, as_of)
        out += f"\nmaterials ({which.cite(which.materials)})\n"
        for kind, where in checklist(case).items():
            note = {"attached": "  (attached)", "source": "  (listed by the source)"}.get(
                where or "", ""
            )
            out += f"  [{'x' if where else ' '}] {kind}{note}\n"
    if materials and case.materials:
        out += "\nattached files (confidential)\n"
        for item in case.materials:
            line = (
                f"  {item.kind:<22} {item.filename}  {item.size} bytes  "
                f"sha256:{item.sha256[:16]}  {item.attached_on} by {item.actor}"
            )
            out += printable(line) + "\n"
    out += "\nhistory\n"
    for event in case.events:
        step = (
            f"{event.from_state} -> {event.to_state}" if event.kind == "transition" else event.kind
        )
        extra = ""
        if event.details.get("complex"):
            extra = " (complex)"
        elif event.kind == "extend":
            extra = f" (+{event.details.get('days')} working days)"
        elif event.kind == "attach":
            extra = f" ({event.details.get('material')})"
        note = f": {event.note}" if event.note else ""
        out += printable(f"  {event.on}  {step}{extra} by {event.actor}{note}") + "\n"
    return out


def run_show(args: argparse.Namespace, rt: Runtime) -> int:
    as_of = args.as_of or dt.date.today()
    store = rt.store()
    try:
        case = store.get(args.case_id)
    finally:
        store.close()
    clocks = _clocks(case, rt, as_of)
    if args.format == "json":
        from ..cases.views import case_detail

        data = case_detail(case, rt.calendar, as_of, materials=args.materials)
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_text(case, clocks, args.materials, as_of))
    return EXIT_OK


def run_transition(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        case = store.transition(
            args.case_id,
            args.state,
            on=args.on,
            actor=args.actor or current_actor(),
            note=args.note,
            complex_review=args.complex,
        )
    finally:
        store.close()
    clock = _running(case, rt, args.on)
    tail = ""
    if case.state == "supplementing":
        from ..models.measures import measures_on

        which = measures_on(args.on)
        tail = (
            "; the clocks stand still until the material is supplied "
            f"({which.cite(which.supplementing)})"
        )
    elif clock is not None:
        mark = " (provisional)" if clock.provisional else ""
        tail = f"; {clock.period} until {clock.deadline}{mark}"
    sys.stdout.write(f"{case.id} is {case.state} from {args.on}{tail}\n")
    return EXIT_OK


def run_extend(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        case = store.extend(
            args.case_id, args.days, args.on, args.actor or current_actor(), args.note
        )
    finally:
        store.close()
    clock = _running(case, rt, args.on)
    tail = f": {clock.period} until {clock.deadline}" if clock else ""
    sys.stdout.write(f"{case.id} extended by {args.days} working days{tail}\n")
    return EXIT_OK


def run_attach(args: argparse.Namespace, rt: Runtime) -> int:
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    store = rt.store()
    try:
        material = store.attach(
            args.case_id,
            args.kind,
            args.file.name,
            content,
            on=args.on or dt.date.today(),
            actor=args.actor or current_actor(),
        )
    finally:
        store.close()
    sys.stdout.write(f"{args.case_id}: {material.kind} on file ({material.size} bytes)\n")
    return EXIT_OK
