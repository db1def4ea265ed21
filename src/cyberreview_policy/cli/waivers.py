"""``cyberreview waivers add|list|revoke``: approved exceptions to overridable rules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from ..env import current_actor, home_dir
from ..errors import UsageError, WaiverError
from ..runtime import Runtime
from ..waivers import MANAGED_FILE, MAX_DAYS, Scope, load_all, waiver_files
from ._common import EXIT_OK, add_actor_option, add_command, add_store_options, iso_date
from .commands import COMMANDS

NAME = "waivers"
HELP = COMMANDS[NAME]
DESCRIPTION = f"""\
A waiver sets aside the findings of one overridable rule on the records in its
scope -- one record, or every record of a product model, vendor or operator --
until it expires, at most {MAX_DAYS} days after it was granted.  An expired
waiver no longer applies and is reported as a warning.  Rules that are not
overridable (review-required, review-failed, in-use-without-review, ...) can
never be waived, and some only for some records (risk-anticipation not while
the product is in use).

Waivers live in $CYBERREVIEW_HOME/{MANAGED_FILE} (managed by these commands)
and $CYBERREVIEW_HOME/waivers.d/*.yaml (kept by hand).  Every change is
recorded in the audit trail.
"""
EXAMPLES = """\
examples:
  cyberreview waivers add --rule commitments --record PO-2021-0117/1 \\
      --reason "amendment with the Art. 6 commitments signed, filed in DMS-4411" \\
      --approver "Li Wei (CISO)" --ticket CHG-2041 --expires 2021-12-31
  cyberreview waivers add --rule factors-contradict --product-model UOM-6500 \\
      --reason "remote access disabled by design" --approver "Li Wei" --expires 2022-03-31
  cyberreview waivers list
  cyberreview waivers revoke W-0002 --reason "vendor changed the product"
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    add = add_command(
        verbs,
        "add",
        "grant a waiver",
        "Grant a waiver of an overridable rule, checked against the registered packs.",
        EXAMPLES.split("\n  cyberreview waivers list", maxsplit=1)[0] + "\n",
    )
    add.add_argument("--rule", required=True, help="the rule id")
    add.add_argument("--pack", help="only this pack's rule of that id")
    add.add_argument("--record", help="scope: one record id")
    add.add_argument("--product-model", help="scope: every record of this product model")
    add.add_argument("--vendor", help="scope: every record of this vendor")
    add.add_argument("--operator", help="scope: every record of this operator")
    add.add_argument("--reason", required=True)
    add.add_argument("--approver", required=True)
    add.add_argument("--ticket", help="the change or approval ticket")
    add.add_argument("--expires", type=iso_date, required=True, metavar="YYYY-MM-DD")
    add.add_argument("--created", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    add_store_options(add)
    add_actor_option(add)
    add.set_defaults(run=run_add)
    ls = add_command(
        verbs,
        "list",
        "list waivers and whether each applies",
        "List every waiver with its state on a date: active, expired, revoked or not yet.",
        "examples:\n  cyberreview waivers list\n"
        "  cyberreview waivers list --as-of 2022-01-01 --format json\n",
    )
    ls.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(run=run_list)
    revoke = add_command(
        verbs,
        "revoke",
        "revoke a waiver",
        f"Revoke a waiver of {MANAGED_FILE} from a date on (default today).",
        'examples:\n  cyberreview waivers revoke W-0002 --reason "vendor changed the product"\n',
    )
    revoke.add_argument("waiver_id", metavar="WAIVER_ID")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    add_store_options(revoke)
    add_actor_option(revoke)
    revoke.set_defaults(run=run_revoke)


def run_add(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import add_waiver

    scope = Scope(args.record, args.product_model, args.vendor, args.operator)
    store = rt.store()
    try:
        waiver = add_waiver(
            rt.catalog,
            store,
            rule=args.rule,
            scope=scope,
            reason=args.reason,
            approver=args.approver,
            expires=args.expires,
            actor=args.actor or current_actor(),
            created=args.created,
            ticket=args.ticket,
            pack=args.pack,
        )
    finally:
        store.close()
    sys.stdout.write(
        f"{waiver.id}: {waiver.rule} waived for {scope.describe()} until {waiver.expires}\n"
    )
    return EXIT_OK


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    on = args.as_of or dt.date.today()
    waivers = load_all(waiver_files(home_dir()))
    if args.format == "json":
        data = [{**w.to_yaml(), "state": w.state(on), "file": str(w.location)} for w in waivers]
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not waivers:
        sys.stdout.write("no waivers\n")
    for w in waivers:
        sys.stdout.write(
            f"{w.id:<8} {w.state(on):<8} {w.rule:<20} {w.scope.describe():<32} "
            f"until {w.expires}  approved by {w.approver}\n"
        )
    return EXIT_OK


def run_revoke(args: argparse.Namespace, rt: Runtime) -> int:
    from dataclasses import replace

    from ..waivers.admin import managed_path, write_managed

    on = args.on or dt.date.today()
    managed = load_all([managed_path()]) if managed_path().is_file() else []
    target = next((w for w in managed if w.id == args.waiver_id), None)
    if target is None:
        others = {w.id: w for w in load_all(waiver_files(home_dir()))}
        if args.waiver_id in others:
            raise WaiverError(
                f"waiver {args.waiver_id} is kept by hand: revoke it by editing its file",
                others[args.waiver_id].location,
            )
        raise UsageError(f"no waiver {args.waiver_id!r} in {managed_path()}")
    actor = args.actor or current_actor()
    revoked = replace(target, revoked_on=on, revoked_by=actor, revoked_reason=args.reason)
    store = rt.store()
    try:
        write_managed(
            managed_path(),
            [revoked if w.id == target.id else w for w in managed],
            lambda: store.audit(
                "waiver.revoked",
                actor,
                subject=target.id,
                details={"rule": target.rule, "on": on.isoformat(), "reason": args.reason},
            ),
        )
    finally:
        store.close()
    sys.stdout.write(f"{target.id}: revoked from {on}\n")
    return EXIT_OK
