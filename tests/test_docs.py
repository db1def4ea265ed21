"""The generated references are current, and the docs' examples are true."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cli.docgen import generated

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(generated()))
def test_generated_doc_is_current(name: str) -> None:
    assert (DOCS / name).read_text("utf-8") == generated()[name], (
        f"docs/{name} is stale: run python -m cyberreview_policy.cli.docgen"
    )


def test_changelog_names_this_version() -> None:
    from cyberreview_policy import __version__

    text = (DOCS.parent / "CHANGELOG.md").read_text("utf-8")
    assert f"## {__version__}" in text


def test_readme_sample_is_real_output(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (DOCS.parent / "README.md").read_text("utf-8")
    first = readme.split("```sh\n", 1)[1].split("\n", 1)[0]
    assert first.endswith("cyberreview sweep examples/procurement.jsonl --as-of 2021-06-01")
    monkeypatch.chdir(DOCS.parent)
    result = cli(*first.rsplit("cyberreview ", 1)[1].split())  # in a fresh CYBERREVIEW_HOME
    summary = result.out[result.out.index("Swept") :]
    assert summary in readme
    head = result.out.splitlines()[:4]
    assert "\n".join(head) in readme


TUTORIAL = DOCS.parent / "examples" / "connector-tutorial"


def test_tutorial_listings_are_the_files() -> None:
    text = (DOCS / "connectors.md").read_text("utf-8")
    listed = text.split("<!-- file: ")[1:]
    assert len(listed) >= 4
    for block in listed:
        name, rest = block.split(" -->\n", 1)
        body = rest.split("\n", 1)[1].split("\n```\n", 1)[0] + "\n"
        assert body == (DOCS.parent / name).read_text("utf-8"), f"docs/connectors.md: {name}"


def test_tutorial_is_what_plugin_new_writes() -> None:
    """The tutorial starts from `cyberreview plugin new buyly`: its files are exactly those."""
    from cyberreview_policy.scaffold import render

    files = {
        str(path.relative_to(TUTORIAL)): path.read_text("utf-8")
        for path in TUTORIAL.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts
    }
    assert files == render("source", "buyly")


@pytest.mark.slow
def test_tutorial_connector_passes_the_kit() -> None:
    """What a reader of docs/connectors.md runs: the whole contract kit and the command
    line end to end, every test passing (the connector loaded from its source tree)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PYTHONPATH": str(TUTORIAL / "src"),
        "CYBERREVIEW_PLUGINS": "cyberreview_buyly.plugin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=TUTORIAL,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("26 passed in "), last  # nothing skipped, nothing deselected
