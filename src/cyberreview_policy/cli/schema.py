"""``cyberreview schema``: the JSON Schemas of the public formats, from the models."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ._common import add_command
from .commands import COMMANDS

NAME = "schema"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Print a JSON Schema generated from the models the tool itself validates with.
Point your editor at the policy schema to check rules as you type (see
docs/policy-language.md).  The config schema holds the settings of every
source, tracker and change system type the installed plugins register (by
their settings models), chosen by `type`; secrets as {env: NAME} or {file: PATH}.
"""
EXAMPLES = """\
examples:
  cyberreview schema record > record.schema.json
  cyberreview schema policy > policy.schema.json
  cyberreview schema config > cyberreview.schema.json   # for cyberreview.yaml
"""
SCHEMA_BASE = "https://cyberreview-policy.example/schema/"


def schemas() -> dict[str, Any]:
    """Name -> a callable giving the JSON Schema (imports stay lazy)."""
    from ..config import ConfigFile
    from ..models.decision import decision_adapter
    from ..models.record import Record
    from ..policy import schema as policy

    return {
        "record": Record.model_json_schema,
        "decision": lambda: decision_adapter().json_schema(),
        "policy": policy.RuleFile.model_json_schema,
        "manifest": policy.Manifest.model_json_schema,
        "pack-test": policy.PackTestFile.model_json_schema,
        "config": lambda: ConfigFile.model_json_schema(by_alias=True),
    }


def schema_document(name: str) -> dict[str, Any]:
    body: dict[str, Any] = schemas()[name]()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{name}.schema.json",
        **body,
    }


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    p.add_argument(
        "which", choices=("record", "decision", "policy", "manifest", "pack-test", "config")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, rt: Any) -> int:
    document = schema_document(args.which)
    if args.which == "config":
        document = with_plugins(document, rt.host.registry)
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return 0


#: sections of cyberreview.yaml: (key, registry, the $defs entry of one item)
SECTIONS = (
    ("sources", "sources", "SourceConfig"),
    ("changes", "change_systems", "ChangeConfig"),
    ("trackers", "trackers", "TrackerConfig"),
)
SECRET = [
    {
        "type": "object",
        "properties": {"env": {"type": "string", "description": "an environment variable"}},
        "required": ["env"],
        "additionalProperties": False,
    },
    {
        "type": "object",
        "properties": {"file": {"type": "string", "description": "a file holding it"}},
        "required": ["file"],
        "additionalProperties": False,
    },
]


def with_plugins(schema: dict[str, Any], registry: Any) -> dict[str, Any]:
    """The config schema with each registered type's settings, under ``settings`` of an
    entry whose ``type`` names it (each plugin's own ``$defs`` kept apart)."""
    defs = schema.setdefault("$defs", {})
    for section, kinds, entry in SECTIONS:
        rules: list[dict[str, Any]] = []
        for name, item in sorted(registry.items[kinds].items()):
            if getattr(item.obj, "config", None) is None:
                continue  # the built-in file source: no settings
            prefix = f"{section}.{name}."
            settings = item.obj.settings_model().model_json_schema(
                ref_template="#/$defs/" + prefix + "{model}"
            )
            for key, sub in settings.pop("$defs", {}).items():
                defs[prefix + key] = _secrets_as_given(sub)
            rules.append(
                {
                    "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                    "then": {"properties": {"settings": _secrets_as_given(settings)}},
                }
            )
        if rules:
            names = [rule["if"]["properties"]["type"]["const"] for rule in rules]
            kind = {"properties": {"type": {"enum": names}}}
            schema["properties"][section]["additionalProperties"] = {
                "allOf": [{"$ref": f"#/$defs/{entry}"}, kind, *rules]
            }
    return schema


def _secrets_as_given(schema: dict[str, Any]) -> dict[str, Any]:
    """A settings schema whose secrets (``SecretStr``) are written as the configuration
    takes them: ``{env: NAME}`` or ``{file: PATH}``, never the value."""
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf", [prop])
        for index, option in enumerate(options):
            if option.get("writeOnly") is True and option.get("format") == "password":
                given = {"oneOf": SECRET, "description": "a secret: {env: NAME} or {file: PATH}"}
                if option is prop:
                    for key in ("type", "format", "writeOnly"):
                        prop.pop(key, None)
                    prop.update({k: v for k, v in given.items() if k not in prop})
                    prop["oneOf"] = SECRET
                else:
                    options[index] = given
    return schema
