"""The kit's FaultServer as a fake system: routes by exact path or by pattern."""

from __future__ import annotations

import requests

from cyberreview_policy.testing import FaultServer, Reply, Request


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
