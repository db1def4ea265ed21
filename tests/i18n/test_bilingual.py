"""``--lang zh-CN+en``: Chinese with the English side by side, in the gate's text, the
sweep's lines and summary, and the HTML report's headings and column heads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.i18n import width

ROOT = Path(__file__).resolve().parents[2]
PO_117 = ROOT / "examples" / "po-117.json"
DEMO = ROOT / "examples" / "procurement.jsonl"
#: a record of the demo whose finding carries a penalty exposure (in use without review)
EXPOSED = "PO-2021-004134/1"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERREVIEW_HOME", str(tmp_path / "home"))


def test_the_gate_side_by_side(cli: Any) -> None:
    both = cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--lang", "zh-CN+en")
    english = cli("gate", "--record", PO_117, "--as-of", "2021-06-01", "--no-cases")
    lines = both.out.splitlines()
    assert lines[0].startswith("阻止（BLOCK）  PO-2021-0117/1")
    message = next(line for line in english.out.splitlines() if "review-required" in line)
    english_message = message.split("review-required", 1)[1].strip()
    at = next(i for i, line in enumerate(lines) if "review-required  " in line)
    assert "须申报网络安全审查" in lines[at]
    assert lines[at + 1].strip() == english_message
    assert lines[at + 2].strip().startswith("《网络安全审查办法》（2020年）第二条")
    assert lines[at + 3].strip() == "Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35"
    assert lines[at + 4].strip().startswith("处理建议：")
    assert lines[at + 5].strip().startswith("fix: ")


def test_the_gate_gives_the_exposure_in_both(cli: Any, tmp_path: Path) -> None:
    record = next(
        line for line in DEMO.read_text("utf-8").splitlines() if json.loads(line)["id"] == EXPOSED
    )
    path = tmp_path / "exposed.json"
    path.write_text(record, "utf-8")
    out = cli(
        "gate", "--record", path, "--as-of", "2026-03-01", "--lang", "zh-CN+en", "--no-cases"
    ).out
    assert re.search(r"处罚风险：[0-9.]+万元至[0-9.]+万元", out)
    assert re.search(r"exposure: CNY [0-9,]+ to [0-9,]+ \(1-10 x the contract amount\)", out)


def test_the_sweep_lines_and_summary_side_by_side(cli: Any) -> None:
    args = ("sweep", DEMO, "--no-cases", "--as-of", "2026-03-01")
    both = cli(*args, "--lang", "zh-CN+en").out.splitlines()
    english = cli(*args).out.splitlines()
    first = next(i for i, line in enumerate(both) if line.startswith("阻止（block）"))
    rule_and_english = next(line for line in english if line.startswith("block"))
    rule = rule_and_english.split()[2]
    assert both[first].split()[2] == rule
    english_message = rule_and_english.split(rule, 1)[1].strip()
    assert both[first + 1].strip() == english_message
    # the English starts where the Chinese message does (CJK counted as two columns)
    prefix = both[first].split(": ", 1)[0] + ": "
    assert len(both[first + 1]) - len(both[first + 1].lstrip()) == width(prefix)
    assert any("判定结果  阻止（block）" in line for line in both)


def test_the_report_heads_side_by_side(cli: Any, tmp_path: Path) -> None:
    page = tmp_path / "both.html"
    result = cli(
        "sweep",
        DEMO,
        "--no-cases",
        "--lang",
        "zh-CN+en",
        "--report",
        page,
        "--output",
        tmp_path / "out.txt",
    )
    assert result.code == 0, result.err
    html = page.read_text("utf-8")
    assert "<h1>网络安全审查：合规排查报告 / Cybersecurity review: compliance sweep</h1>" in html
    assert "<h2>按规则统计的问题 / Findings by rule</h2>" in html
    assert "<th>规则 / rule</th>" in html and "<th>处理建议 / fix</th>" in html
    assert "<th class='n'>阻止（block）</th>" in html
    chinese = tmp_path / "zh.html"
    cli(
        "sweep",
        DEMO,
        "--no-cases",
        "--lang",
        "zh-CN",
        "--report",
        chinese,
        "--output",
        tmp_path / "out2.txt",
    )
    assert "<th>规则</th>" in chinese.read_text("utf-8")
    assert " / rule" not in chinese.read_text("utf-8")
