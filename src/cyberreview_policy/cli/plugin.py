"""``cyberreview plugin new``: write a ready distribution for a new plugin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import EXIT_OK, add_command
from .commands import COMMANDS

NAME = "plugin"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Start a plugin.  "plugin new" writes a distribution that works as written:
pyproject.toml with the entry point, typed settings, the plugin (paging and
incremental reads filled in, for a source), a local stand-in for the system on
the contract kit's FaultServer, tests, and a README.  Install it and run its
tests before you change a line; then adapt it to your system (docs/connectors.md).
"""
EXAMPLES = """\
examples:
  cyberreview plugin new acme-erp --output cyberreview-acme-erp
  pip install -e 'cyberreview-acme-erp[test]' && pytest cyberreview-acme-erp
  cyberreview plugin new acme-issues --kind tracker --output cyberreview-acme-issues
"""
NEW_DESCRIPTION = """\
Write a new plugin's distribution into DIR (which must not exist, or be empty).
NAME is what users write as the type in cyberreview.yaml (lowercase, words
joined by hyphens); the distribution is cyberreview-NAME, the package
cyberreview_NAME.

Kinds:
  source         records from a system (an ERP, a CMDB): check, read, fetch
  tracker        an issue tracker that mirrors review cases: find, create, update
  change-system  change requests the gate answers: change, pending, post
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..scaffold import KINDS

    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    new = add_command(verbs, "new", "write a new plugin's distribution", NEW_DESCRIPTION, EXAMPLES)
    new.add_argument("name", metavar="NAME", help="the plugin's name, e.g. acme-erp")
    new.add_argument(
        "--output", "-o", type=Path, required=True, metavar="DIR", help="where to write it"
    )
    new.add_argument("--kind", choices=KINDS, default="source", help="what it provides")
    new.set_defaults(run=run)


def run(args: argparse.Namespace, rt: object) -> int:
    from ..scaffold import check_name, write

    names = check_name(args.name)
    written = write(args.kind, args.name, args.output)
    out = args.output
    sys.stdout.write(
        f"wrote {len(written)} files to {out}: the {args.kind} plugin {names.dist}\n"
        f"next: pip install -e '{out}[test]' && pytest {out}\n"
    )
    return EXIT_OK
