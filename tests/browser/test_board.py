"""A person at the case board, in headless Chromium: signs in with a token, reads the
Chinese board of the demo sweep, walks a review from open to passed (declared, under
review, supplementing with an uploaded file, back, passed with the Office's notice),
downloads the material and the dossier; screenshots of the board and the case page
are kept, and checked for drawn Chinese glyphs (not empty boxes)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ROOT, Server
from tests.conftest import COVERED

pytestmark = pytest.mark.browser

COLUMNS = ("待申报", "已申报", "初步审查", "成员单位意见", "特别审查", "补充材料")


def by(kind: str) -> Any:
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def sign_in(driver: Any, server: Server, token: str) -> None:
    driver.get(server.url + "/ui/cases")
    assert driver.current_url.startswith(server.url + "/ui/login")
    assert driver.find_element(by("TAG_NAME"), "html").get_attribute("lang") == "zh-CN"
    driver.find_element(by("ID"), "token").send_keys(token)
    submit(driver, driver.find_element(by("CSS_SELECTOR"), "form"))


def drawn(driver: Any, element: Any) -> None:
    """``element``'s Chinese is drawn in glyphs, not as the empty box of a missing font:
    two different characters in its font must look different, while two characters no
    font has (the tofu control) look the same; and the element itself must look
    different from a copy whose Chinese is replaced by such characters."""
    spans = driver.execute_script(
        """
        const el = arguments[0], out = [];
        for (const text of arguments[1]) {
          const span = document.createElement('span');
          span.textContent = text;
          span.style.display = 'inline-block';
          span.style.padding = '4px';
          span.style.background = '#fff';
          el.appendChild(span);
          out.push(span);
        }
        const copy = el.cloneNode(true);
        const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode()))
          node.nodeValue = node.nodeValue.replace(/[\\u3000-\\u9fff\\uff00-\\uffef]/g, '\\ue000');
        el.after(copy);
        out.push(copy);
        return out;
        """,
        element,
        ["审", "查", "\ue000", "\ue001"],
    )
    shen, cha, tofu_a, tofu_b, tofu_copy = (s.screenshot_as_png for s in spans)
    assert tofu_a == tofu_b, "the tofu control should draw two missing glyphs alike"
    assert shen != cha, "审 and 查 look the same: Chinese is drawn as empty boxes"
    assert shen != tofu_a
    driver.execute_script("for (const s of arguments[0]) s.remove();", spans)
    assert element.screenshot_as_png != tofu_copy


def wait_for(path: Path, timeout: float = 20) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and not path.with_name(path.name + ".crdownload").exists():
            data = path.read_bytes()
            if data:
                return data
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not downloaded")


def test_the_chinese_board_of_the_demo_sweep(driver: Any, server: Server, artefacts: Path) -> None:
    sign_in(driver, server, server.reviewer)
    assert driver.current_url == server.url + "/ui/cases"
    headings = [h.text for h in driver.find_elements(by("CSS_SELECTOR"), ".column h2")]
    assert [h.rsplit(" ", 1)[0] for h in headings] == list(COLUMNS)
    open_cases = server.api("GET", "/v1/cases?limit=1000")
    shown = sum(int(h.rsplit(" ", 1)[1]) for h in headings)
    assert shown == len(open_cases) > 30
    cards = driver.find_elements(by("CSS_SELECTOR"), ".board .card")
    assert len(cards) == shown
    first = cards[0].text
    assert "记录" in first and "待办方" in first
    closed = driver.find_element(by("ID"), "col-closed")
    assert not closed.find_element(by("CSS_SELECTOR"), ".closed-cards").is_displayed()
    driver.save_screenshot(str(artefacts / "board-zh.png"))
    if os.environ.get("CYBERREVIEW_DOCS_IMG") == "1":  # the README's picture
        shutil.copy(artefacts / "board-zh.png", ROOT / "docs" / "img" / "board.png")
    drawn(driver, driver.find_element(by("CSS_SELECTOR"), "#col-open h2"))
    submit(driver, driver.find_element(by("ID"), "lang-toggle").find_element(by("XPATH"), ".."))
    assert driver.find_element(by("TAG_NAME"), "html").get_attribute("lang") == "en"
    assert driver.find_element(by("CSS_SELECTOR"), "#col-open h2").text.startswith("To declare")
    driver.get(server.url + "/ui/sweeps")  # remembered for the session
    assert driver.find_element(by("TAG_NAME"), "html").get_attribute("lang") == "en"
    assert driver.find_element(by("CSS_SELECTOR"), "#chart svg rect") is not None
    submit(driver, driver.find_element(by("ID"), "lang-toggle").find_element(by("XPATH"), ".."))
    assert driver.find_element(by("TAG_NAME"), "html").get_attribute("lang") == "zh-CN"


def test_a_gate_token_cannot_sign_in(driver: Any, server: Server) -> None:
    sign_in(driver, server, server.gate)
    assert "/ui/login" in driver.current_url
    assert "不能登录案件看板" in driver.find_element(by("CSS_SELECTOR"), ".error").text


def _step(driver: Any, to: str, on: str, note: str) -> None:
    from selenium.webdriver.support.ui import Select

    form = driver.find_element(by("ID"), "transition-form")
    Select(form.find_element(by("NAME"), "to")).select_by_value(to)
    day = form.find_element(by("NAME"), "on")
    driver.execute_script("arguments[0].value = arguments[1]", day, on)
    form.find_element(by("NAME"), "note").send_keys(note)
    submit(driver, form)


def submit(driver: Any, form: Any) -> None:
    """Send ``form`` and wait for the page it leads to."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_: Any) -> bool:
        try:
            form.is_enabled()
        except WebDriverException:  # stale, or (mid-navigation) no longer in the document
            return True
        return False

    form.find_element(by("CSS_SELECTOR"), "button[type=submit]").click()
    WebDriverWait(driver, 20).until(gone)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def state(driver: Any) -> str:
    return str(driver.find_element(by("ID"), "case-state").text)


def test_a_review_walked_from_open_to_passed(
    driver: Any, server: Server, artefacts: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    record = copy.deepcopy(COVERED)
    record["id"] = "PO-2021-0999/1"
    opened = server.api(
        "POST", "/v1/cases", {"kind": "review", "record": record, "as_of": "2021-06-01"}
    )
    case_url = f"{server.url}/ui/cases/{opened['id']}"
    sign_in(driver, server, server.reviewer)
    driver.get(case_url)
    assert state(driver) == "待申报"
    options = [
        o.get_attribute("value") for o in driver.find_elements(by("CSS_SELECTOR"), "#to option")
    ]
    assert options == ["declared", "withdrawn"]  # only where the case can go
    day = driver.find_element(by("CSS_SELECTOR"), "#transition-form input[name=on]")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    driver.execute_script("arguments[0].value = arguments[1]", day, tomorrow)
    assert driver.execute_script("return arguments[0].checkValidity()", day) is False
    note = driver.find_element(by("CSS_SELECTOR"), "#transition-form input[name=note]")
    assert driver.execute_script("return arguments[0].checkValidity()", note) is False  # required

    _step(driver, "declared", "2021-06-02", "申报材料已提交")
    assert state(driver).startswith("已申报")
    assert "申报材料已提交" in driver.find_element(by("ID"), "timeline").text
    _step(driver, "under_review", "2021-06-15", "办公室决定审查")
    assert state(driver) == "初步审查"
    _step(driver, "supplementing", "2021-07-01", "办公室要求补充材料")
    assert state(driver).startswith("补充材料")

    upload = tmp_path / "补充分析报告.pdf"
    upload.write_bytes(b"%PDF-1.4 the supplementary analysis")
    form = driver.find_element(by("ID"), "upload-form")
    Select(form.find_element(by("NAME"), "kind")).select_by_value("impact_analysis")
    form.find_element(by("NAME"), "file").send_keys(str(upload))
    submit(driver, form)
    assert "补充分析报告.pdf" in driver.find_element(by("ID"), "material-list").text
    _step(driver, "under_review", "2021-07-05", "材料已补充")
    assert state(driver) == "初步审查"
    _step(driver, "passed", "2021-08-02", "审查通过")
    assert state(driver) == "审查通过"
    assert "尚未登记办公室的审查结论通知" in driver.find_element(by("TAG_NAME"), "main").text

    letter = tmp_path / "conclusion.pdf"
    letter.write_bytes(b"%PDF-1.4 the Office's conclusion")
    form = driver.find_element(by("ID"), "notice-form")
    Select(form.find_element(by("NAME"), "kind")).select_by_value("conclusion")
    form.find_element(by("NAME"), "ref").send_keys("网审结〔2021〕7号")
    driver.execute_script("arguments[0].value = '2021-08-03'", form.find_element(by("NAME"), "on"))
    form.find_element(by("NAME"), "file").send_keys(str(letter))
    submit(driver, form)
    notices = driver.find_element(by("ID"), "notices").text
    assert "网审结〔2021〕7号" in notices and "审查结论通知" in notices
    assert "尚未登记办公室的审查结论通知" not in driver.find_element(by("TAG_NAME"), "main").text
    assert not driver.find_elements(by("ID"), "transition-form")  # closed: nothing to do

    driver.save_screenshot(str(artefacts / "case-zh.png"))
    drawn(driver, driver.find_element(by("ID"), "case-title"))

    driver.find_element(by("CSS_SELECTOR"), "#material-list a.download").click()
    got = wait_for(driver.downloads / "补充分析报告.pdf")  # its own name (filename*)
    assert got == upload.read_bytes()
    driver.find_element(by("ID"), "dossier").click()
    dossier = wait_for(driver.downloads / f"{opened['id']}-dossier.zip")
    names = zipfile.ZipFile(io.BytesIO(dossier)).namelist()
    assert any(name.endswith(".docx") for name in names), names
    assert any("conclusion" in name for name in names), names


def test_an_auditor_reads_and_cannot_act(driver: Any, server: Server) -> None:
    sign_in(driver, server, server.auditor)
    driver.get(server.url + "/ui/cases/CR-000001")
    assert "只读" in driver.find_element(by("CSS_SELECTOR"), "header").text
    assert not driver.find_elements(by("ID"), "transition-form")
    assert not driver.find_elements(by("ID"), "upload-form")
    driver.get(server.url + "/ui/audit")
    assert driver.find_elements(by("CSS_SELECTOR"), '#audit td[title="ui.login"]')
    assert "登录" in driver.find_element(by("ID"), "audit").text
