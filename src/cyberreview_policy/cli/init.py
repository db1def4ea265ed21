"""``cyberreview init``: write a commented starter ``cyberreview.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..env import home_dir, private_dir
from ..errors import UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import EXIT_OK, add_command
from .commands import COMMANDS

NAME = "init"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Write a commented cyberreview.yaml: the operator facts that ERPs and CMDBs do
not hold, and one commented example for every source type, case tracker type
and change system type the installed plugins provide (the plugin's own example
where it gives one, else one made from its settings).
It never overwrites a file.
"""
EXAMPLES = """\
examples:
  cyberreview init                      # $CYBERREVIEW_HOME/cyberreview.yaml
  cyberreview init --config ./cyberreview.yaml
"""

HEAD = """\
# cyberreview.yaml: where records come from, and what the sources do not know.
# Docs: docs/connectors.md.  Secrets never go in this file: write
# {{env: VARIABLE}} or {{file: /path/to/secret}} where a setting is a secret.

# The case store (default: $CYBERREVIEW_HOME/cases.db). For several machines:
# store: postgresql://cyberreview@db.internal:5432/cases

# Facts about your organisation that ERPs and CMDBs do not hold; each source
# can override them with its own `operator:`.
operator:
  name: {name}
  ciio: {ciio}    # identified as a CIIO by your protection department? true/false
  sector: {sector}  # telecom, energy, finance, ... (docs/record-v1.md)

sources: {{}}
# sources:
"""


TRACKERS = """
# Issue trackers that mirror the review cases (cyberreview cases sync; docs/trackers.md).
# trackers:
"""

CHANGES = """
# Change-management systems the gate answers in (cyberreview changes; docs/changes.md).
# changes:
"""


#: what every ``changes:`` entry adds to its plugin's settings (config.ChangeConfig)
CHANGE_KEYS = [
    "#     source: NAME          # (required) the configured source that fetches the CIs",
    "#     mode: approval        # or work_note",
    "#     # approver: USER      # whose approvals this tool gives (default: its login)",
]


def _value(name: str, field: str, info: Any) -> str:
    """A setting's example value, as YAML."""
    import json

    if "Secret" in str(info.annotation):
        return "{env: " + f"{name.upper()}_{field.upper()}" + "}"
    if info.is_required():
        return ""
    default = info.get_default(call_default_factory=True)
    if isinstance(default, str) and default and default.strip() == default:
        return default
    return json.dumps(default, ensure_ascii=False)  # JSON is YAML: null, true, [..], {..}


def _settings(name: str, kind: Any) -> list[str]:
    from ..connectors.api import settings_fields

    lines = [f"#   {name}:", f"#     type: {name}       # {kind.description}", "#     settings:"]
    for field, info in settings_fields(kind.settings_model()):
        note = info.description or ""
        if info.is_required():
            note = f"(required) {note}"
        value = _value(name, field, info)
        lines.append(f"#       {field}:{' ' + value if value else ''}  # {note}".rstrip(" #"))
    return lines


def _given(name: str, kind: Any) -> list[str] | None:
    """The plugin's own example entry (``example=``), commented; ``None`` when it has
    none, or one that is not a YAML entry of this type (the generated one is used)."""
    import textwrap

    import yaml

    text = textwrap.dedent(getattr(kind, "example", "") or "").strip("\n")
    try:
        entry = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        entry = None
    if not isinstance(entry, dict) or entry.get("type") != name:
        return None
    return [f"#   {name}:", *(f"#     {line}".rstrip() for line in text.splitlines())]


def _example(name: str, kind: Any) -> str:
    given = _given(name, kind)
    if given is not None:
        return "\n".join(given) + "\n"
    lines = _settings(name, kind)
    lines += [
        "#     # operator: {name: ..., ciio: true}   # overrides the facts above",
        "#     # defaults: {deployment.cii: true}      # for fields the source leaves unknown",
        "#     # mappings:                              # source vocabulary -> record fields",
        "#     #   product.category:",
        "#     #     from: attributes.category",
        "#     #     values: {Routers: core_network_equipment, Office: other}",
    ]
    return "\n".join(lines) + "\n"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    p.add_argument("--config", type=Path, metavar="FILE", help="where to write it")
    p.add_argument("--operator", default="Example Operator", help="your organisation's name")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, rt: Runtime) -> int:
    path: Path = args.config or home_dir() / "cyberreview.yaml"
    if path.exists():
        raise UsageError(
            _("{path} exists: cyberreview init never overwrites a configuration").format(path=path)
        )
    text = HEAD.format(name=args.operator, ciio="null", sector="null")
    for name, item in sorted(rt.host.registry.items["sources"].items()):
        if item.obj.config is not None:
            text += _example(name, item.obj)
    trackers = sorted(rt.host.registry.items["trackers"].items())
    if trackers:
        text += TRACKERS
    for name, item in trackers:
        text += "\n".join(_given(name, item.obj) or _settings(name, item.obj)) + "\n"
    systems = sorted(rt.host.registry.items["change_systems"].items())
    if systems:
        text += CHANGES
    for name, item in systems:
        given = _given(name, item.obj)
        text += "\n".join(given or [*_settings(name, item.obj), *CHANGE_KEYS]) + "\n"
    private_dir(path.parent)
    path.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {path}; next: edit it, then `cyberreview sources list`\n")
    return EXIT_OK
