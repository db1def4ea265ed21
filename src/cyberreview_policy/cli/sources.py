"""``cyberreview sources list|check``: the configured sources and the types plugins provide."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..runtime import Runtime
from ._common import EXIT_ERROR, EXIT_OK, add_command, add_config_option
from .commands import COMMANDS

NAME = "sources"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Sources are configured in cyberreview.yaml (see "cyberreview init"); each has a
type that a plugin provides (a connector to an ERP or a CMDB).  "check" asks
the connector whether the system can be reached with the configured
credentials, and says why not.
"""
EXAMPLES = """\
examples:
  cyberreview sources list
  cyberreview sources check tryton
  cyberreview sweep --source tryton --as-of 2026-03-01
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    ls = add_command(
        verbs,
        "list",
        "list configured sources and the source types plugins provide",
        "List the sources of the configuration file and every source type the installed "
        "plugins provide, with the settings each type takes.",
        "examples:\n  cyberreview sources list\n  cyberreview sources list --format json\n",
    )
    ls.add_argument("--format", choices=("text", "json"), default="text")
    add_config_option(ls)
    ls.set_defaults(run=run_list)
    check = add_command(
        verbs,
        "check",
        "check that a configured source can be reached",
        "Ask the source's connector whether its system answers and accepts the "
        "credentials.  Exit 0 when it does, 3 when not, with the reason.",
        "examples:\n  cyberreview sources check tryton\n",
    )
    check.add_argument("name", metavar="NAME")
    add_config_option(check)
    check.set_defaults(run=run_check)


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    from ..connectors.api import settings_fields

    types = rt.host.registry.items["sources"]
    configured = rt.config.file.sources
    if args.format == "json":
        data = {
            "configured": {name: {"type": s.type} for name, s in configured.items()},
            "types": {
                name: {
                    "plugin": item.plugin,
                    "description": item.obj.description,
                    "settings": _schema(item.obj),
                }
                for name, item in types.items()
            },
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    where = rt.config.path or "no configuration file (cyberreview init writes one)"
    sys.stdout.write(f"configured sources ({where}):\n")
    for name, source in configured.items():
        sys.stdout.write(f"  {name:<16} type {source.type}\n")
    if not configured:
        sys.stdout.write("  none\n")
    sys.stdout.write("source types:\n")
    for name, item in sorted(types.items()):
        sys.stdout.write(f"  {name:<16} {item.obj.description}  (from {item.plugin})\n")
        model = item.obj.settings_model()
        for field, info in settings_fields(model) if model else ():
            required = "(required) " if info.is_required() else ""
            secret = (
                "  (secret: {env: NAME} or {file: PATH})"
                if "Secret" in str(info.annotation)
                else ""
            )
            sys.stdout.write(f"      {field}: {required}{info.description or ''}{secret}\n")
    return EXIT_OK


def _schema(kind: Any) -> dict[str, Any] | None:
    model = kind.settings_model()
    return model.model_json_schema() if model is not None else None


def run_check(args: argparse.Namespace, rt: Runtime) -> int:
    result = rt.configured_source(args.name).check()
    state = "ok" if result.ok else "FAILED"
    sys.stdout.write(f"{args.name}: {state}: {result.message}\n")
    return EXIT_OK if result.ok else EXIT_ERROR
