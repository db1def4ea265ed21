"""The generated references are current, and the docs' examples are true."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberreview_policy.docgen import generated

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(generated()))
def test_generated_doc_is_current(name: str) -> None:
    assert (DOCS / name).read_text("utf-8") == generated()[name], (
        f"docs/{name} is stale: run python -m cyberreview_policy.docgen"
    )


def test_changelog_names_this_version() -> None:
    from cyberreview_policy import __version__

    text = (DOCS.parent / "CHANGELOG.md").read_text("utf-8")
    assert f"## {__version__}" in text
