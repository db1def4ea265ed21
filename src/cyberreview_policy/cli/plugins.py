"""``cyberreview plugins``: every plugin, where it comes from, what it registers."""

from __future__ import annotations

import argparse
import json
import sys

from ..runtime import Runtime
from ._common import EXIT_OK, add_command
from .commands import COMMANDS

NAME = "plugins"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
List the built-in plugins and those installed through the "cyberreview_policy"
entry-point group, with what each registered.  A plugin that failed to load is
listed with its error; the others still work.

Environment: CYBERREVIEW_DISABLE_PLUGINS=name,name skips entry points;
CYBERREVIEW_TRACE_HOOKS=1 traces hook calls on stderr.
"""
EXAMPLES = """\
examples:
  cyberreview plugins
  cyberreview plugins --format json
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, rt: Runtime) -> int:
    rt.host.registry  # noqa: B018  (runs the registration hooks)
    infos = list(rt.host.plugins.values())
    if args.format == "json":
        data = [
            {
                "name": i.name,
                "origin": i.origin,
                "registered": i.registered,
                "error": i.error,
                "disabled": i.disabled,
            }
            for i in infos
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    for info in infos:
        status = "disabled" if info.disabled else "BROKEN" if info.error else "ok"
        sys.stdout.write(f"{info.name}  ({info.origin})  {status}\n")
        for kind, names in sorted(info.registered.items()):
            sys.stdout.write(f"    {kind.replace('_', ' ')}: {', '.join(names)}\n")
        if info.error:
            sys.stdout.write(f"    error: {info.error}\n")
    return EXIT_OK
