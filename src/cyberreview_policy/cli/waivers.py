"""``cyberreview waivers add|list|revoke|import|export``: approved exceptions to
overridable rules, kept in the case store."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..env import current_actor, home_dir, redact_url
from ..errors import UsageError
from ..runtime import Runtime
from ..waivers import IMPORTED_SUFFIX, LEGACY_DIR, LEGACY_FILE, MAX_DAYS, Scope
from ._common import EXIT_OK, add_actor_option, add_command, add_store_options, iso_date, note
from ._render import printable
from .commands import COMMANDS

if TYPE_CHECKING:
    from ..cases.base import CaseStore

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

Waivers live in the case store, so every gate, sweep and service on it sees
the same ones; the store numbers them (W-0001, ...).  Every change is one
transaction, recorded in the audit trail.  To review waivers in git, export
them to a file and import the reviewed file: new waivers are added, a
`revoked:` block revokes, a granted waiver is never changed.

Upgrading from a version that kept waivers in $CYBERREVIEW_HOME/{LEGACY_FILE}
and {LEGACY_DIR}/*.yaml: run `cyberreview waivers import` once.  Until then,
deciding is refused (those files are no longer read).
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
  cyberreview waivers export -o waivers/production.yaml
  cyberreview waivers import waivers/production.yaml
  cyberreview waivers import          # once, after upgrading: the files in $CYBERREVIEW_HOME
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    add = add_command(
        verbs,
        "add",
        "grant a waiver",
        "Grant a waiver of an overridable rule, checked against the registered packs; the "
        "case store gives it the next id.",
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
        "and field (a granted waiver is never changed: revoke it, grant a new one). Every "
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


@contextmanager
def _store(rt: Runtime) -> Iterator[CaseStore]:
    store = rt.store()
    try:
        yield store
    finally:
        store.close()


def run_add(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import add_waiver

    scope = Scope(args.record, args.product_model, args.vendor, args.operator)
    with _store(rt) as store:
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
    said = f"{waiver.id}: {waiver.rule} waived for {scope.describe()} until {waiver.expires}"
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    on = args.as_of or dt.date.today()
    with _store(rt) as store:
        waivers = store.waivers()
    if args.format == "json":
        data = [{**w.to_yaml(), "state": w.state(on)} for w in waivers]
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not waivers:
        sys.stdout.write("no waivers\n")
    for w in waivers:
        line = (
            f"{w.id:<8} {w.state(on):<8} {w.rule:<20} {w.scope.describe():<32} "
            f"until {w.expires}  approved by {w.approver}"
        )
        sys.stdout.write(printable(line) + "\n")
    return EXIT_OK


def run_revoke(args: argparse.Namespace, rt: Runtime) -> int:
    on = args.on or dt.date.today()
    with _store(rt) as store:
        store.revoke_waiver(args.waiver_id, on, args.actor or current_actor(), args.reason)
    sys.stdout.write(f"{args.waiver_id}: revoked from {on}\n")
    return EXIT_OK


def run_import(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers import legacy_files
    from ..waivers.admin import import_files

    files = args.files or legacy_files(home_dir())
    if not files:
        raise UsageError(
            f"give waiver FILEs to import ($CYBERREVIEW_HOME holds no {LEGACY_FILE} or "
            f"{LEGACY_DIR}/*.yaml of an earlier version)"
        )
    with _store(rt) as store:
        run = import_files(rt.catalog, store, files, args.actor or current_actor(), home_dir())
    for done in run.files:
        result = done.result
        sys.stdout.write(
            f"{done.path}: {len(result.added)} added, {len(result.revoked)} revoked, "
            f"{len(result.unchanged)} unchanged"
            + (f"; renamed {done.moved_to.name}" if done.moved_to else "")
            + "\n"
        )
        for line in result.notes:
            note(f"note: {line}")
    for line in run.not_moved:
        note(
            f"warning: imported, but could not rename {line}: move it away, or deciding "
            "stays refused"
        )
    return EXIT_OK


def run_export(args: argparse.Namespace, rt: Runtime) -> int:
    from ..waivers.admin import export_text

    with _store(rt) as store:
        text = export_text(store, redact_url(store.url))
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {args.output}: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {args.output}\n")
    return EXIT_OK
