"""Waiver refusals and the waivers command's lines in the chosen language: the CLI
(``--lang``, ``CYBERREVIEW_LANG``) and the HTTP service (``Accept-Language``,
``?lang=``); the codes and exit statuses stay as they are."""

from __future__ import annotations

from typing import Any

import pytest

from tests.serve.conftest import bearer, serve, sqlite_url  # noqa: F401 -- fixtures
from tests.serve.test_waivers_api import ASK

REQUEST = (
    "--rule", "commitments", "--record", "PO-2021-0117/1", "--reason", "amendment signed",
    "--ticket", "CHG-7", "--created", "2021-05-01", "--expires", "2021-12-31",
)  # fmt: skip
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CYBERREVIEW_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def test_the_waivers_command_speaks_chinese_and_english_with_lang_en(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = cli("waivers", "request", *REQUEST, "--actor", "ana", "--lang", "zh-CN")
    assert asked.code == 0, asked.err
    assert asked.out.startswith("W-0001：由 ana 申请：commitments，范围 记录 PO-2021-0117/1")
    assert "经另一身份批准后生效（cyberreview waivers approve W-0001）" in asked.out
    own = cli("waivers", "approve", "W-0001", "--actor", "ana", "--lang", "zh-CN")
    english = cli("waivers", "approve", "W-0001", "--actor", "ana")
    assert own.code == english.code != 0
    assert "豁免 W-0001 由 ana 申请：须由另一身份批准或驳回" in own.err
    assert "requested by" not in own.err
    assert "waiver W-0001 was requested by ana: another identity approves or rejects it" in (
        english.err
    )
    monkeypatch.setenv("CYBERREVIEW_LANG", "zh-CN")
    unknown = cli("waivers", "approve", "W-0404", "--actor", "bo")
    assert "案件库中没有豁免 'W-0404'" in unknown.err
    again = cli("waivers", "approve", "W-0404", "--actor", "bo", "--lang", "en")
    assert "no waiver 'W-0404' in the case store" in again.err
    listed = cli("waivers", "list", "--as-of", "2021-06-01").out.splitlines()
    assert listed[0].split()[:4] == ["编号", "状态", "规则", "范围"]
    assert "记录 PO-2021-0117/1" in listed[1]
    assert cli("waivers", "list", "--lang", "en").out.split()[:2] == ["ID", "STATE"]


def test_the_api_words_waiver_refusals_in_the_request_language(serve: Any) -> None:  # noqa: F811
    service = serve()
    assert service.post("/v1/waivers", ASK, role="reviewer").status_code == 201
    own = service.post("/v1/waivers/W-0001/approve", {}, role="reviewer", headers=ZH)
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_request"
    assert own.json()["error"]["message"] == (
        "豁免 W-0001 由 token:test-reviewer 申请：须由另一身份批准或驳回"
    )
    english = service.post("/v1/waivers/W-0001/approve?lang=en", {}, role="reviewer", headers=ZH)
    assert english.json()["error"] == {
        "code": "own_request",
        "message": "waiver W-0001 was requested by token:test-reviewer: another identity "
        "approves or rejects it",
    }
    approver = service.post("/v1/waivers", {**ASK, "approver": "x"}, role="reviewer", headers=ZH)
    error = approver.json()["error"]
    assert (approver.status_code, error["code"]) == (400, "invalid_waiver")
    assert error["problems"][0]["path"] == "approver"
    assert error["message"].startswith("approver: 豁免申请不写明审批人")
    missing = service.post("/v1/waivers/nope!/approve", {}, role="reviewer", headers=ZH)
    assert missing.status_code == 404 and missing.json()["error"]["message"] == (
        "案件库中没有豁免 'nope!'"
    )
    auditor = {**bearer(service.tokens["auditor"]), **ZH}
    paged = service.client.get("/v1/cases?limit=0", headers=auditor).json()["error"]
    assert paged["code"] == "invalid_request"
    assert paged["problems"] == [{"path": "limit", "message": "1 至 1000 之间的数字"}]
