"""``cyberreview plugin new``: the distribution it writes installs, and its tests pass
as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.errors import UsageError
from cyberreview_policy.scaffold import KINDS, Names, check_name, render, write


def test_the_names_a_plugin_is_spelt_by() -> None:
    names = Names("acme-erp")
    assert (names.module, names.package, names.dist) == (
        "acme_erp",
        "cyberreview_acme_erp",
        "cyberreview-acme-erp",
    )
    assert (names.Class, names.title, names.ENV) == ("AcmeErp", "Acme Erp", "ACME_ERP")


@pytest.mark.parametrize("name", ["Acme", "acme_erp", "1erp", "acme--erp", "-acme", "acme-", ""])
def test_a_name_that_cannot_be_a_package_is_refused(name: str) -> None:
    with pytest.raises(UsageError, match="lowercase letters and digits"):
        check_name(name)


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_field_is_filled(kind: str) -> None:
    files = render(kind, "acme-erp")
    assert "pyproject.toml" in files
    assert any(path.startswith("src/cyberreview_acme_erp/") for path in files)
    for path, text in files.items():
        assert "{{" not in path + text, path
        assert "buyly" not in text.lower(), path


def test_nothing_is_overwritten(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(UsageError, match="exists and is not empty"):
        write("source", "acme-erp", tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    assert write("source", "acme-erp", tmp_path / "new")  # a new directory is made


def test_the_command_line(cli: Any, tmp_path: Path) -> None:
    made = cli("plugin", "new", "acme-erp", "--output", str(tmp_path / "acme"))
    assert made.code == 0, made.err
    assert "pip install -e" in made.out
    assert (tmp_path / "acme" / "src" / "cyberreview_acme_erp" / "connector.py").is_file()
    refused = cli("plugin", "new", "Acme", "--output", str(tmp_path / "other"))
    assert refused.code == 3
    assert refused.err.count("\n") == 1 and "lowercase letters" in refused.err
    assert not (tmp_path / "other").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_installed_as_written_its_tests_pass(tmp_path: Path, kind: str) -> None:
    """``plugin new``, ``pip install DIR``, ``pytest DIR``: nothing edited.  Installed
    into a directory of its own, found there by its entry point (no other help)."""
    project, site = tmp_path / "acme-erp", tmp_path / "site"
    cli = str(Path(sys.executable).with_name("cyberreview"))
    env = {k: v for k, v in os.environ.items() if k != "CYBERREVIEW_PLUGINS"}

    def run(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, capture_output=True, text=True, check=False, timeout=600, env=env, **options
        )

    made = run(cli, "plugin", "new", "acme-erp", "--kind", kind, "--output", str(project))
    assert made.returncode == 0, made.stderr
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
    installed = run(*pip, str(project))
    assert installed.returncode == 0, installed.stderr
    env["PYTHONPATH"] = str(site)
    tested = run(
        sys.executable, "-m", "pytest", str(project), "-q", "-p", "no:cacheprovider", cwd=tmp_path
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    last = tested.stdout.strip().splitlines()[-1]
    assert " passed in " in last and "skipped" not in last and "failed" not in last, last
