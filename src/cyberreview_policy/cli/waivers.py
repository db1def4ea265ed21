"""``cyberreview waivers request|approve|reject|list|revoke|import|export``: exceptions
to overridable rules, requested by one identity and approved by another, kept in the
case store."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..waivers import IMPORTED_SUFFIX, LEGACY_DIR, LEGACY_FILE, MAX_DAYS
from ..waivers.admin import EXPIRING_DAYS
from ._common import add_actor_option, add_command, add_store_options, iso_date
from ._waivers_run import (
    run_add,
    run_decide,
    run_export,
    run_import,
    run_list,
    run_request,
    run_revoke,
)
from .commands import COMMANDS

NAME = "waivers"
HELP = COMMANDS[NAME]
DESCRIPTION = f"""\
A waiver sets aside the findings of one overridable rule on the records in its
scope -- one record, or every record of a product model, vendor or operator --
until it expires, at most {MAX_DAYS} days after it starts.  An expired
waiver no longer applies and is reported as a warning.  Rules that are not
overridable (review-required, review-failed, in-use-without-review, ...) can
never be waived, and some only for some records (risk-anticipation not while
the product is in use).

One identity requests a waiver (`waivers request`); another approves it
(`waivers approve`) or rejects it (`waivers reject`).  The identity is --actor,
else $CYBERREVIEW_ACTOR, else your login name, as for every change of the case
store; an identity deciding on its own request is refused, and of two
approvals at once one wins, the other is refused.  Only an approved waiver
sets findings aside, and only until it expires.  `waivers list` warns of those
that expire within {EXPIRING_DAYS} days.

Waivers live in the case store, so every gate, sweep and service on it sees
the same ones; the store numbers them (W-0001, ...).  Every change is one
transaction, recorded in the audit trail.  To review waivers in git, export
them to a file and import the reviewed file: new waivers are added, a
`revoked:` block revokes, a requested waiver is never changed.

Upgrading from a version that kept waivers in $CYBERREVIEW_HOME/{LEGACY_FILE}
and {LEGACY_DIR}/*.yaml: run `cyberreview waivers import` once.  Until then,
deciding is refused (those files are no longer read).
"""
REQUEST_EXAMPLES = """\
examples:
  cyberreview waivers request --rule commitments --record PO-2021-0117/1 \\
      --reason "amendment with the Art. 6 commitments signed, filed in DMS-4411" \\
      --ticket CHG-2041 --expires 2021-12-31
  cyberreview waivers request --rule factors-contradict --product-model UOM-6500 \\
      --reason "remote access disabled by design" --expires 2022-03-31
"""
EXAMPLES = (
    REQUEST_EXAMPLES
    + """\
  CYBERREVIEW_ACTOR="Li Wei (CISO)" cyberreview waivers approve W-0001 --note "checked DMS-4411"
  cyberreview waivers reject W-0002 --note "remote access is enabled on site 3"
  cyberreview waivers list
  cyberreview waivers revoke W-0001 --reason "vendor changed the product"
  cyberreview waivers export -o waivers/production.yaml
  cyberreview waivers import waivers/production.yaml
  cyberreview waivers import          # once, after upgrading: the files in $CYBERREVIEW_HOME
"""
)


def _decide_parser(verbs: argparse._SubParsersAction, verb: str, help: str) -> None:  # type: ignore[type-arg]
    approve = verb == "approve"
    p = add_command(
        verbs,
        verb,
        help,
        f"{help.capitalize()} as the acting identity, which must not be the one that "
        "requested it; a waiver is decided once."
        + (" From then on, until it expires, it sets findings aside." if approve else ""),
        f"examples:\n  cyberreview waivers {verb} W-0001 --note "
        + ('"checked DMS-4411"\n' if approve else '"not the product on site"\n'),
    )
    p.add_argument("waiver_id", metavar="WAIVER_ID")
    p.add_argument(
        "--note",
        required=not approve,
        help="what was checked" if approve else "why it is rejected (required)",
    )
    add_store_options(p)
    add_actor_option(p)
    p.set_defaults(run=run_decide, approve=approve)


def _request_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--rule", required=required, help="the rule id")
    p.add_argument("--pack", help="only this pack's rule of that id")
    p.add_argument("--record", help="scope: one record id")
    p.add_argument("--product-model", help="scope: every record of this product model")
    p.add_argument("--vendor", help="scope: every record of this vendor")
    p.add_argument("--operator", help="scope: every record of this operator")
    p.add_argument("--reason", required=required)
    p.add_argument("--ticket", help="the change or approval ticket")
    p.add_argument("--expires", type=iso_date, required=required, metavar="YYYY-MM-DD")
    p.add_argument(
        "--created", type=iso_date, metavar="YYYY-MM-DD", help="when it starts (default today)"
    )
    add_store_options(p)
    add_actor_option(p)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    req = add_command(
        verbs,
        "request",
        "request a waiver (another identity approves it)",
        "Request a waiver of an overridable rule, checked against the registered packs; the "
        "case store gives it the next id. It sets nothing aside until another identity "
        "approves it.",
        REQUEST_EXAMPLES,
    )
    _request_options(req, required=True)
    req.set_defaults(run=run_request)
    _decide_parser(verbs, "approve", "approve a requested waiver")
    _decide_parser(verbs, "reject", "reject a requested waiver")
    add = add_command(
        verbs,
        "add",
        "replaced by request and approve",
        "Replaced: one identity requests a waiver (`waivers request`), another approves it "
        "(`waivers approve`).",
        "examples:\n  cyberreview waivers request --help\n",
    )
    _request_options(add, required=False)
    add.add_argument("--approver", help=argparse.SUPPRESS)
    add.set_defaults(run=run_add)
    ls = add_command(
        verbs,
        "list",
        "list waivers, who asked, who approved, and whether each applies",
        "List every waiver: scope, rule, reason, ticket, requester, approver, its state on a "
        "date (requested, rejected, active, expired, revoked or not yet) and expiry; warn "
        f"(on stderr) of those that expire within {EXPIRING_DAYS} days. JSON gives each its "
        "`warning` (or null).",
        "examples:\n  cyberreview waivers list\n"
        "  cyberreview waivers list --as-of 2022-01-01 --format json\n",
    )
    ls.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(ls)
    ls.set_defaults(run=run_list)
    revoke = add_command(
        verbs,
        "revoke",
        "revoke a waiver",
        "Revoke a waiver from a date on (default today). A waiver is revoked once.",
        'examples:\n  cyberreview waivers revoke W-0002 --reason "vendor changed the product"\n',
    )
    revoke.add_argument("waiver_id", metavar="WAIVER_ID")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    add_store_options(revoke)
    add_actor_option(revoke)
    revoke.set_defaults(run=run_revoke)
    imp = add_command(
        verbs,
        "import",
        "bring waiver files into the case store",
        "Read waiver files (YAML, as `waivers export` writes them) and bring them into the "
        "case store, each file in one transaction: a waiver with a new id is added, a "
        "`revoked:` block revokes a stored waiver, one that is already stored is left; one "
        "that differs from the stored waiver of its id is refused, naming its file, line "
        "and field (a requested waiver is never changed: revoke it, request a new one). A "
        "new waiver comes in as the file says (status, requester, approver; a file of an "
        "earlier version holds approved waivers), so review the file before importing it; "
        "a file never decides on a stored waiver. Every "
        "waiver is checked against the registered packs first. Without FILE: the files "
        f"of earlier versions, $CYBERREVIEW_HOME/{LEGACY_FILE} and {LEGACY_DIR}/*.yaml, "
        f"which are then renamed *{IMPORTED_SUFFIX}.",
        "examples:\n  cyberreview waivers import waivers/production.yaml\n"
        "  cyberreview waivers import      # after upgrading\n",
    )
    imp.add_argument("files", nargs="*", type=Path, metavar="FILE")
    add_store_options(imp)
    add_actor_option(imp)
    imp.set_defaults(run=run_import)
    exp = add_command(
        verbs,
        "export",
        "write every waiver as a waiver file",
        "Write every waiver of the case store, revoked ones too, as a waiver file (YAML), "
        "to review in git and bring back with `waivers import`.",
        "examples:\n  cyberreview waivers export -o waivers/production.yaml\n",
    )
    exp.add_argument("-o", "--output", type=Path, metavar="FILE", help="default stdout")
    add_store_options(exp)
    exp.set_defaults(run=run_export)
