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
docs/policy-language.md).
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


def run(args: argparse.Namespace, rt: object) -> int:
    sys.stdout.write(json.dumps(schema_document(args.which), indent=2) + "\n")
    return 0
