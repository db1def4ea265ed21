"""Hostile YAML: every file of ours (configuration, calendar, packs, waivers) goes through
one loader, which refuses an alias bomb at once, refuses text that is not text (a lone
surrogate, NUL) with its line, and writes back exactly what it was given (NEL included).

The alias bombs run the installed command (:class:`~cyberreview_policy.testing.cli.Operator`,
which gives up after 300 s): before the fix they never finished.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyberreview_policy.errors import PolicyError
from cyberreview_policy.policy.yamlsrc import dump, loads
from cyberreview_policy.testing.cli import Operator, Run
from tests.conftest import COVERED, with_changes
from tests.waivers.helpers import granted

#: the classic "billion laughs", 342 bytes: nine levels of nine aliases, 9^9 strings
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join(['*' + prev] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def _run(home: Path, *args: str | Path) -> Run:
    return Operator(home, "none", as_of="2021-06-01")(*map(str, args))


def test_the_bomb_is_342_bytes() -> None:
    assert len(LAUGHS.encode()) == 342


def test_an_alias_bomb_is_refused_at_once() -> None:
    with pytest.raises(PolicyError, match="aliases") as caught:
        loads(LAUGHS, "laughs.yaml")
    assert caught.value.location is not None
    assert str(caught.value.location).startswith("laughs.yaml:")


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(PolicyError, match="refers to itself"):
        loads("a: &a [1, *a]\n", "loop.yaml")


def test_small_aliases_and_merge_keys_still_work() -> None:
    data, lines = loads(
        "base: &base {type: buyly, settings: {url: 'http://x'}}\n"
        "one: {<<: *base, defaults: {a: 1}}\n"
        "two: *base\n"
        "note: &n hello\n"
        "again: *n\n",
        "c.yaml",
    )
    assert data["one"]["type"] == "buyly" and data["two"]["settings"] == {"url": "http://x"}
    assert data["again"] == "hello"
    assert lines.line(("two", "settings")) == 3  # under an alias: the alias's line


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(COVERED), encoding="utf-8")
    return path


def test_a_bomb_as_the_named_configuration_stops_the_gate(
    tmp_path: Path, home: Path, record: Path
) -> None:
    """An explicitly named --config is read and validated, even by ``gate --record``."""
    config = tmp_path / "laughs.yaml"
    config.write_text(LAUGHS, encoding="utf-8")
    result = _run(home, "gate", "--record", record, "--config", config, "--no-cases")
    assert result.code == 3, result.out
    assert result.err.startswith(f"cyberreview: error: {config}:")
    assert "aliases" in result.err


def test_a_broken_named_configuration_stops_the_gate(cli: object, tmp_path: Path) -> None:
    config = tmp_path / "typo.yaml"
    config.write_text("sorces: {}\n", encoding="utf-8")
    record = tmp_path / "po.json"
    record.write_text(json.dumps(COVERED), encoding="utf-8")
    result = cli("gate", "--record", record, "--config", config, "--no-cases")  # type: ignore[operator]
    assert result.code == 3
    assert result.err == f"cyberreview: error: {config}:1: sorces: unknown field\n"


@pytest.mark.parametrize("where", ["calendar", "pack", "waivers"])
def test_a_bomb_anywhere_else_is_exit_3(
    tmp_path: Path, home: Path, record: Path, where: str
) -> None:
    args: list[str | Path] = ["gate", "--record", record, "--as-of", "2021-06-01"]
    if where == "calendar":
        bomb = tmp_path / "calendar.yaml"
        args += ["--calendar", bomb]
    elif where == "pack":
        pack = tmp_path / "p"
        (pack / "rules").mkdir(parents=True)
        (pack / "pack.yaml").write_text(
            "id: bomb\ntitle: t\nversion: 1.0.0\neffective_from: 2020-06-01\n"
            "implements: [x]\nrules: [rules]\n",
            encoding="utf-8",
        )
        bomb = pack / "rules" / "r.yaml"
        args += ["--pack", pack]
    else:  # waiver files are read by `waivers import` (waivers live in the case store)
        bomb = tmp_path / "waivers.yaml"
        args = ["waivers", "import", bomb]
    bomb.write_text(LAUGHS, encoding="utf-8")
    result = _run(home, *args)
    assert result.code == 3, (result.out, result.err)
    assert f"{bomb}:" in result.err and "aliases" in result.err


@pytest.mark.parametrize(
    ("escape", "what"),
    [("\\ud800", "invalid Unicode character"), ("\\0", "NUL"), ("\\x00", "NUL")],
)
def test_text_that_is_not_text_is_refused_with_its_line(escape: str, what: str) -> None:
    with pytest.raises(PolicyError, match=what) as caught:
        loads(f'a: 1\nb:\n  c: "x{escape}y"\n', "w.yaml")
    assert str(caught.value).startswith("w.yaml:3:")


@pytest.mark.parametrize(
    "text",
    [
        "Example\u0085Networks",  # NEL: a line break to YAML 1.1, a character here
        "a\u2028b\u2029c",
        "line\r\nbreak",
        "tab\tand\x1b[31mansi\x9b",
        "  leading and trailing  ",
        "\ufeffbom",
        "中国 网络",
    ],
)
def test_what_is_written_reads_back_exactly(text: str) -> None:
    data, _ = loads(dump({"vendor": text, "list": [text]}), "w.yaml")
    assert data == {"vendor": text, "list": [text]}


def test_a_waiver_for_a_name_with_nel_is_kept_and_applies(
    cli: object, tmp_path: Path, home: Path
) -> None:
    """``waivers request --vendor 'Example<NEL>Networks'`` was stored as 'Example Networks'
    (PyYAML writes NEL raw in a quoted scalar, and reads it back as a line break)."""
    name = "Example\u0085Networks"
    added = granted(
        cli, "--rule", "commitments", "--vendor", name, "--reason", "r",
        "--created", "2021-05-01", "--expires", "2021-12-31",
    )  # fmt: skip
    assert added.code == 0, added.err
    listed = cli("waivers", "list", "--format", "json").json()  # type: ignore[operator]
    assert listed[0]["scope"] == {"vendor": name}
    gap = with_changes(
        COVERED,
        vendor__name=name,
        review__status="passed",
        contract__commitments__no_illegal_control=None,
    )
    record = tmp_path / "gap.json"
    record.write_text(json.dumps(gap), encoding="utf-8")
    decided = cli(  # type: ignore[operator]
        "gate", "--record", record, "--as-of", "2021-06-01", "--format", "json"
    )
    waived = next(f for f in decided.json()["findings"] if f["rule"] == "commitments")
    assert waived["waiver"] is not None


def test_an_argument_that_is_not_text_is_refused(cli: object) -> None:
    """Bytes that are not UTF-8 on the command line reach Python as lone surrogates: a
    waiver so named was an internal error (and nearly a file that no longer loads)."""
    refused = cli(  # type: ignore[operator]
        "waivers", "request", "--rule", "commitments", "--vendor", "Ex\udcffample", "--reason",
        "r", "--created", "2021-05-01", "--expires", "2021-12-31",
    )  # fmt: skip
    assert refused.code == 3
    assert refused.err == (
        "cyberreview: error: argument 6 is not UTF-8 text (Ex\\udcffample): "
        "fix the encoding of the command line\n"
    )
    assert cli("waivers", "list").code == 0  # type: ignore[operator]
