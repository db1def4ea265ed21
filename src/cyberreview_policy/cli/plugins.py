"""``cyberreview plugins``: every plugin, where it comes from, what it registers."""

from __future__ import annotations

import argparse
import json
import sys

from ..runtime import Runtime
from ._common import EXIT_ERROR, EXIT_OK, add_command
from .commands import COMMANDS

NAME = "plugins"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
List the built-in plugins and those installed through the "cyberreview_policy"
entry-point group, with what each registered, and import what they registered
by reference ("module:name": settings models and connectors, otherwise
imported when first used).  A plugin that failed is listed with its error, and
the command exits 3: while a plugin is broken, gate, sweep, serve and changes
refuse to decide (what it would decide is unknown), unless it is disabled by
name ("plugins: disabled: [NAME]" in cyberreview.yaml).

Environment: CYBERREVIEW_DISABLE_PLUGINS=name,name skips entry points and
modules; CYBERREVIEW_TRACE_HOOKS=1 traces hook calls on stderr.
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
    rt.host.check_references()  # runs the registration hooks, then imports references
    infos = list(rt.host.plugins.values())
    code = EXIT_ERROR if rt.host.failures() else EXIT_OK
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
        return code
    for info in infos:
        status = "disabled" if info.disabled else "BROKEN" if info.error else "ok"
        sys.stdout.write(f"{info.name}  ({info.origin})  {status}\n")
        for kind, names in sorted(info.registered.items()):
            sys.stdout.write(f"    {kind.replace('_', ' ')}: {', '.join(names)}\n")
        if info.error:
            sys.stdout.write(f"    error: {info.error}\n")
    return code
