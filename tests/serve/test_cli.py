"""``cyberreview tokens`` and ``cyberreview serve`` on the command line."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cyberreview_policy.cases.servestate import token_hash


def test_tokens_create_list_revoke(cli: Any, home: Any) -> None:
    made = cli("tokens", "create", "--role", "gate", "--name", "jenkins", "--actor", "ops")
    assert made.code == 0, made.err
    token = made.out.strip()
    assert token.startswith("crp_") and len(token) > 40 and "\n" not in token
    assert "it is shown once" in made.err and token not in made.err
    again = cli("tokens", "create", "--role", "gate", "--name", "jenkins")
    assert again.code == 3 and "a token named 'jenkins' exists" in again.err
    bad = cli("tokens", "create", "--role", "admin", "--name", "x")
    assert bad.code == 3
    listed = cli("tokens", "list", "--format", "json").json()
    assert [(t["name"], t["role"], t["created_by"]) for t in listed] == [("jenkins", "gate", "ops")]
    assert token not in cli("tokens", "list").out and token_hash(token) not in str(listed)
    revoked = cli("tokens", "revoke", "jenkins")
    assert revoked.code == 0 and "revoked" in revoked.out
    assert cli("tokens", "list", "--format", "json").json()[0]["revoked_at"]
    assert cli("tokens", "revoke", "jenkins").code == 3
    trail = cli("audit", "export").lines()
    assert [e["action"] for e in trail] == ["token.created", "token.revoked"]
    assert token not in str(trail)


def test_serve_without_the_extra(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cyberreview_policy import serve

    monkeypatch.setattr(serve, "missing_stack", lambda: "fastapi")
    result = cli("serve", "--port", "1")
    assert result.code == 3
    assert result.err == (
        "cyberreview: error: cyberreview serve needs fastapi: "
        "pip install 'cyberreview-policy[serve]'\n"
    )


def test_serve_refuses_a_store_it_cannot_open(cli: Any) -> None:
    result = cli("serve", "--store", "mysql://db/cases")
    assert result.code == 3 and "no case store for 'mysql://db/cases'" in result.err


def test_nothing_secret_in_the_service_logs(
    serve: Any, covered: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = serve()
    case_id = service.decide(covered).json()[0]["actions"][0]["case_id"]
    service.post(
        f"/v1/cases/{case_id}/transitions",
        {"to": "declared", "on": "2021-06-02", "note": "secret-note-4711"},
        role="reviewer",
    )
    service.client.post("/v1/decisions", json=covered, headers={"Authorization": "Bearer crp_x"})
    service.get(f"/v1/cases/{case_id}")
    text = caplog.text
    for secret in (*service.tokens.values(), "crp_x", "secret-note-4711", "East Grid Power"):
        assert secret not in text


def test_serve_lang_is_the_services_default(
    cli: Any, monkeypatch: pytest.MonkeyPatch, home: Any
) -> None:
    import uvicorn

    from cyberreview_policy.serve.settings import SETTINGS_ENV, Settings

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setenv(SETTINGS_ENV, "")  # what serve sets there is undone after the test
    assert cli("serve", "--lang", "zh-CN", "--port", "1").code == 0
    assert Settings.from_env().lang == "zh-CN"
    refused = cli("serve", "--store", "mysql://db/cases", "--lang", "zh-CN")
    assert refused.code == 3
    assert refused.err.startswith("cyberreview：错误：没有适用于 'mysql://db/cases' 的案件库")
