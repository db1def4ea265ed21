"""``cyberreview policy list|validate|test|explain|diff``: work with policy packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import CyberreviewError
from ..i18n.catalog import _
from ..policy.catalog import PackEntry
from ..runtime import Runtime
from ._common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_WARN,
    add_command,
    add_pack_options,
    add_policy_dir_option,
    iso_date,
    note,
    select_packs,
)
from ._render import Style
from .commands import COMMANDS

NAME = "policy"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Work with policy packs: the shipped ones, those plugins register, and pack
directories of your own (a pack.yaml manifest plus rule and test files; see
docs/policy-language.md).
"""
EXAMPLES = """\
examples:
  cyberreview policy list
  cyberreview policy validate policies/cn-csr-2020
  cyberreview policy test                     # every registered pack
  cyberreview policy test cn-csr-2020 ./my-pack
  cyberreview policy explain --record po-117.json --as-of 2026-03-01 --fired
  cyberreview policy diff --from cn-csr-2020 --to ./my-cn-csr-2020 --records records.jsonl
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    ls = add_command(
        verbs,
        "list",
        "list registered packs and their validity",
        "List every registered pack: id, version, validity, family, title, "
        "and the plugin and directory it comes from.",
        "examples:\n  cyberreview policy list\n",
    )
    add_policy_dir_option(ls)
    ls.set_defaults(run=run_list)
    val = add_command(
        verbs,
        "validate",
        "load and compile packs, reporting the first error with file and line",
        "Validate pack directories (or registered pack ids): YAML structure, "
        "models, then compilation (field paths, operands, definitions, checks, templates). "
        "Exit 0 when all are valid, 1 otherwise.",
        "examples:\n  cyberreview policy validate ./my-pack cn-csr-2020\n",
    )
    val.add_argument("packs", nargs="+", metavar="PATH|ID")
    add_policy_dir_option(val)
    val.set_defaults(run=run_validate)
    test = add_command(
        verbs,
        "test",
        "run the packs' own test cases and report rule coverage",
        "Run each pack's test cases (record -> expected decision and rules) and "
        "report, per rule, how many cases assert it fires and how many that it does not. "
        "Exit 0 when every case passes and every rule is covered both ways, 1 otherwise.",
        "examples:\n  cyberreview policy test\n  cyberreview policy test ./my-pack\n",
    )
    test.add_argument("packs", nargs="*", metavar="PATH|ID", help="default: every registered pack")
    add_policy_dir_option(test)
    test.set_defaults(run=run_test)

    explain = add_command(
        verbs,
        "explain",
        "show, for every rule, each condition, the value it saw and whether it held",
        "Evaluate one record under the packs (default: those in force on the as-of date) "
        "and show for every rule whether it fires, with each condition, the value the "
        "record holds there, and whether the condition held: why a rule fired, or why not.",
        "examples:\n  cyberreview policy explain --record po-117.json --as-of 2021-06-01\n"
        "  cyberreview policy explain --record po-117.json --rule review-required\n"
        "  cyberreview policy explain --record po-117.json --fired --format json\n",
    )
    explain.add_argument("--record", required=True, metavar="FILE", help="the record (- for stdin)")
    add_pack_options(explain)
    explain.add_argument("--rule", action="append", default=[], metavar="ID", help="only this rule")
    explain.add_argument("--fired", action="store_true", help="only the rules that fire")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(run=run_explain)

    diff = add_command(
        verbs,
        "diff",
        "replay records under two versions of a pack and list the decisions that change",
        "Decide every record under the pack before and after a change, and list each record "
        "whose decision or findings change, with the rules that now fire or no longer do.  "
        "Review a pack change by its effect before it ships.  Exit 0 when nothing changes, 1 "
        "when something does, 3 when a record cannot be read.",
        "examples:\n"
        "  cyberreview policy diff --from cn-csr-2020 --to ./my-cn-csr-2020 "
        "--records examples/procurement.jsonl --as-of 2021-06-01\n"
        "  cyberreview policy diff --from cn-csr-2020@1.1.0 --to policies/cn-csr-2022 "
        "--records examples/procurement.jsonl --as-of 2021-06-01\n",
    )
    diff.add_argument("--from", dest="before", required=True, metavar="PACK[@VERSION]|PATH")
    diff.add_argument("--to", dest="after", required=True, metavar="PACK[@VERSION]|PATH")
    diff.add_argument("--records", required=True, metavar="FILE", help="JSON, JSON Lines or CSV")
    diff.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default today")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    add_policy_dir_option(diff)
    diff.set_defaults(run=run_diff)


def _entries(rt: Runtime, pins: list[str]) -> list[PackEntry]:
    if pins:
        return [rt.catalog.entry(pin) for pin in pins]
    for plugin, error in rt.catalog.errors:
        raise CyberreviewError(
            _("pack registered by plugin {plugin}: {error}").format(
                plugin=repr(plugin), error=error
            )
        )
    return list(rt.catalog.entries.values())


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    entries = sorted(
        rt.catalog.entries.values(), key=lambda e: (e.manifest.family or "", e.manifest.id)
    )
    from ..i18n import pad

    for entry in entries:
        m = entry.manifest
        sys.stdout.write(
            f"{m.id:<16} {m.version:<8} {pad(entry.validity, 28)} {m.family or '-':<8} {m.title}\n"
        )
        where = _("from {plugin}: {path}").format(plugin=entry.plugin, path=entry.path)
        sys.stdout.write(f"{'':<16} {where}\n")
    for plugin, error in rt.catalog.errors:
        note(
            _("error: pack registered by plugin {plugin}: {error}").format(
                plugin=repr(plugin), error=error
            )
        )
    if not entries:
        note(_("no packs are registered"))
    return EXIT_ERROR if rt.catalog.errors else EXIT_OK


def run_validate(args: argparse.Namespace, rt: Runtime) -> int:
    status = EXIT_OK
    for pin in args.packs:
        try:
            entry = rt.catalog.entry(pin)
            pack = rt.catalog.load(entry)
        except CyberreviewError as exc:
            sys.stdout.write(f"INVALID  {pin}\n  {exc}\n")
            status = EXIT_WARN
            continue
        sys.stdout.write(
            f"valid    {pack.id} {pack.version} ({len(pack.rules)} rules) {Path(entry.path)}\n"
        )
    return status


def run_test(args: argparse.Namespace, rt: Runtime) -> int:
    from ..engine.packtests import run_pack_tests

    style = Style(sys.stdout)
    status = EXIT_OK
    entries = _entries(rt, args.packs)
    if not entries:
        note(_("error: no packs to test: none is registered"))
        return EXIT_WARN
    for entry in entries:
        pack = rt.catalog.load(entry)
        report = run_pack_tests(pack)
        passed = sum(1 for r in report.results if r.ok)
        sys.stdout.write(
            style("bold", f"{pack.id} {pack.version}: {passed}/{len(report.results)} cases pass")
            + "\n"
        )
        for result in report.results:
            if not result.ok:
                sys.stdout.write(f"  {style('block', 'FAIL')} {result.location} {result.name}\n")
                for failure in result.failures:
                    sys.stdout.write(f"       {failure}\n")
        width = max((len(rule) for rule in report.coverage), default=4)
        sys.stdout.write(f"  {'rule'.ljust(width)}  fires  does not fire\n")
        for rule, cov in report.coverage.items():
            mark = "" if cov.complete else style("block", "  <- not covered both ways")
            sys.stdout.write(
                f"  {rule.ljust(width)}  {cov.fires:>5}  {cov.does_not_fire:>13}{mark}\n"
            )
        if not report.ok:
            status = EXIT_WARN
    return status


def run_explain(args: argparse.Namespace, rt: Runtime) -> int:
    import datetime as dt

    from ..engine.review import explain, explain_text
    from ..models.jsonout import dumps
    from .gate import read_one

    as_of = args.as_of or dt.date.today()
    record = read_one(args.record, rt)
    explained = explain(select_packs(rt, args.pack, as_of), record, as_of)
    if args.rule:
        unknown = sorted(set(args.rule) - {item["rule"] for item in explained})
        if unknown:
            raise CyberreviewError(
                _("no rule {value} in the packs used").format(value=", ".join(unknown))
            )
        explained = [item for item in explained if item["rule"] in args.rule]
    if args.fired:
        explained = [item for item in explained if item["fired"]]
    if args.format == "json":
        sys.stdout.write(dumps(explained, indent=2) + "\n")
    else:
        sys.stdout.write(explain_text(explained))
    return EXIT_OK


def run_diff(args: argparse.Namespace, rt: Runtime) -> int:
    import datetime as dt
    import json

    from ..engine.core import Engine
    from ..engine.review import DiffSummary, diff

    as_of = args.as_of or dt.date.today()
    before = rt.catalog.load(rt.catalog.entry(args.before))
    after = rt.catalog.load(rt.catalog.entry(args.after))
    summary = DiffSummary()
    skipped: list[str] = []

    def records() -> Any:
        for item in rt.source(args.records).read():
            if item.record is None:
                skipped.append(str(item.error))
            else:
                yield item.record

    changes = []
    for change in diff(records(), Engine([before]), Engine([after]), as_of):
        summary.add(change)
        if change is not None:
            changes.append(change)
    if args.format == "json":
        data = {
            "from": before.ref,
            "to": after.ref,
            "as_of": as_of.isoformat(),
            "summary": summary.to_json(),
            "changes": [c.to_json() for c in changes],
            "skipped": skipped,
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(_diff_text(before, after, as_of, summary, changes))
    for reason in skipped:
        note(_("error: skipped {reason}").format(reason=reason))
    if skipped:
        return EXIT_ERROR
    return EXIT_WARN if changes else EXIT_OK


def _diff_text(before: Any, after: Any, as_of: Any, summary: Any, changes: list[Any]) -> str:
    head = (
        f"{before.id} {before.version} -> {after.id} {after.version}, as of {as_of}: "
        f"{summary.changed} of {summary.records} records change\n"
    )
    if not changes:
        return head
    width = max(len(c.record_id) for c in changes)
    lines = [head]
    for change in changes:
        parts = [f"+{rule} ({outcome})" for rule, outcome in change.added]
        parts += [f"-{rule} ({outcome})" for rule, outcome in change.removed]
        verdict = (
            f"{change.before} -> {change.after}"
            if change.before != change.after
            else f"{change.after} (unchanged)"
        )
        lines.append(f"  {change.record_id.ljust(width)}  {verdict:<22} {', '.join(parts)}\n")
    lines.append("\n")
    for (old, new), count in sorted(summary.transitions.items(), key=lambda x: -x[1]):
        lines.append(f"  {count:>6}  {old} -> {new}\n")
    for rule, count in summary.rules_added.most_common():
        lines.append(f"  {count:>6}  now fire: {rule}\n")
    for rule, count in summary.rules_removed.most_common():
        lines.append(f"  {count:>6}  no longer fire: {rule}\n")
    return "".join(lines)
