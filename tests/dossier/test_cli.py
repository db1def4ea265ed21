"""``cyberreview cases dossier`` as the officer runs it."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

from tests.conftest import COVERED, Result, with_changes
from tests.dossier.conftest import unzip

Cli = Callable[..., Result]
PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")


def _case(cli: Cli, tmp_path: Path) -> Path:
    record = tmp_path / "po.json"
    record.write_text(json.dumps(COVERED), "utf-8")
    cli("gate", "--record", record, *PINNED)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF accepted")
    cli("cases", "transition", "CR-000001", "declared", "--on", "2021-06-02")
    cli(
        "cases", "notice", "CR-000001", "--kind", "accepted", "--ref", "网审受〔2021〕3号",
        "--on", "2021-06-03", "--file", letter,
    )  # fmt: skip
    return record


def test_the_dossier_is_written_owner_only_and_never_over_a_file(cli: Cli, tmp_path: Path) -> None:
    record = _case(cli, tmp_path)
    out = tmp_path / "CR-000001.zip"
    built = cli("cases", "dossier", "CR-000001", "--output", out, "--record", record, *PINNED)
    assert built.code == 0, built.err
    assert built.out.startswith(f"CR-000001: dossier (7 files, {out.stat().st_size} bytes")
    assert built.out.endswith(f"written to {out}\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    opened = unzip(out.read_bytes())
    form = opened.cells("01-declaration-form.docx")
    assert form["合同金额"] == "420万元"
    assert opened.files["05-notices/office_notice-v1-letter.pdf"] == b"%PDF accepted"
    findings = opened.texts("02-impact-analysis.docx")
    assert "review-required" in findings  # the rules ran on the record, in Chinese
    assert (
        "《网络安全审查办法》（2020年）第二条；《网络安全审查办法》（2020年）第五条；"
        "《中华人民共和国网络安全法》第三十五条"
    ) in findings
    assert any(
        text.startswith("Backbone router（核心网络设备）须申报网络安全审查") for text in findings
    )
    again = cli("cases", "dossier", "CR-000001", "--output", out)
    assert again.code == 3
    assert f"--output {out} exists: give a new file" in again.err
    trail = [json.loads(line) for line in cli("audit", "export").out.splitlines()]
    assert [e["action"] for e in trail].count("case.dossier") == 1  # the refused one is not


def test_english_and_a_wrong_record(cli: Cli, tmp_path: Path) -> None:
    _case(cli, tmp_path)
    out = tmp_path / "en.zip"
    built = cli("cases", "dossier", "CR-000001", "-o", out, "--lang", "en")
    assert built.code == 0, built.err
    form = unzip(out.read_bytes()).cells("01-declaration-form.docx")
    assert form["Contract number"] == "[to be completed]"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(with_changes(COVERED, id="PO-9")), "utf-8")
    wrong = cli("cases", "dossier", "CR-000001", "-o", tmp_path / "x.zip", "--record", other)
    assert wrong.code != 0
    assert "case CR-000001 is about record PO-2021-0117/1, not PO-9" in wrong.err
    assert not (tmp_path / "x.zip").exists()
    both = cli("cases", "dossier", "CR-000001", "-o", tmp_path / "z.zip", "--lang", "zh-CN+en")
    assert "申报材料包只用一种语言，zh-CN 或 en" in both.err  # asked in Chinese (and English)
    assert not (tmp_path / "z.zip").exists()
    missing = cli("cases", "dossier", "CR-000077", "-o", tmp_path / "y.zip")
    assert missing.code != 0 and "CR-000077" in missing.err
    assert not (tmp_path / "y.zip").exists()
