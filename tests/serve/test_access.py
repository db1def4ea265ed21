"""Access control: tokens, roles, anonymous access only when configured."""

from __future__ import annotations

from typing import Any

import pytest

from cyberreview_policy.cases.servestate import serve_store, token_hash
from cyberreview_policy.runtime import Runtime
from tests.serve.conftest import bearer


def test_no_token_is_401(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    for response in (
        service.decide(covered, role=None),
        service.get("/v1/cases", role=None),
        service.get("/v1/audit", role=None),
        service.get("/metrics", role=None),
        service.post("/v1/cases/CR-000001/transitions", {"to": "declared"}, role=None),
    ):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthenticated"


def test_unknown_and_malformed_tokens_are_401(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    body = {"records": [covered], "as_of": "2021-06-01"}
    for header in ("Bearer crp_not-a-token", "Bearer ", "Basic dXNlcjpwdw==", "token"):
        response = service.client.post(
            "/v1/decisions", json=body, headers={"Authorization": header}
        )
        assert response.status_code == 401, (header, response.text)


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("gate", "GET", "/v1/cases"),
        ("gate", "GET", "/v1/cases/CR-000001"),
        ("gate", "GET", "/v1/audit"),
        ("gate", "POST", "/v1/cases/CR-000001/transitions"),
        ("auditor", "POST", "/v1/decisions"),
        ("auditor", "POST", "/v1/cases/CR-000001/transitions"),
        ("reviewer", "POST", "/v1/decisions"),
        ("reviewer", "GET", "/v1/audit"),
    ],
)
def test_wrong_role_is_403(serve: Any, role: str, method: str, path: str) -> None:
    service = serve()
    response = service.client.request(method, path, headers=bearer(service.tokens[role]), json={})
    assert response.status_code == 403, response.text
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": response.json()["error"]["message"],
    }
    assert f"role {role} may not" in response.json()["error"]["message"]


def test_revoked_token_stops_working(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    assert service.decide(covered).status_code == 200
    store = Runtime(store_url=service.store_url).store()
    serve_store(store).revoke_token("test-gate", "pytest")
    store.close()
    assert service.decide(covered).status_code == 401


def test_only_the_hash_is_stored(serve: Any) -> None:
    service = serve()
    store = Runtime(store_url=service.store_url).store()
    try:
        active = serve_store(store).active_tokens()
        dump = "\n".join(store._db.iterdump())  # type: ignore[attr-defined]
    finally:
        store.close()
    for token in service.tokens.values():
        assert token_hash(token) in active
        assert token not in dump
        assert len(token) > 40  # 256 random bits


def test_anonymous_only_when_configured(serve: Any, covered: dict[str, Any]) -> None:
    service = serve(allow_anonymous="gate", allowed_hosts=("testserver",))
    response = service.post("/v1/decisions", covered, role=None)  # today's law: no grant
    assert response.status_code == 200
    assert response.json()["decision"] == "block"
    assert service.get("/v1/cases", role=None).status_code == 403  # anonymous is a gate
    audit = service.get("/v1/audit").json()
    assert any(e["actor"] == "anonymous:gate" for e in audit)


def test_health_and_description_need_no_token(serve: Any) -> None:
    service = serve()
    assert service.get("/v1/healthz", role=None).json() == {"status": "ok"}
    spec = service.get("/openapi.json", role=None).json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "Record" in spec["components"]["schemas"]
    assert "/v1/decisions" in spec["paths"]
