"""Sweep reports: every finding as CSV and JSON, and the HTML page, looked at in Chromium."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, Result, with_changes
from tests.report.png import count_near, pixels
from tests.waivers.helpers import granted

Cli = Callable[..., Result]
EXAMPLES = Path(__file__).parents[2] / "examples" / "procurement.jsonl"
DEMO = ("--as-of", "2021-06-01")


def chromium() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail("Chromium is needed to look at the report: python scripts/ensure_chromium.py")
    return found


def headless(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture
def swept(cli: Cli, tmp_path: Path) -> dict[str, Any]:
    paths = {suffix: tmp_path / f"report.{suffix}" for suffix in ("html", "csv", "json")}
    result = cli(
        "sweep",
        EXAMPLES,
        *DEMO,
        "--format",
        "jsonl",
        *(arg for path in paths.values() for arg in ("--report", path)),
    )
    assert result.code == 0, result.err
    return {"result": result, **paths}


def test_csv_and_json_hold_every_finding(swept: dict[str, Any]) -> None:
    decisions = swept["result"].lines()[:-1]
    expected = [(d["record_id"], f["rule"]) for d in decisions for f in d["findings"]]
    assert swept["csv"].read_bytes().startswith(b"\xef\xbb\xbfrecord_id,")  # BOM: Excel reads UTF-8
    with open(swept["csv"], newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["record_id"], r["rule"]) for r in rows] == expected
    blocked = next(r for r in rows if r["rule"] == "in-use-without-review")
    assert blocked["exposure_low"] and blocked["currency"] == "CNY"
    assert blocked["citations"].startswith("Measures 2020 Art.") or "CSL" in blocked["citations"]
    data = json.loads(swept["json"].read_text("utf-8"))
    assert [(f["record_id"], f["rule"]) for f in data["findings"]] == expected
    assert data["summary"]["records"] == 240
    assert data["report"]["blocked"] == 87
    exposures = data["report"]["exposure"]
    assert len({e["operator"] for e in exposures}) == len(exposures) > 1  # one per operator
    for exposure in exposures:
        assert exposure["currency"] == "CNY"
        assert float(exposure["low"]) > 0
        assert float(exposure["high"]) == 10 * float(exposure["low"])


def test_html_says_what_a_director_needs(swept: dict[str, Any]) -> None:
    page = swept["html"].read_text("utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "Complete: every record of every source was read and decided." in page
    assert "<b>87</b> of 240 products may not be put into use" in page
    assert page.index("Blocked (87)") < page.index("<h2>Findings by rule</h2><table>")
    for section in (
        "By operator",
        "By system",
        "Penalty exposure, by operator",
        "Overdue review cases",
        "Warned (66)",
        "Cases, by kind",
        "Records",
        "Since the previous sweep",
    ):
        assert f"<h2>{section}" in page
    assert "Measures 2020 Art. 5" in page


def test_an_incomplete_sweep_says_so_first(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(COVERED) + "\n{broken\n", "utf-8")
    page = tmp_path / "r.html"
    result = cli("sweep", bad, *DEMO, "--report", page)
    assert result.code == 3
    text = page.read_text("utf-8")
    assert "INCOMPLETE: this sweep did not see everything" in text
    assert text.index("INCOMPLETE") < text.index("Decisions")


def test_change_since_the_previous_sweep(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(COVERED) + "\n", "utf-8")
    cli("sweep", path, *DEMO)
    fixed = with_changes(COVERED, review__status="passed")
    path.write_text(json.dumps(fixed) + "\n", "utf-8")
    page = tmp_path / "r.html"
    result = cli("sweep", path, *DEMO, "--report", page, "--format", "jsonl")
    findings = result.lines()[-1]["summary"]["findings"]
    assert findings["resolved"] >= 1 and findings["new"] == 0
    text = page.read_text("utf-8")
    assert "<b>0</b> new finding(s)," in text
    assert f"<b>{findings['resolved']}</b> resolved." in text


@pytest.mark.slow
def test_the_page_renders_in_chromium(swept: dict[str, Any], tmp_path: Path) -> None:
    """Look at the page as a browser draws it: the DOM, and the pixels of the charts."""
    url = swept["html"].resolve().as_uri()
    dom = headless("--dump-dom", url, profile=tmp_path / "p1").stdout
    assert "Cybersecurity review: compliance sweep" in dom
    assert "Blocked (87)" in dom
    shot = tmp_path / "shot.png"
    headless("--window-size=1100,900", f"--screenshot={shot}", url, profile=tmp_path / "p2")
    width, height, rows = pixels(shot)
    assert (width, height) == (1100, 900)
    for name, rgb in {
        "block": (176, 58, 46),
        "warn": (194, 124, 14),
        "allow": (30, 132, 73),
    }.items():
        assert count_near(rows, rgb) > 3000, f"no {name} bar drawn"


@pytest.fixture
def swept_in_chinese(cli: Cli, tmp_path: Path) -> dict[str, Path]:
    paths = {suffix: tmp_path / f"zh.{suffix}" for suffix in ("html", "csv")}
    result = cli(
        "sweep",
        EXAMPLES,
        *DEMO,
        "--lang",
        "zh-CN",
        "--output",
        tmp_path / "out.txt",
        *(arg for path in paths.values() for arg in ("--report", path)),
    )
    assert result.code == 0, result.err
    return paths


def test_a_chinese_report_and_csv(swept_in_chinese: dict[str, Path]) -> None:
    page = swept_in_chinese["html"].read_text("utf-8")
    assert page.startswith("<!doctype html><html lang='zh-CN'>")
    assert "<h1>网络安全审查：合规排查报告</h1>" in page
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page  # the CJK font stack
    assert "须申报网络安全审查" in page and "《网络安全审查办法》（2020年）第五条" in page
    assert (
        "<span>已判定记录</span>" in page
        and "按现状不得投入使用。最常见的原因：须申报网络安全审查且尚未通过" in page
    )
    assert "万</b>" in page  # penalty exposure in 万 / 亿
    with open(swept_in_chinese["csv"], newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and all(row["message_localized"] for row in rows)
    assert rows[0]["message"] != rows[0]["message_localized"]  # both: additive columns


def test_the_chinese_report_heads_its_columns_and_notes_in_chinese(
    swept_in_chinese: dict[str, Path],
) -> None:
    page = swept_in_chinese["html"].read_text("utf-8")
    for head in (
        "规则",
        "结果",
        "记录数",
        "依据",
        "规则包",
        "运营者 · 系统",
        "原因",
        "问题",
        "处理建议",
    ):
        assert f"<th>{head}</th>" in page or f"<th class='n'>{head}</th>" in page, head
    for head in ("币种", "下限", "上限", "期间", "期限"):
        assert head in page, head
    assert "<footer>由 cyberreview-policy" in page
    assert "《网络安全审查办法》" in page.split("<footer>")[1]  # the confidentiality article
    assert "计划上线" in page
    text = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", "\n", page, flags=re.S)
    english = {
        "rule",
        "outcome",
        "records",
        "citations",
        "pack",
        "operator",
        "reason",
        "finding",
        "fix",
        "currency",
        "low",
        "high",
        "findings",
        "deadline",
        "period",
        "state",
        "case",
        "planned go-live",
        "Made by",
        "Compared with",
        "not recorded",
        "no case",
        "provisional",
        "Products in use",
        "OVERDUE",
        "block",
        "warn",
        "allow",
        "advisory",
    }
    lines = {line.strip() for line in text.splitlines()}
    assert not english & lines
    assert not [line for line in lines if line.startswith(tuple(english - {"case"}))]


@pytest.mark.slow
def test_the_chinese_report_is_drawn_with_chinese_glyphs(
    swept_in_chinese: dict[str, Path], tmp_path: Path
) -> None:
    """The browser finds a Chinese font (fonts-noto-cjk or fonts-wqy-microhei, which
    scripts/ensure_chromium.py installs) and draws the heading with it, not with
    boxes: the printed page embeds that font, and the heading has ink."""
    url = swept_in_chinese["html"].resolve().as_uri()
    dom = headless("--dump-dom", url, profile=tmp_path / "p1").stdout
    assert '<html lang="zh-CN">' in dom and "网络安全审查：合规排查报告" in dom
    pdf = tmp_path / "zh.pdf"
    headless(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url, profile=tmp_path / "p2")
    fonts = set(re.findall(rb"/FontName\s*/[A-Z]{6}\+([A-Za-z0-9_-]+)", pdf.read_bytes()))
    cjk = {f for f in fonts if re.search(rb"CJK|WenQuanYi|WQY|MicroHei|DroidSansFallback", f)}
    assert cjk, f"no Chinese font drawn the page (fonts: {sorted(fonts)})"
    shot = tmp_path / "zh.png"
    headless("--window-size=1100,300", f"--screenshot={shot}", url, profile=tmp_path / "p3")
    _, _, rows = pixels(shot)
    heading = rows[25:65]  # the <h1>, 24px, at the top of the page
    ink = sum(1 for row in heading for i in range(0, 3 * 500, 3) if row[i] < 80)
    assert ink > 400, "the Chinese heading has no ink"


def test_overdue_cases_kinds_operators_and_record_sections(swept: dict[str, Any]) -> None:
    data = json.loads(swept["json"].read_text("utf-8"))
    report, summary = data["report"], data["summary"]
    overdue_rule = next(r["count"] for r in summary["rules"] if r["rule"] == "review-overdue")
    assert report["overdue_total"] == len(report["overdue"]) == overdue_rule  # they agree
    assert all(row["case"] and row["deadline"] for row in report["overdue"])
    assert report["cases"] == {
        kind: {what: n for what, n in counts.items() if n}
        for kind, counts in summary["cases"]["by_kind"].items()
    }
    assert report["warned"] == 66 and len(report["warned_listed"]) == 66
    page = swept["html"].read_text("utf-8")
    first = report["blocked_listed"][0]
    assert f"<a href='#{first['anchor']}'>{first['record_id']}</a>" in page
    assert f"<section class='record' id='{first['anchor']}'>" in page
    listed = next(r for r in report["records_listed"] if r["anchor"] == first["anchor"])
    assert listed["planned_go_live"] and listed["findings"][0]["fix"]
    assert any(case["id"].startswith("CR-") for case in listed["cases"])
    assert "operators exposed to penalties" in page and "in all" not in page


def test_a_report_of_one_operator(cli: Cli, tmp_path: Path) -> None:
    page, data = tmp_path / "op.html", tmp_path / "op.json"
    operator = "East China Provincial Grid Co., Ltd."
    result = cli(
        "sweep", EXAMPLES, *DEMO, "--report", page, "--report", data, "--operator", operator
    )
    assert result.code == 0, result.err
    report = json.loads(data.read_text("utf-8"))
    assert report["report"]["operator"] == operator
    assert set(report["report"]["by_operator"]) == {operator}
    assert {f["operator"] for f in report["findings"]} == {operator}
    assert 0 < report["report"]["records"] < 240
    assert f"operator <b>{operator}</b> only" in page.read_text("utf-8")
    alone = cli("sweep", EXAMPLES, *DEMO, "--operator", operator)
    assert alone.code == 3 and "--operator scopes the --report files" in alone.err


def test_a_back_dated_or_incomplete_sweep_is_not_the_baseline(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(COVERED) + "\n", "utf-8")
    today = ("--pack", "cn-csr-2022", "--format", "jsonl")
    first = cli("sweep", path, *today)
    assert first.lines()[-1]["summary"]["findings"]["new"] >= 1
    back = cli("sweep", path, "--pack", "cn-csr-2020", *DEMO, "--format", "jsonl")
    assert back.lines()[-1]["summary"]["findings"]["new"] >= 1  # its own regime: no earlier
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(with_changes(COVERED, deployment__cii=False)) + "\n{x\n")
    path.write_text(broken.read_text("utf-8"))
    incomplete = cli("sweep", path, *today)
    assert incomplete.code == 3
    path.write_text(json.dumps(COVERED) + "\n", "utf-8")
    page = tmp_path / "r.html"
    again = cli("sweep", path, *today, "--report", page)
    findings = again.lines()[-1]["summary"]["findings"]
    assert (findings["new"], findings["resolved"]) == (0, 0)  # nothing changed since the first
    text = page.read_text("utf-8")
    assert "<b>0</b> new finding(s), <b>0</b> waived, <b>0</b> resolved." in text


def test_a_waived_finding_is_waived_not_resolved(cli: Cli, tmp_path: Path, home: Path) -> None:
    import datetime as dt

    record = with_changes(
        COVERED,
        review__status="passed",
        contract__commitments__no_illegal_control=False,
        deployment__planned_date=None,
    )
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", "utf-8")
    today = ("--pack", "cn-csr-2022", "--format", "jsonl")
    first = cli("sweep", path, *today)
    assert first.lines()[-1]["summary"]["findings"]["new_by_rule"] == {"commitments": 1}
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    added = granted(
        cli, "--rule", "commitments", "--record", record["id"], "--reason", "signed",
        "--expires", expires,
    )  # fmt: skip
    assert added.code == 0, added.err
    page = tmp_path / "w.html"
    second = cli("sweep", path, *today, "--report", page)
    findings = second.lines()[-1]["summary"]["findings"]
    assert (findings["waived"], findings["resolved"], findings["new"]) == (1, 0, 0)
    assert "<b>1</b> waived, <b>0</b> resolved." in page.read_text("utf-8")


def test_a_bilingual_report_puts_the_english_under_the_chinese(cli: Cli, tmp_path: Path) -> None:
    page, data = tmp_path / "both.html", tmp_path / "both.json"
    result = cli(
        "sweep",
        EXAMPLES,
        *DEMO,
        "--lang",
        "zh-CN+en",
        "--output",
        tmp_path / "out.txt",
        "--report",
        page,
        "--report",
        data,
    )
    assert result.code == 0, result.err
    html = page.read_text("utf-8")
    assert "须申报网络安全审查（运营者判断影响或者可能影响国家安全：是；审查状态：未申报）" in html
    assert "<br><span class='muted'>" in html and "needs a cybersecurity review" in html
    listed = json.loads(data.read_text("utf-8"))["report"]["records_listed"]
    finding = listed[0]["findings"][0]
    assert finding["lang"] == "zh-CN+en"
    assert not re.search("[\u4e00-\u9fff]", finding["message"])  # the English stays English
    assert re.search("[\u4e00-\u9fff]", finding["message_localized"])
