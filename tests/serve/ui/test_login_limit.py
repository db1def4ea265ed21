"""Sign-in throttle: refused sign-ins from one address (its own, or a trusted proxy's
word for it) lock that address for a while, on every worker (the count is in the
store), audited without the token; others sign in as before."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from cyberreview_policy.runtime import Runtime
from tests.serve.ui.conftest import sign_in

WRONG = "crp_wrong-token-4711"


def _refused_entries(service: Any) -> list[Any]:
    store = Runtime(store_url=service.store_url).store()
    try:
        return [e for e in store.audit_entries() if e.action == "ui.login_failed"]
    finally:
        store.close()


def test_five_refused_sign_ins_lock_the_address(serve: Any) -> None:
    service = serve()
    client = TestClient(service.client.app)
    for _ in range(4):
        assert sign_in(client, WRONG).status_code == 403
    assert sign_in(client, service.tokens["auditor"]).status_code == 303  # not locked yet
    assert sign_in(client, WRONG).status_code == 403  # the fifth refusal
    locked = sign_in(TestClient(service.client.app), service.tokens["reviewer"])
    assert locked.status_code == 429  # the right token, from the locked address
    assert 1 <= int(locked.headers["retry-after"]) <= 300
    assert "此地址登录失败次数过多" in locked.text
    assert "crp_session" not in locked.headers.get("set-cookie", "")
    entries = _refused_entries(service)
    assert len(entries) == 5  # the throttled attempt is not looked at, nor counted
    assert {e.subject for e in entries} == {"client:testclient"}
    assert entries[0].details == {"reason": "unknown or revoked token"}
    assert all(WRONG not in json.dumps(e.to_json(), default=str) for e in entries)


def test_the_lock_is_per_address_and_shared_by_every_worker(serve: Any) -> None:
    service = serve()
    # two more app instances on the same store, behind a proxy: as serve's workers are
    first = serve(trusted_proxies=("testclient",), tokens=service.tokens)
    second = serve(trusted_proxies=("testclient",), tokens=service.tokens)

    def from_(worker: Any, address: str, claimed: str = "198.51.100.9") -> TestClient:
        """A browser at ``address`` behind the proxy, which appends it to what the
        browser claimed in its own X-Forwarded-For."""
        forwarded = f"{claimed}, {address}"
        return TestClient(worker.client.app, headers={"X-Forwarded-For": forwarded})

    for index, worker in enumerate((first, second, first, second, first)):
        answer = sign_in(from_(worker, "203.0.113.7", claimed=f"198.51.100.{index}"), WRONG)
        assert answer.status_code == 403
    assert sign_in(from_(second, "203.0.113.7"), service.tokens["reviewer"]).status_code == 429
    other = sign_in(from_(second, "203.0.113.8"), service.tokens["reviewer"])
    assert other.status_code == 303  # another address signs in as before
    # the proxy itself (its own requests) is not the locked address either
    assert sign_in(TestClient(first.client.app), service.tokens["reviewer"]).status_code == 303
    assert {e.subject for e in _refused_entries(service)} == {"client:203.0.113.7"}


def test_an_untrusted_peer_cannot_pick_its_address(serve: Any) -> None:
    service = serve()  # no trusted proxy: X-Forwarded-For is the client's own word
    for index in range(5):
        forged = TestClient(service.client.app, headers={"X-Forwarded-For": f"198.51.100.{index}"})
        assert sign_in(forged, WRONG).status_code == 403
    assert sign_in(TestClient(service.client.app), service.tokens["reviewer"]).status_code == 429
