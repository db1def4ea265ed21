"""A pack reads only files inside its own directory, and the pack cache keys on every
file it reads: a manifest could name ``/etc/...``, ``../../secret.yaml`` or
``/proc/self/environ`` as a rule file (read, and its keys echoed in the error), and a
rule file shared from outside the pack could change without the cache noticing."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from cyberreview_policy.engine.packtests import run_pack_tests
from cyberreview_policy.errors import PolicyError
from cyberreview_policy.policy.pack import load_pack
from tests.policy.test_loading import GOOD_RULES, MANIFEST, make_pack

SECRET_YAML = "DATABASE_PASSWORD_KEY_4711: hunter2\nrules: []\n"


def _manifest(pack: Path, rules: str, tests: str | None = None) -> None:
    extra = f"rules: [{rules}]\n" + (f"tests: [{tests}]\n" if tests else "")
    (pack / "pack.yaml").write_text(textwrap.dedent(MANIFEST) + extra, encoding="utf-8")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    path = tmp_path / "secret.yaml"
    path.write_text(SECRET_YAML, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "entry", ["ABSOLUTE", "../secret.yaml", "rules/../../secret.yaml", "/proc/self/environ"]
)
def test_a_rule_file_outside_the_pack_is_refused(tmp_path: Path, outside: Path, entry: str) -> None:
    pack = make_pack(tmp_path)
    _manifest(pack, str(outside) if entry == "ABSOLUTE" else entry)
    with pytest.raises(PolicyError) as caught:
        load_pack(pack, {})
    error = str(caught.value)
    assert "outside the pack" in error, error
    assert "DATABASE_PASSWORD_KEY_4711" not in error and "PATH" not in error


def test_a_symlink_out_of_the_pack_is_refused(tmp_path: Path, outside: Path) -> None:
    pack = make_pack(tmp_path)
    os.symlink(outside, pack / "rules" / "shared.yaml")
    with pytest.raises(PolicyError, match="outside the pack"):
        load_pack(pack, {})


def test_pack_tests_are_confined_too(tmp_path: Path, outside: Path) -> None:
    pack_dir = make_pack(tmp_path)
    _manifest(pack_dir, "rules", tests=str(outside))
    pack = load_pack(pack_dir, {})
    with pytest.raises(PolicyError, match="outside the pack"):
        run_pack_tests(pack)


def test_a_symlink_inside_the_pack_is_fine(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "shared").mkdir()
    (pack / "rules" / "main.yaml").rename(pack / "shared" / "main.yaml")
    os.symlink(pack / "shared" / "main.yaml", pack / "rules" / "main.yaml")
    assert load_pack(pack, {}).rules


def test_every_file_a_pack_reads_is_in_its_cache_key(tmp_path: Path, home: Path) -> None:
    """A rule file the fingerprint did not cover (not named *.yaml) was edited and the
    cached pack kept deciding by the old rules: rule files are YAML files."""
    pack = make_pack(tmp_path)
    (pack / "rules" / "main.yaml").rename(pack / "rules" / "main.rules")
    _manifest(pack, "rules/main.rules")
    with pytest.raises(PolicyError, match=r"a rule file is YAML \(\.yaml or \.yml\)"):
        load_pack(pack, {})
    (pack / "rules" / "main.rules").rename(pack / "rules" / "main.yml")
    _manifest(pack, "rules/main.yml")
    first = load_pack(pack, {})
    (pack / "rules" / "main.yml").write_text(
        GOOD_RULES.replace("ciio-purchase", "changed"), "utf-8"
    )
    assert [r.id for r in load_pack(pack, {}).rules] == ["changed"] != [r.id for r in first.rules]
