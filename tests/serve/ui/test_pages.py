"""What the board's pages show, read as a person reads them (the text of the page):
columns and counts, the case page through a review, refusals shown on the page, the
language remembered per session, waivers expiring soon, the sweep history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cyberreview_policy.runtime import Runtime
from tests.conftest import COVERED, with_changes
from tests.serve.ui.conftest import open_case


def column(html: str, name: str) -> str:
    """The HTML of one board column."""
    found = re.search(rf'<section class="column" id="col-{name}">(.*?)</section>', html, re.S)
    assert found, name
    return found.group(1)


def count(html: str, name: str) -> int:
    found = re.search(r'<span class="count">(\d+)</span>', column(html, name))
    assert found
    return int(found.group(1))


def test_the_board_sorts_cases_into_columns_with_counts(browser: Any) -> None:
    me = browser("reviewer")
    first = open_case(me.service, COVERED)
    second = open_case(me.service, with_changes(COVERED, id="PO-2021-0200/1"))
    step = me.post(
        f"/ui/cases/{second}/transition", {"to": "declared", "on": "2021-06-02", "note": "filed"}
    )
    assert step.status_code == 303
    html = me.get("/ui/cases").text
    assert '<html lang="zh-CN">' in html
    for name, label in (("open", "待申报"), ("declared", "已申报"), ("preliminary", "初步审查")):
        assert f"<h2>{label} " in column(html, name)
    assert (count(html, "open"), count(html, "declared"), count(html, "preliminary")) == (1, 1, 0)
    assert first in column(html, "open") and second in column(html, "declared")
    card = column(html, "open")
    for shown in (
        "PO-2021-0117/1",
        "Backbone router",
        "Example Networks",
        "Dispatch WAN",
        "关键信息基础设施",
        "2021-09-01",
        "供应商",  # the source lists the operator's material; the vendor's letter is awaited
    ):
        assert shown in card, shown
    declared = column(html, "declared")
    assert "网络安全审查办公室" in declared  # the Office holds the action
    assert "剩余工作日" in declared
    closed = re.search(
        r'<details class="closed" id="col-closed">\s*<summary>已结束 <span class="count">(\d+)',
        html,
    )
    assert closed and closed.group(1) == "0"
    filtered = me.get("/ui/cases?kind=assessment").text
    assert count(filtered, "open") == 0 and count(filtered, "declared") == 0
    assert count(me.get("/ui/cases?operator=Nobody").text, "open") == 0
    assert count(me.get("/ui/cases?operator=East+Grid+Power").text, "open") == 1


def test_a_review_walked_through_the_case_page(browser: Any) -> None:
    me = browser("reviewer")
    case_id = open_case(me.service, COVERED)
    page = f"/ui/cases/{case_id}"
    html = me.get(page).text
    assert '<option value="declared">已申报（确定是否审查）</option>' in html
    assert '<option value="passed">' not in html  # only the states the case can go to
    assert 'max="' + dt.date.today().isoformat() + '"' in html
    assert "关于影响或者可能影响国家安全的分析报告" in html and "申报书" in html  # the checklist

    def step(to: str, on: str, note: str = "done") -> str:
        answer = me.post(f"{page}/transition", {"to": to, "on": on, "note": note})
        assert answer.status_code == 303, answer.text
        return str(me.get(page).text)

    html = step("declared", "2021-06-02")
    assert '<span id="case-state">已申报（确定是否审查）</span>' in html
    html = step("under_review", "2021-06-10")
    assert "初步审查" in html and '<form method="post" action="/ui/cases/CR-000001/complex"' in html
    html = step("supplementing", "2021-06-20")
    assert '<span id="case-state">补充材料（期限中止）</span>' in html
    sent = me.post(
        f"{page}/materials",
        {"kind": "impact_analysis"},
        files={"file": ("分析报告.pdf", b"%PDF the analysis")},
    )
    assert sent.status_code == 303
    html = me.get(page).text
    assert "分析报告.pdf" in html
    assert '<option value="under_review">初步审查</option>' in html  # back where it paused
    html = step("under_review", "2021-06-25")
    html = step("passed", "2021-07-20")
    assert '<span id="case-state">审查通过</span>' in html
    assert "尚未登记办公室的审查结论通知" in html  # the warning, in the page's language
    notice = me.post(
        f"{page}/notice",
        {"kind": "conclusion", "ref": "网审〔2021〕12号", "on": "2021-07-21"},
        files={"file": ("conclusion.pdf", b"%PDF conclusion")},
    )
    assert notice.status_code == 303
    html = me.get(page).text
    assert "网审〔2021〕12号" in html and "尚未登记办公室的审查结论通知" not in html
    assert "transition_form" not in html and 'id="transition-form"' not in html  # closed
    download = me.get(f"{page}/materials/impact_analysis@1")
    assert download.content == b"%PDF the analysis"
    assert download.headers["content-disposition"].startswith("attachment;")
    dossier = me.get(html.split('id="dossier" href="')[1].split('"')[0])
    assert dossier.status_code == 200
    assert dossier.headers["content-disposition"].startswith('attachment; filename="CR-000001-')
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    assert any("conclusion.pdf" in n or "conclusion" in n for n in names), names


def test_refusals_are_shown_on_the_page(browser: Any) -> None:
    me = browser("reviewer")
    case_id = open_case(me.service, COVERED)
    page = f"/ui/cases/{case_id}"
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    ahead = me.post(f"{page}/transition", {"to": "declared", "on": tomorrow, "note": "x"})
    assert ahead.status_code == 409
    assert 'role="alert"' in ahead.text and "晚于今日" in ahead.text  # the session's language
    silent = me.post(f"{page}/transition", {"to": "declared", "on": "2021-06-02", "note": " "})
    assert silent.status_code == 400 and "说明：请写明原因（必填）" in silent.text
    wrong = me.post(f"{page}/transition", {"to": "passed", "on": "2021-06-02", "note": "x"})
    assert wrong.status_code == 409 and "declared" in wrong.text
    assert me.service.get(f"/v1/cases/{case_id}").json()["state"] == "open"
    assert me.get("/ui/cases/CR-999999").status_code == 404


def test_the_language_is_remembered_per_session(browser: Any) -> None:
    me = browser("reviewer")
    other = browser("auditor", me.service)
    toggled = me.post("/ui/lang", {"lang": "en", "next": "/ui/waivers"})
    assert toggled.status_code == 303 and toggled.headers["location"] == "/ui/waivers"
    html = me.get("/ui/cases").text
    assert '<html lang="en">' in html and "<h2>To declare " in html
    assert '<html lang="zh-CN">' in other.get("/ui/cases").text  # another session: its own
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    page = f"/ui/cases/{open_case(me.service, COVERED)}"
    ahead = me.post(f"{page}/transition", {"to": "declared", "on": tomorrow, "note": "x"})
    assert ahead.status_code == 409 and "after today" in ahead.text  # refusals follow it
    away = me.post("/ui/lang", {"lang": "en", "next": "https://evil.example/"})
    assert away.headers["location"] == "/ui/cases"


def test_waivers_requested_by_one_reviewer_and_approved_by_another(browser: Any) -> None:
    from tests.serve.conftest import Service

    li = browser("reviewer")
    today = dt.date.today()
    for record, days in (("PO-1/1", 10), ("PO-2/1", 200)):
        asked = li.post(
            "/ui/waivers/request",
            {
                "rule": "commitments",
                "scope_kind": "record",
                "scope_value": record,
                "reason": "contract amended",
                "ticket": "CHG-2041",
                "expires": (today + dt.timedelta(days=days)).isoformat(),
            },
        )
        assert asked.status_code == 303, asked.text
    html = li.get("/ui/waivers").text
    assert "/ui/waivers/approve" not in html  # nobody approves their own request
    from cyberreview_policy.cases.servestate import serve_store

    store = Runtime(store_url=li.service.store_url).store()
    try:
        token = serve_store(store).create_token("wang.fang", "reviewer", "pytest")[1]
    finally:
        store.close()
    wang = browser(
        "reviewer", Service(li.service.client, {"reviewer": token}, li.service.store_url)
    )
    html = wang.get("/ui/waivers").text
    assert html.count('action="/ui/waivers/approve"') == 2
    ids = re.findall(r'name="id" value="([^"]+)"', html)
    done = wang.post("/ui/waivers/approve", {"id": ids[0]})
    assert done.status_code == 303
    own = li.post("/ui/waivers/approve", {"id": ids[2]})
    assert own.status_code == 403 and 'role="alert"' in own.text
    html = wang.get("/ui/waivers").text
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', html, re.S)
    assert len(rows) == 2
    active = [cells for cls, cells in rows if cls.startswith("active")]
    assert (
        len(active) == 1 and "token:wang.fang" in active[0] and "token:test-reviewer" in active[0]
    )
    soon = [cells for cls, cells in rows if "expiring" in cls]
    assert len(soon) == 1 and "PO-1/1" in soon[0] and "30 日内到期" in soon[0]
    assert "CHG-2041" in html


def test_the_sweep_history_has_a_chart_and_links(browser: Any, home: Any) -> None:
    me = browser("reviewer")
    store = Runtime(store_url=me.service.store_url).store()
    try:
        for index, (as_of, block) in enumerate((("2026-11-01", 3), ("2026-11-02", 5))):
            run = f"run-{index}"
            store.start_run(run, "demo", dt.date.fromisoformat(as_of))
            summary = {"records": 10, "decisions": {"block": block, "warn": 1, "allow": 9 - block}}
            store.finish_run(run, True, summary)
    finally:
        store.close()
    html = me.get("/ui/sweeps").text
    assert html.count('<tr class="complete">') == 2
    assert '<svg role="img"' in html
    bars = re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="\d+" height="[\d.]+" fill="#c0392b">', html
    )
    assert len(bars) == 2  # a block bar per sweep
    assert "2026-11-02 阻止: 5" in html


def test_the_vendor_holds_the_action_when_the_office_asks_for_its_letter(browser: Any) -> None:
    """A supplement request naming the provider's commitment letter (Art. 6), recorded
    on the case page: the card and the page say the vendor acts; once the letter is
    attached, the operator."""
    me = browser("reviewer")
    case_id = open_case(me.service, COVERED)
    page = f"/ui/cases/{case_id}"
    for to, on in (("declared", "2021-06-02"), ("supplementing", "2021-06-20")):
        assert me.post(f"{page}/transition", {"to": to, "on": on, "note": "x"}).status_code == 303
    asked = me.post(
        f"{page}/notice",
        {
            "kind": "supplement_request",
            "ref": "网审补〔2021〕3号",
            "on": "2021-06-20",
            "request_commitment_letter": "1",
        },
    )
    assert asked.status_code == 303, asked.text
    html = me.get(page).text
    assert '<dd id="fact-holder" class="holder">供应商</dd>' in html
    assert '<span class="requests">产品和服务提供者承诺书</span>' in html
    assert '<dd class="holder">供应商</dd>' in column(me.get("/ui/cases").text, "supplementing")
    assert me.service.get(f"/v1/cases/{case_id}").json()["holder"] == "vendor"
    sent = me.post(
        f"{page}/materials",
        {"kind": "commitment_letter", "answers": "网审补〔2021〕3号"},
        files={"file": ("承诺书.pdf", b"%PDF letter")},
    )
    assert sent.status_code == 303
    assert '<dd id="fact-holder" class="holder">运营者</dd>' in me.get(page).text
    wrong = me.post(
        f"{page}/notice",
        {"kind": "accepted", "ref": "A-1", "on": "2021-06-20", "request_other": "1"},
    )
    assert wrong.status_code == 409 and "只有补充材料通知" in wrong.text


def test_every_page_speaks_chinese_in_a_chinese_session(browser: Any) -> None:
    """The rule's title and fix from the pack's translations, the Measures cited as the
    law texts write them, the history, roles, audit actions, waiver states and scopes,
    the board's own refusals: Chinese; in English the pack's English."""
    me = browser("reviewer")
    auditor = browser("auditor", me.service)
    case_id = open_case(me.service, COVERED)
    page = f"/ui/cases/{case_id}"
    html = me.get(page).text
    assert "须申报网络安全审查且尚未通过" in html  # the title, from translations: zh-CN
    assert '<p class="fix"><strong>处理办法:</strong> 尚未申报的' in html
    assert "Review required" not in html and "Declare" not in html
    assert "<small>《网络安全审查办法》第八条</small>" in html and "Art. 8" not in html
    assert "<td>开立</td>" in html and "<td>opened</td>" not in html  # the timeline
    assert "(审查员)" in html
    silent = me.post(f"{page}/transition", {"to": "declared", "on": "2021-06-02", "note": " "})
    assert "说明：请写明原因（必填）" in silent.text
    asked = me.post(
        "/ui/waivers/request",
        {
            "rule": "commitments",
            "reason": "letter on file",
            "expires": (dt.date.today() + dt.timedelta(days=90)).isoformat(),
            "scope_kind": "product_model",
            "scope_value": "X-1",
        },
    )
    assert asked.status_code == 303, asked.text
    waivers = me.get("/ui/waivers").text
    assert "<td>待批准</td>" in waivers and "产品型号: X-1" in waivers
    assert ">requested<" not in waivers and ">product_model<" not in waivers
    audit = auditor.get("/ui/audit").text
    assert '<td title="ui.login">登录</td>' in audit and "(审计员)" in audit
    assert "没有案件 CR-999999" in me.get("/ui/cases/CR-999999").text
    assert "cases.db" not in me.get("/ui/cases/CR-999999").text  # not where the store is
    me.post("/ui/lang", {"lang": "en", "next": "/ui/cases"})
    english = me.get(page).text
    assert "须申报网络安全审查" not in english and "Measures 2021 Art. 8" in english
    assert "Cybersecurity review required and not cleared" in english
    assert "<td>opened</td>" in english
