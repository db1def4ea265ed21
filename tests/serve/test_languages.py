"""``?lang=`` and ``Accept-Language`` on ``POST /v1/decisions``: the findings gain their
Chinese texts; ids, keys and the English texts stay as they are."""

from __future__ import annotations

from typing import Any


def test_accept_language_and_lang_parameter(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    english = service.post("/v1/decisions", covered)
    assert english.status_code == 200, english.text[:300]
    assert "lang" not in english.json()
    chinese = service.post(
        "/v1/decisions", covered, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    )
    assert chinese.status_code == 200
    data = chinese.json()
    assert data["lang"] == "zh-CN"
    first = data["findings"][0]
    assert first["rule"] == english.json()["findings"][0]["rule"]
    assert first["message"] == english.json()["findings"][0]["message"]
    assert "须申报网络安全审查" in first["message_localized"]
    assert first["citations_localized"][0].startswith("《网络安全审查办法》")
    by_query = service.post("/v1/decisions?lang=zh-CN", covered, headers={"Accept-Language": "en"})
    assert by_query.json()["lang"] == "zh-CN"
    english_first = service.post(
        "/v1/decisions", covered, headers={"Accept-Language": "en-US,zh-CN;q=0.8"}
    )
    assert "lang" not in english_first.json()
    refused = service.post("/v1/decisions?lang=fr", covered)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_request"


ZH = {"Accept-Language": "zh-CN"}


def test_refusals_are_worded_in_the_request_language(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    unauthenticated = service.post("/v1/decisions", covered, role=None, headers=ZH)
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"] == {
        "code": "unauthenticated",
        "message": "需要持有者令牌（Bearer token）",
    }
    english = service.post("/v1/decisions", covered, role=None)
    assert english.json()["error"]["message"] == "a bearer token is required"
    bad = dict(covered, product={**covered["product"], "category": "router"})
    refused = service.post("/v1/decisions?lang=zh-CN", bad)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["problems"][0]["path"] == "product.category"
    assert error["problems"][0]["message"].startswith("'router' 不是以下取值之一：")
    assert error["message"].startswith("product.category: 'router' 不是以下取值之一：")
    missing = service.client.get("/v1/nothing-here", headers=ZH)
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "not_found", "message": "未找到"}


def test_a_store_refusal_is_worded_on_the_decision_thread_in_the_request_language(
    serve: Any, covered: dict[str, Any]
) -> None:
    service = serve()
    decided = service.decide(covered).json()[0]
    case_id = decided["actions"][0]["case_id"]
    step = {"to": "passed", "on": "2021-06-03"}
    wrong = service.post(f"/v1/cases/{case_id}/transitions", step, role="reviewer", headers=ZH)
    assert wrong.status_code == 409
    assert wrong.json()["error"] == {
        "code": "transition_refused",
        "message": f"案件 {case_id}（网络安全审查）当前为待申报（open）：只能转入"
        "已申报（确定是否审查）（declared）、撤回（withdrawn），不能转入审查通过（passed）",
    }


def test_the_configured_language_is_the_default(
    serve: Any, covered: dict[str, Any], home: Any
) -> None:
    config = home / "cyberreview.yaml"
    config.write_text("lang: zh-CN\n", "utf-8")
    service = serve(config=str(config))
    chinese = service.post("/v1/decisions", covered)
    assert chinese.json()["lang"] == "zh-CN"
    refused = service.post("/v1/decisions", covered, role=None)
    assert refused.json()["error"]["message"] == "需要持有者令牌（Bearer token）"
    english = service.post("/v1/decisions", covered, headers={"Accept-Language": "en"})
    assert "lang" not in english.json()
    by_flag = serve(lang="en", config=str(config), tokens=service.tokens)
    assert "lang" not in by_flag.post("/v1/decisions", covered).json()
