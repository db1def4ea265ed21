"""The kit's FaultServer as a fake system (routes by exact path or by pattern) and as a
proxy; its own failures are answered 500 and kept, never a dropped connection."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from cyberreview_policy.testing import Fault, FaultServer, Reply, Request
from cyberreview_policy.testing.reads import closed_port


def test_routes_take_path_patterns(fault_server: FaultServer) -> None:
    def hardware(request: Request) -> Reply:
        return Reply(200, {"id": request.params["id"], "path": request.path})

    def part(request: Request) -> Reply:
        return Reply(200, dict(request.params))

    fault_server.route("GET", "/api/v1/hardware/{id}", hardware)
    fault_server.route("get", "/api/v1/hardware/{id}/parts/{part}", part)
    fault_server.route("GET", "/api/v1/hardware/all", lambda request: Reply(200, {"all": True}))
    url = fault_server.url

    assert requests.get(f"{url}/api/v1/hardware/42", timeout=5).json() == {
        "id": "42",
        "path": "/api/v1/hardware/42",
    }
    assert requests.get(f"{url}/api/v1/hardware/a%2Fb", timeout=5).json()["id"] == "a/b"
    assert requests.get(f"{url}/api/v1/hardware/7/parts/psu-1", timeout=5).json() == {
        "id": "7",
        "part": "psu-1",
    }
    assert requests.get(f"{url}/api/v1/hardware/all", timeout=5).json() == {"all": True}
    for missing in ("/api/v1/hardware/", "/api/v1/hardware/7/extra", "/api/v1/hardwareX/7"):
        assert requests.get(url + missing, timeout=5).status_code == 404, missing
    assert requests.post(f"{url}/api/v1/hardware/42", timeout=5).status_code == 404


# -- the server's own failures: answered 500, kept in `errors` ------------------------------


def test_a_proxy_whose_upstream_cannot_be_reached_answers_500(fault_server: FaultServer) -> None:
    """Forwarding fails (nothing listens upstream): the client gets a 500 it can retry,
    not a dropped connection, and the test can tell the proxy failed."""
    with FaultServer(upstream=f"http://127.0.0.1:{closed_port()}") as proxy:
        answer = requests.get(f"{proxy.url}/api/items?page=2", timeout=10)
        assert answer.status_code == 500
        assert "the FaultServer failed: GET /api/items: URLError" in answer.json()["error"]
        assert len(proxy.errors) == 1
        assert proxy.errors[0].startswith("GET /api/items: URLError: ")
        assert "Connection refused" in proxy.errors[0]
        with pytest.raises(AssertionError, match=r"failed to serve 1 request\(s\), answering 500"):
            proxy.assert_no_errors()


def test_a_page_hook_that_raises_is_answered_500_and_kept(fault_server: FaultServer) -> None:
    fault_server.route("GET", "/api/items", lambda request: Reply(200, {"results": [1, 2]}))
    calls: list[int] = []

    def hook(request: Request, body: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the test's hook broke")
        return body

    with FaultServer(upstream=fault_server.url) as proxy:
        proxy.page_hook = hook
        failed = requests.get(f"{proxy.url}/api/items", timeout=10)
        assert failed.status_code == 500
        assert len(proxy.errors) == 1
        assert proxy.errors[0].startswith(
            f"GET /api/items: RuntimeError: the test's hook broke (at {__file__}:"
        )
        again = requests.get(f"{proxy.url}/api/items", timeout=10)  # the server still serves
        assert again.status_code == 200 and again.json() == {"results": [1, 2]}
        assert len(proxy.errors) == 1


def test_a_route_that_raises_is_answered_500_and_kept(fault_server: FaultServer) -> None:
    def broken(request: Request) -> Reply:
        raise KeyError("no-such-row")

    fault_server.route("GET", "/api/items/{id}", broken)
    answer = requests.get(f"{fault_server.url}/api/items/7", timeout=10)
    assert answer.status_code == 500
    assert fault_server.errors[0].startswith("GET /api/items/7: KeyError: 'no-such-row'")


def test_a_proxy_that_served_everything_has_no_errors(fault_server: FaultServer) -> None:
    fault_server.route("GET", "/api/items", lambda request: Reply(404, {"error": "gone"}))
    with FaultServer(upstream=fault_server.url) as proxy:
        proxy.fail_next(Fault.status(503))
        assert requests.get(f"{proxy.url}/api/items", timeout=10).status_code == 503
        assert requests.get(f"{proxy.url}/api/items", timeout=10).status_code == 404
        assert proxy.errors == []
        proxy.assert_no_errors()
