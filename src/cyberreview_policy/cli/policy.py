"""``cyberreview policy list|validate|test``: work with policy packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import CyberreviewError
from ..policy.catalog import PackEntry
from ..runtime import Runtime
from ._common import EXIT_ERROR, EXIT_OK, EXIT_WARN, add_command, note
from ._render import Style

NAME = "policy"
HELP = "list, validate and test policy packs"
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
    test.set_defaults(run=run_test)


def _entries(rt: Runtime, pins: list[str]) -> list[PackEntry]:
    if pins:
        return [rt.catalog.entry(pin) for pin in pins]
    for plugin, error in rt.catalog.errors:
        raise CyberreviewError(f"pack registered by plugin {plugin!r}: {error}")
    return list(rt.catalog.entries.values())


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    entries = sorted(
        rt.catalog.entries.values(), key=lambda e: (e.manifest.family or "", e.manifest.id)
    )
    for entry in entries:
        m = entry.manifest
        sys.stdout.write(
            f"{m.id:<16} {m.version:<8} {entry.validity:<28} {m.family or '-':<8} {m.title}\n"
        )
        sys.stdout.write(f"{'':<16} from {entry.plugin}: {entry.path}\n")
    for plugin, error in rt.catalog.errors:
        note(f"error: pack registered by plugin {plugin!r}: {error}")
    if not entries:
        note("no packs are registered")
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
    from ..policy.testing import run_pack_tests

    style = Style(sys.stdout)
    status = EXIT_OK
    entries = _entries(rt, args.packs)
    if not entries:
        note("error: no packs to test: none is registered")
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
