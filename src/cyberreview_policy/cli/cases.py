"""``cyberreview cases``: review cases, their procedure, clocks, material and notices."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cases.base import MATERIAL_KINDS, NOTICE_KINDS
from ..cases.lifecycle import CONCLUSIONS, STATES, WITHDRAW_REASONS
from ._cases_dossier import add_dossier_parser
from ._cases_read import run_list, run_material, run_show
from ._cases_sync import add_sync_parser
from ._cases_write import (
    run_attach,
    run_extend,
    run_mark_complex,
    run_notice,
    run_open,
    run_transition,
)
from ._common import add_actor_option, add_command, add_pack_options, add_store_options, iso_date
from .commands import COMMANDS

NAME = "cases"
HELP = COMMANDS[NAME]
KINDS = ("assessment", "review", "remediation")
DESCRIPTION = """\
Review cases are opened by the rules (risk assessment, review, remediation),
one open case per record and kind, and followed through the procedure of the
Measures: open -> declared -> under_review (-> special_review) -> passed or
failed; not_required when the Office finds no review necessary; supplementing
while the Office waits for more material (the clocks stop); withdrawn
(--reason cancelled or superseded).  An assessment closes as assessed with
--conclusion may_affect or no_effect (which then decides the record's risk
anticipation); a remediation closes as remediated with a --note.  A closed case
is not opened again for the same facts; a review the source says is running is
adopted with the source's dates.  Deadlines are counted in Chinese working days;
one past the known official calendar is provisional.

Material is confidential (Measures 2020 Art. 16, 2021 Art. 17): it is kept in
the case store, listed only by "cases show --materials", returned only by
"cases material", and never logged.  "cases show" cites the articles of the
Measures the case runs under: those in force when it was declared (before
that, on the --as-of date).
"""
EXAMPLES = """\
examples:
  cyberreview cases list --overdue
  cyberreview cases list --operator "East Grid Power" --go-live-at-risk
  cyberreview cases show CR-000001
  cyberreview cases open po-117.json --kind review
  cyberreview cases transition CR-000001 declared --on 2026-01-20 --note "filed with the Office"
  cyberreview cases transition CR-000002 assessed --conclusion no_effect --on 2026-01-21
  cyberreview cases transition CR-000003 withdrawn --reason cancelled --on 2026-01-22
  cyberreview cases mark-complex CR-000001 --on 2026-03-02 --note "notice 网审〔2026〕9号"
  cyberreview cases notice CR-000001 --kind supplement_request --ref "网审补〔2026〕12号" \\
      --on 2026-03-02 --file request.pdf
  cyberreview cases attach CR-000001 other escrow.pdf --answers "网审补〔2026〕12号"
  cyberreview cases material CR-000001 impact_analysis@2 --output analysis-v2.pdf
  cyberreview cases dossier CR-000001 --output CR-000001.zip --record po-117.json
  cyberreview cases sync --tracker jira
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    _list_parser(verbs)
    _show_parser(verbs)
    _open_parser(verbs)
    _transition_parser(verbs)
    _complex_parser(verbs)
    _extend_parser(verbs)
    _attach_parser(verbs)
    _material_parser(verbs)
    _notice_parser(verbs)
    add_dossier_parser(verbs)
    add_sync_parser(verbs)


def _list_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ls = add_command(
        verbs,
        "list",
        "list open cases (all with --all), oldest first",
        "List cases, oldest first: id, kind, state, record, operator, product, the day it "
        "was opened, the running period and its deadline (provisional past the known "
        "official calendar; OVERDUE once it has run out), and the planned go-live (AT "
        "RISK before the earliest day the review can end).  Closed cases only with --all "
        "or --state.  Material is never listed.",
        "examples:\n  cyberreview cases list --state under_review\n"
        "  cyberreview cases list --all --record PO-2021-0117/1\n"
        "  cyberreview cases list --overdue --as-of 2026-06-30 --format json\n",
    )
    ls.add_argument("--state", choices=STATES, help="only cases in this state")
    ls.add_argument("--kind", choices=KINDS)
    ls.add_argument("--operator", metavar="NAME", help="only this operator's cases")
    ls.add_argument("--system", metavar="NAME", help="only cases of this system")
    ls.add_argument("--record", metavar="ID", help="only this record's cases")
    ls.add_argument("--overdue", action="store_true", help="only cases whose period has elapsed")
    ls.add_argument(
        "--go-live-at-risk",
        action="store_true",
        help="only cases whose planned go-live comes before the review can end",
    )
    ls.add_argument("--all", action="store_true", help="closed cases too")
    ls.add_argument("--as-of", type=iso_date, help="clocks as of this date (default today)")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(ls)
    ls.set_defaults(run=run_list)


def _show_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    show = add_command(
        verbs,
        "show",
        "show one case: procedure, clocks, checklist, notices, history",
        "Show one case: its record, the rule that opened it, where it stands, its "
        "statutory clocks (working days; actual or projected; provisional when a year has "
        "no official schedule yet), the materials checklist of the Measures it is under "
        "(2020 Art. 7 or 2021 Art. 8), the Office's notices and its history.",
        "examples:\n  cyberreview cases show CR-000001\n"
        "  cyberreview cases show CR-000001 --format json --as-of 2026-03-31\n"
        "  cyberreview cases show CR-000001 --materials\n",
    )
    show.add_argument("case_id", metavar="CASE_ID")
    show.add_argument("--as-of", type=iso_date, help="clocks as of this date (default today)")
    show.add_argument(
        "--materials",
        action="store_true",
        help="also list the attached files and their versions (confidential)",
    )
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(show)
    show.set_defaults(run=run_show)


def _open_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    opened = add_command(
        verbs,
        "open",
        "open a case for a record by hand",
        "Open a case of a kind for a record (a record file, or --source NAME with the "
        "record's id), or show the one that is open.  A review the record says is "
        "running (declared, under review, special review) is adopted with the record's "
        "dates.  The case is named after the rule that asks for that kind, if one does.",
        "examples:\n  cyberreview cases open po-117.json --kind review\n"
        '  cyberreview cases open "P00012/1" --source tryton --kind assessment\n',
    )
    opened.add_argument("record", metavar="RECORD", help="a record file (or - for stdin), or an id")
    opened.add_argument("--source", metavar="NAME", help="fetch RECORD (an id) from this source")
    opened.add_argument("--kind", choices=KINDS, required=True)
    add_pack_options(opened)
    add_store_options(opened)
    add_actor_option(opened)
    opened.set_defaults(run=run_open)


def _transition_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    move = add_command(
        verbs,
        "transition",
        "move a case to its next state",
        "Move a case through the procedure.  The allowed next states depend on its kind "
        "and where it stands; a wrong one is refused with the list of allowed ones.  A "
        "step is dated when it happened, never after today (--planned records a step "
        "still to come, shown as projected; the same transition later confirms it).  "
        "Every step records its date, the actor and the note, in the case history and "
        "the audit trail.  passed, failed and not_required ask for the Office's notice "
        "(a warning when none is on file).",
        "examples:\n  cyberreview cases transition CR-000001 declared --on 2026-01-20\n"
        "  cyberreview cases transition CR-000001 supplementing --on 2026-03-02 "
        '--note "Office asked for the source code escrow agreement"\n'
        "  cyberreview cases transition CR-000002 assessed --conclusion may_affect "
        "--on 2026-01-21\n"
        '  cyberreview cases transition CR-000004 remediated --on 2026-01-23 --note "use '
        'stopped"\n',
    )
    move.add_argument("case_id", metavar="CASE_ID")
    move.add_argument("state", metavar="STATE", choices=STATES, help=", ".join(STATES))
    move.add_argument("--on", type=iso_date, required=True, metavar="YYYY-MM-DD")
    move.add_argument("--note", help="what happened (required with remediated)")
    move.add_argument(
        "--conclusion", choices=CONCLUSIONS, help="with assessed: the risk anticipated"
    )
    move.add_argument("--reason", choices=WITHDRAW_REASONS, help="with withdrawn: why")
    move.add_argument(
        "--planned", action="store_true", help="a step still to come (a date after today)"
    )
    move.add_argument(
        "--complex",
        action="store_true",
        help="with under_review: a complex case (+15 working days; or cases mark-complex)",
    )
    add_store_options(move)
    add_actor_option(move)
    move.set_defaults(run=run_transition)


def _complex_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    marked = add_command(
        verbs,
        "mark-complex",
        "mark a review complex (+15 working days of preliminary review)",
        "Mark a review complex when the Office says so: at any time before its "
        "preliminary review ends (Art. 10; Art. 11 of the 2021 revision).",
        'examples:\n  cyberreview cases mark-complex CR-000001 --on 2026-03-02 --note "notice 9"\n',
    )
    marked.add_argument("case_id", metavar="CASE_ID")
    marked.add_argument("--on", type=iso_date, required=True, metavar="YYYY-MM-DD")
    marked.add_argument("--note", help="the Office's notice")
    add_store_options(marked)
    add_actor_option(marked)
    marked.set_defaults(run=run_mark_complex)


def _extend_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    extend = add_command(
        verbs,
        "extend",
        "extend a special review",
        "Extend the running special review by a number of working days (the Measures let "
        "the Office extend it for complex cases); refused once it has run out.",
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


def _attach_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    attach = add_command(
        verbs,
        "attach",
        "attach a file of review material to an open case",
        "Attach review material (Art. 7 of the 2020 Measures, Art. 8 of the 2021 "
        "revision), the provider's "
        "commitment letter or another file to an open case.  A second file of a kind is "
        "its next version; the same file again, an empty file, or a closed case is "
        "refused.  It is stored in the case store, not echoed, and counts as on file for "
        "the record.",
        "examples:\n  cyberreview cases attach CR-000001 declaration declaration-form.pdf\n"
        '  cyberreview cases attach CR-000001 other escrow.pdf --answers "网审补〔2026〕12号"\n',
    )
    attach.add_argument("case_id", metavar="CASE_ID")
    attach.add_argument(
        "kind", metavar="KIND", choices=MATERIAL_KINDS, help=", ".join(MATERIAL_KINDS)
    )
    attach.add_argument("file", metavar="FILE", type=Path)
    attach.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    attach.add_argument(
        "--answers", metavar="REF", help="the Office's supplement request this file answers"
    )
    add_store_options(attach)
    add_actor_option(attach)
    attach.set_defaults(run=run_attach)


def _material_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    material = add_command(
        verbs,
        "material",
        "write an attached file out, byte for byte",
        "Write a file of a case's material to --output (never over an existing file; "
        "created owner-only): NAME is a kind (its newest version) or KIND@VERSION, as "
        "cases show --materials lists them.",
        "examples:\n  cyberreview cases material CR-000001 declaration --output form.pdf\n"
        "  cyberreview cases material CR-000001 impact_analysis@1 --output analysis-v1.pdf\n",
    )
    material.add_argument("case_id", metavar="CASE_ID")
    material.add_argument("name", metavar="NAME", help="KIND or KIND@VERSION")
    material.add_argument("--output", "-o", required=True, type=Path, metavar="FILE")
    add_store_options(material)
    material.set_defaults(run=run_material)


def _notice_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notice = add_command(
        verbs,
        "notice",
        "record a notice of the Cybersecurity Review Office",
        "Record the Office's notice on a case: accepted (the declaration), review_decision "
        "(whether a review is needed), supplement_request (more material: attach the "
        "answer with --answers REF) or conclusion, with its reference number and date, "
        "and the letter itself with --file.",
        "examples:\n  cyberreview cases notice CR-000001 --kind accepted --ref "
        '"网审受〔2026〕3号" --on 2026-01-22\n'
        "  cyberreview cases notice CR-000001 --kind conclusion --ref "
        '"网审结〔2026〕7号" --on 2026-04-20 --file conclusion.pdf\n',
    )
    notice.add_argument("case_id", metavar="CASE_ID")
    notice.add_argument("--kind", choices=NOTICE_KINDS, required=True)
    notice.add_argument("--ref", required=True, help="the notice's reference number")
    notice.add_argument("--on", type=iso_date, required=True, metavar="YYYY-MM-DD")
    notice.add_argument("--file", type=Path, metavar="FILE", help="the letter (kept as material)")
    notice.add_argument("--note", help="what it says, in a line")
    notice.add_argument(
        "--requests",
        action="append",
        choices=MATERIAL_KINDS,
        metavar="KIND",
        help="a supplement_request: a material kind it asks for (repeatable); the "
        "provider's commitment_letter makes the vendor the one who acts",
    )
    add_store_options(notice)
    add_actor_option(notice)
    notice.set_defaults(run=run_notice)
