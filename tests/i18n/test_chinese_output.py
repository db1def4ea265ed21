"""What a Chinese compliance officer reads: the gate in Chinese, citations by date, the
demo sweep with a Chinese message for every finding, and no raw value or field path
in prose in either language."""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.record import Category, Record, ReviewStatus
from cyberreview_policy.models.validate import validator
from cyberreview_policy.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
PO_117 = ROOT / "examples" / "po-117.json"
DEMO = ROOT / "examples" / "procurement.jsonl"
CJK = re.compile("[\u4e00-\u9fff]")
#: a raw value of a fixed set, or a dotted field path, in prose
RAW = re.compile(
    r"\b(?:"
    + "|".join(
        value
        for value in (*typing.get_args(Category), *typing.get_args(ReviewStatus))
        if "_" in value
    )
    + r")\b|\b(?:product|operator|contract|deployment|review|risk|vendor|listing)\.[a-z_]+"
)


def test_the_gate_reads_in_chinese(cli: Any) -> None:
    result = cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--lang", "zh-CN")
    assert result.code == 2
    out = result.out
    assert out.startswith("阻止  PO-2021-0117/1 East Grid Power采购的Backbone router")
    assert "判定日期：2021年6月1日" in out
    assert (
        "review-required  Backbone router（核心网络设备）须申报网络安全审查（运营者判断影响或者"
        "可能影响国家安全：是；审查状态：未申报）" in out
    )
    assert "《网络安全审查办法》（2020年）第五条" in out
    assert "《中华人民共和国网络安全法》第三十五条" in out
    assert "处理建议：尚未申报的，按照《网络安全审查办法》第七条提交材料" in out
    assert "案件 CR-000001（网络安全审查，规则 review-required）：已立案" in out
    assert not RAW.search(out)
    for word in ("block", "advisory", "true", "none", "Measures", "CSL", "fix:"):
        assert word not in out, word


def test_from_2026_it_cites_article_37(cli: Any) -> None:
    result = cli("gate", "--record", PO_117, "--as-of", "2026-03-01", "--lang", "zh-CN")
    assert "《中华人民共和国网络安全法》第三十七条" in result.out
    assert "第三十五条" not in result.out
    cited = next(line for line in result.out.splitlines() if "第三十七条" in line)
    assert "《网络安全审查办法》第八条" not in cited  # Art. 8 is in the fix, not cited
    assert "处理建议：尚未申报的，按照《网络安全审查办法》第八条提交材料" in result.out


def test_json_keys_and_ids_do_not_change_and_texts_are_added(cli: Any) -> None:
    english = json.loads(
        cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--format", "json").out
    )
    chinese = json.loads(
        cli(
            "gate",
            "--record",
            PO_117,
            "--as-of",
            "2021-06-01",
            "--format",
            "json",
            "--lang",
            "zh-CN",
            "--no-cases",
        ).out
    )
    assert "lang" not in english and chinese["lang"] == "zh-CN"
    for before, after in zip(english["findings"], chinese["findings"], strict=True):
        assert set(after) - set(before) == {
            "title_localized",
            "message_localized",
            "remediation_localized",
            "citations_localized",
        }
        for key in before:
            assert after[key] == before[key], key
        assert CJK.search(after["message_localized"])


def test_the_language_comes_from_the_environment_and_the_locale(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli("gate", "--record", PO_117, "--as-of", "2021-06-01").out.startswith("阻止")
    monkeypatch.setenv("CYBERREVIEW_LANG", "en")
    assert cli("gate", "--record", PO_117, "--as-of", "2021-06-01").out.startswith("BLOCK")
    assert cli(
        "gate", "--record", PO_117, "--as-of", "2021-06-01", "--lang", "zh-CN+en"
    ).out.startswith("阻止（BLOCK）")
    bad = cli("gate", "--record", PO_117, "--lang", "fr")
    assert bad.code == 3 and "--lang: unknown language 'fr'" in bad.err


def test_a_language_does_not_outlive_its_command(cli: Any) -> None:
    cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--lang", "zh-CN")
    assert cli("gate", "--record", PO_117, "--as-of", "2021-06-01").out.startswith("BLOCK")


def _demo() -> list[Record]:
    check = validator()
    return [
        typing.cast(Record, check.validate_json(line))
        for line in DEMO.read_text("utf-8").splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize("as_of", [dt.date(2021, 6, 1), dt.date(2023, 9, 1), dt.date(2026, 3, 1)])
def test_the_demo_sweep_has_a_chinese_message_for_every_finding(as_of: dt.date) -> None:
    runtime = Runtime()
    packs = runtime.packs([], as_of)
    law = runtime.catalog.law
    chinese = Engine(packs, lang="zh-CN", law=law)
    english = Engine(packs)
    seen = 0
    for record in _demo():
        for finding in chinese.decide(record, as_of)["findings"]:
            seen += 1
            message = finding.get("message_localized", "")
            assert CJK.search(message), (finding["rule"], message)
            assert CJK.search(finding.get("title_localized", "")), finding["rule"]
            assert not RAW.search(message), (finding["rule"], message)
            assert all(c.startswith("《") for c in finding["citations_localized"]), finding
        for finding in english.decide(record, as_of)["findings"]:
            assert not RAW.search(finding["message"]), (finding["rule"], finding["message"])
            assert not RAW.search(finding["remediation"] or ""), finding["rule"]
    assert seen > 100


def test_cases_read_in_chinese(cli: Any) -> None:
    swept = cli("sweep", DEMO, "--as-of", "2021-06-01", "--lang", "zh-CN")
    assert swept.code == 0
    assert "已排查 240 条记录，判定日期 2021年6月1日" in swept.out
    assert "  判定结果  阻止 87  警告 66  允许 87" in swept.out
    assert "阻止   PO-2020-004102/1   risk-anticipation: East China Provincial Grid" in swept.out
    listed = cli("cases", "list", "--as-of", "2021-06-01", "--lang", "zh-CN").out
    assert "网络安全审查  已申报（确定是否审查）" in listed
    assert "确定是否需要审查，截至2021年6月4日" in listed
    special = next(line for line in listed.splitlines() if "特别审查程序" in line).split()[0]
    shown = cli("cases", "show", special, "--as-of", "2021-06-01", "--lang", "zh-CN").out
    assert "状态           特别审查程序" in shown
    assert "申报材料（《网络安全审查办法》（2020年）第七条）" in shown
    assert "[x] 关于影响或者可能影响国家安全的分析报告" in shown
    assert "待申报 → 已申报（确定是否审查）" in shown
    assert re.search(r"成员单位意见\s+15个工作日", shown)
    assert not RAW.search(shown.split("记录摘要值")[0])
    english = cli("cases", "show", special, "--as-of", "2021-06-01").out
    assert "state          special_review" in english  # English keeps its values


def test_ci_annotations_for_people_read_in_chinese(cli: Any) -> None:
    result = cli(
        "gate",
        "--record",
        PO_117,
        "--as-of",
        "2021-06-01",
        "--no-cases",
        "--lang",
        "zh-CN",
        "--ci",
        "github",
    )
    annotation = next(line for line in result.out.splitlines() if line.startswith("::error"))
    assert "title=review-required%3A 须申报网络安全审查且尚未通过" in annotation
    assert (
        "%0A依据：《网络安全审查办法》（2020年）第二条；《网络安全审查办法》（2020年）第五条"
        in annotation
    )
    assert "%0A处理建议：尚未申报的" in annotation and "Cites:" not in annotation


def test_the_readme_shows_the_real_chinese_gate_output(cli: Any) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    command = "$ cyberreview gate --record examples/po-117.json --as-of 2021-06-01 --lang zh-CN\n"
    assert command in readme
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    result = cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--lang", "zh-CN")
    assert result.out == shown
