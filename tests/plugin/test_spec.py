"""Meta-tests keeping hooks, tests and docs in step."""

from __future__ import annotations

import inspect
from pathlib import Path

from cyberreview_policy.plugin import spec

HOOKS = [
    name
    for name, _ in inspect.getmembers(spec, inspect.isfunction)
    if name.startswith("cyberreview_")
]
TESTS = Path(__file__).resolve().parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def test_every_hook_is_prefixed_typed_and_documented() -> None:
    assert HOOKS
    for name in HOOKS:
        function = getattr(spec, name)
        doc = inspect.getdoc(function) or ""
        assert ":param register:" in doc and ":return:" in doc and "Called" in doc, name
        assert "register" in inspect.signature(function).parameters, name


def test_every_hook_is_exercised_by_a_test() -> None:
    text = "".join(p.read_text("utf-8") for p in TESTS.glob("test_*.py"))
    for name in HOOKS:
        assert name in text, f"{name} has no test in tests/plugin"


def test_every_hook_is_in_the_hook_reference() -> None:
    from cyberreview_policy.cli.docgen import hooks_markdown

    assert DOCS.read_text("utf-8") == hooks_markdown(), (
        "run: python -m cyberreview_policy.cli.docgen"
    )
