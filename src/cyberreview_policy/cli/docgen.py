"""Generate the reference docs from the code, so they cannot drift.

- ``docs/hooks.md`` from :mod:`cyberreview_policy.plugin.spec`
- ``docs/connector-reference.md`` from the connector helpers' docstrings
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
from typing import Any

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


#: what docs/connector-reference.md documents: (section, module, names; "Class.method" too)
REFERENCE = (
    ("What a connector is given", "cyberreview_policy.connectors.api",
     ("ConnectorSettings", "SourceContext", "SourceContext.secret", "Connector", "Checkpoint",
      "CheckResult")),
    ("The host's HTTP client", "cyberreview_policy.connectors.http",
     ("HttpClient", "HttpClient.request", "HttpClient.get", "HttpClient.post", "ErrorHook",
      "RetryPolicy", "RateBudget")),
    ("Errors", "cyberreview_policy.errors", ("HttpError",)),
    ("Paginators", "cyberreview_policy.connectors.paging",
     ("next_link", "link_header", "page_token", "offset_limit")),
    ("Testing a connector", "cyberreview_policy.testing",
     ("source_context", "SourceContract", "SourceContract.system", "SourceContract.settings",
      "SourceContract.bad_credentials", "SourceContract.add_record",
      "SourceContract.change_record", "SourceContract.is_page", "SourceContract.page_items",
      "SourceContract.item_ref", "SourceContract.error_body", "FaultServer", "FaultServer.route",
      "FaultServer.fail_next", "Fault", "Request", "Reply")),
    ("Testing the command line", "cyberreview_policy.testing.cli",
     ("Operator", "OPERATOR", "Operator.write_source", "Operator.sweep", "Operator.gate", "Run")),
)  # fmt: skip


def _signature(obj: object, name: str) -> str:
    short = name.rsplit(".", 1)[-1]
    if getattr(obj, "_is_protocol", False):  # a Protocol: its methods
        lines = [f"class {short}(Protocol):"]
        for member, function in vars(obj).items():
            if inspect.isfunction(function) and (member == "__call__" or member[0] != "_"):
                lines.append(f"    {_signature(function, member)}: ...")
        return "\n".join(lines)
    keyword = "class" if inspect.isclass(obj) else "def"
    return f"{keyword} {short}{_formatted(inspect.signature(obj))}"  # type: ignore[arg-type]


def _formatted(signature: inspect.Signature) -> str:
    """A signature as written in the source (annotations unquoted, no ``self``)."""

    def annotation(value: object) -> str:
        text = value if isinstance(value, str) else inspect.formatannotation(value)
        return text.replace("typing.", "")

    parts: list[str] = []
    star = False
    params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    for index, param in enumerate(params):
        if param.kind is param.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = param.name
        if param.kind is param.VAR_POSITIONAL:
            text, star = f"*{text}", True
        elif param.kind is param.VAR_KEYWORD:
            text = f"**{text}"
        if param.annotation is not param.empty:
            text += f": {annotation(param.annotation)}"
        if param.default is not param.empty:
            text += f" = {param.default!r}" if param.annotation is not param.empty else "="
        parts.append(text)
        following = params[index + 1].kind if index + 1 < len(params) else None
        if param.kind is param.POSITIONAL_ONLY and following is not param.POSITIONAL_ONLY:
            parts.append("/")
    returned = signature.return_annotation
    arrow = "" if returned is signature.empty else f" -> {annotation(returned)}"
    return f"({', '.join(parts)}){arrow}"


def connector_reference_markdown() -> str:
    import importlib

    out = [
        "# Connector helpers: reference",
        "",
        "Generated from the docstrings by `python -m cyberreview_policy.cli.docgen`; do not "
        "edit.  The tutorial is [Writing a connector](connectors.md); the hooks are in the "
        "[hook reference](hooks.md).",
        "",
    ]
    for title, module_name, names in REFERENCE:
        module = importlib.import_module(module_name)
        out += [f"## {title}", "", f"`{module_name}`", ""]
        if title == "Paginators":
            out += [inspect.getdoc(module) or "", ""]
        for name in names:
            obj: object = module
            for part in name.split("."):
                obj = getattr(obj, part)
            out += [f"### `{name}`", ""]
            if callable(obj) and not isinstance(obj, dict):
                out += ["```python", _signature(obj, name), "```", ""]
            else:
                out += ["```python", f"{name} = {obj!r}", "```", ""]
            out += [inspect.getdoc(obj) or "", ""] if callable(obj) else []
    return "\n".join(line.rstrip() for line in out).rstrip() + "\n"


def subparsers(parser: argparse.ArgumentParser, title: str) -> list[tuple[str, Any]]:
    """``parser`` and every command and verb under it, each with its full name."""
    found: list[tuple[str, Any]] = [(title, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += subparsers(sub, f"{title} {name}")
    return found


def _sections(parser: argparse.ArgumentParser, title: str) -> list[str]:
    out: list[str] = []
    for name, sub in subparsers(parser, title):
        out += [f"## `{name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
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
    return {
        "hooks.md": hooks_markdown(),
        "cli.md": cli_markdown(),
        "connector-reference.md": connector_reference_markdown(),
        **schema_files(),
    }


def main() -> int:
    for name, text in generated().items():
        path = DOCS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
