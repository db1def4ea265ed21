"""Generate the reference docs from the code, so they cannot drift.

- ``docs/hooks.md`` from :mod:`cyberreview_policy.plugin.spec`
- ``docs/cli.md`` from the ``cyberreview`` argument parser
- ``docs/schema/*.schema.json`` from the models

Run ``python -m cyberreview_policy.cli.docgen`` after changing any of them; the
test suite fails while the committed files differ.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def hooks_markdown() -> str:
    from ..plugin import spec

    out = [
        "# Hook reference",
        "",
        "Generated from `src/cyberreview_policy/plugin/spec.py` by "
        "`python -m cyberreview_policy.cli.docgen`; do not edit.",
        "",
        inspect.getdoc(spec) or "",
        "",
    ]
    for name, function in inspect.getmembers(spec, inspect.isfunction):
        if not name.startswith("cyberreview_"):
            continue
        signature = str(inspect.signature(function)).replace("'", "")
        out += [f"## `{name}`", "", "```python", f"def {name}{signature}", "```", ""]
        out += [inspect.getdoc(function) or "", ""]
    return "\n".join(out).rstrip() + "\n"


def _sections(parser: argparse.ArgumentParser, title: str) -> list[str]:
    out = [f"## `{title}`", "", "```text", parser.format_help().rstrip(), "```", ""]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += _sections(sub, f"{title} {name}")
    return out


def cli_markdown() -> str:
    from . import build_parser

    head = [
        "# Command-line reference",
        "",
        "Generated from the parser by `python -m cyberreview_policy.cli.docgen`; do not edit.",
        "",
    ]
    return "\n".join(head + _sections(build_parser(), "cyberreview")).rstrip() + "\n"


def schema_files() -> dict[str, str]:
    from .schema import schema_document, schemas

    return {
        f"schema/{name}.schema.json": json.dumps(schema_document(name), indent=2) + "\n"
        for name in schemas()
    }


def generated() -> dict[str, str]:
    return {"hooks.md": hooks_markdown(), "cli.md": cli_markdown(), **schema_files()}


def main() -> int:
    for name, text in generated().items():
        path = DOCS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
