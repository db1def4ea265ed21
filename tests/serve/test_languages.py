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
