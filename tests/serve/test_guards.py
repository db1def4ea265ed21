"""The service's edges: secrets in store URLs never shown, a health check that tells
strangers only ok / not ok, oversized headers refused early, and no cross-site request
changing state when anonymous access is on."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from cyberreview_policy.env import redact_url
from tests.conftest import COVERED
from tests.serve.conftest import bearer, make_tokens
from tests.serve.processes import ServeProcess

SECRET = "s3cret-pw-4711"


# -- store URL secrets ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://cr:{SECRET}@db.internal:5432/cases",
        f"postgresql://cr@db.internal/cases?password={SECRET}",
        f"postgresql://cr@db.internal/cases?sslmode=require&password={SECRET}&connect_timeout=3",
        f"postgresql:///cases?host=/run/pg&sslpassword={SECRET}",
        f"postgresql://cr:{SECRET}@db.internal/cases?password={SECRET}",
    ],
)
def test_redact_url_masks_every_password(url: str) -> None:
    shown = redact_url(url)
    assert SECRET not in shown
    assert "***" in shown
    assert url.split("?", maxsplit=1)[0].replace(f":{SECRET}@", ":***@") in shown


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://cr@127.0.0.1:1/x?password={SECRET}",  # connection refused
        f"postgresql://cr:{SECRET}%zz@127.0.0.1/x",  # libpq quotes the bad %-token
        f"postgresql://127.0.0.1/x?password={SECRET}&bogus=1",  # and the bad parameter
    ],
)
def test_cli_errors_never_show_the_password(cli: Any, url: str) -> None:
    result = cli("cases", "list", "--store", url)
    assert result.code == 3
    assert result.err.startswith("cyberreview: error:")
    assert SECRET not in result.err


@pytest.mark.slow
def test_serve_logs_and_health_never_show_the_password(
    pg_url: str, home: Path, tmp_path: Path
) -> None:
    """The start-up line named the store with ?password= in it; an unreachable store's
    reason came back from /v1/healthz to anyone."""
    tokens = make_tokens(pg_url)
    with_password = f"{pg_url}?password={SECRET}"  # trust auth: the password is not needed
    proc = ServeProcess(with_password, home, tmp_path / "serve.log")
    try:
        proc.wait_ready()
        anonymous = requests.get(proc.url + "/v1/healthz", timeout=10)
        assert anonymous.json() == {"status": "ok"}
        detailed = requests.get(
            proc.url + "/v1/healthz", headers=bearer(tokens["gate"]), timeout=10
        )
        assert detailed.json()["store"] == "reachable"
        assert SECRET not in detailed.text
    finally:
        log = proc.stop()
    assert "serving decisions" in log
    assert SECRET not in log
    dead = ServeProcess(f"postgresql://cr:{SECRET}%zz@127.0.0.1:9/x", home, tmp_path / "d.log")
    try:
        dead.wait_ready(expect=503)
        health = requests.get(dead.url + "/v1/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable"}
    finally:
        log = dead.stop()
    assert SECRET not in log


def test_health_details_need_a_token(serve: Any) -> None:
    service = serve()
    assert service.get("/v1/healthz", role=None).json() == {"status": "ok"}
    assert service.get("/v1/healthz", role="gate").json() == {
        "status": "ok",
        "store": "reachable",
        "message": None,
    }


# -- oversized headers ------------------------------------------------------------


def _raw(url: str, head: bytes, body: bytes = b"") -> bytes:
    """Send ``head`` (and ``body``) on a socket of its own; what came back first."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head + body)  # refused before it was all sent: what the limit is for
        answer = b""
        while b"\r\n\r\n" not in answer:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.slow
def test_oversized_headers_are_431(pg_url: str, home: Path, tmp_path: Path) -> None:
    """A 150 MB Authorization header stalled every request for seconds; anything over
    the limit (8 KiB) is refused as soon as it is exceeded."""
    proc = ServeProcess(pg_url, home, tmp_path / "serve.log")
    try:
        proc.wait_ready()
        huge = b"Authorization: Bearer " + b"x" * (4 * 1024 * 1024) + b"\r\n"
        answer = _raw(proc.url, b"GET /v1/healthz HTTP/1.1\r\nHost: a\r\n" + huge + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        just_over = b"X-Pad: " + b"y" * 9000 + b"\r\n"
        answer = _raw(proc.url, b"GET /v1/cases HTTP/1.1\r\nHost: a\r\n" + just_over + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 431 ") and b"header_too_large" in answer
        many = b"".join(b"X-%d: %s\r\n" % (n, b"z" * 100) for n in range(200))
        answer = _raw(proc.url, b"GET /v1/healthz HTTP/1.1\r\nHost: a\r\n" + many + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        normal = b"X-Pad: " + b"y" * 4000 + b"\r\n"
        answer = _raw(proc.url, b"GET /v1/healthz HTTP/1.1\r\nHost: a\r\n" + normal + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
        # a large body is not a large header: the body limit (413) applies to it
        body = b"[" + b" " * 200_000 + b"]"
        head = (
            b"POST /v1/decisions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        assert _raw(proc.url, head, body).startswith(b"HTTP/1.1 401 ")
        assert requests.get(proc.url + "/v1/healthz", timeout=30).status_code == 200
    finally:
        proc.stop()


# -- cross-site requests with --allow-anonymous -----------------------------------

LOCAL = {"Host": "127.0.0.1:8080"}


def _post(service: Any, path: str, body: bytes, **headers: str) -> Any:
    return service.client.post(path, content=body, headers={**LOCAL, **headers})


def test_anonymous_state_changes_need_json_and_the_own_origin(serve: Any) -> None:
    """A page on another site can make a browser POST text/plain (no preflight) to
    127.0.0.1: with anonymous access that opened review cases."""
    import json

    service = serve(allow_anonymous="gate")
    record = json.dumps(COVERED).encode()
    plain = _post(service, "/v1/decisions", record, **{"Content-Type": "text/plain"})
    assert plain.status_code == 415, plain.text
    assert plain.json()["error"]["code"] == "unsupported_media_type"
    form = _post(service, "/v1/decisions", record)  # no content type at all
    assert form.status_code == 415
    cross = _post(
        service,
        "/v1/decisions",
        record,
        **{"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    assert cross.status_code == 403, cross.text
    assert cross.json()["error"]["code"] == "cross_origin"
    rebound = service.client.post(
        "/v1/decisions",
        content=record,
        headers={"Host": "evil.example:8080", "Content-Type": "application/json"},
    )
    assert rebound.status_code == 403  # DNS rebinding: a name this service is not
    null = _post(
        service, "/v1/decisions", record, **{"Content-Type": "application/json", "Origin": "null"}
    )
    assert null.status_code == 403
    trail = service.get("/v1/audit", role="auditor").json()
    assert not [e for e in trail if e["action"] == "gate.decision"]  # nothing was decided
    own = _post(
        service,
        "/v1/decisions",
        record,
        **{"Content-Type": "application/json", "Origin": "http://127.0.0.1:8080"},
    )
    assert own.status_code == 200, own.text
    scripted = _post(service, "/v1/decisions", record, **{"Content-Type": "application/json"})
    assert scripted.status_code == 200  # curl, a pipeline: no Origin


def test_anonymous_reviewer_transitions_alike(serve: Any) -> None:
    service = serve(allow_anonymous="reviewer")
    step = b'{"to": "declared", "on": "2021-06-02"}'
    answer = _post(
        service, "/v1/cases/CR-000001/transitions", step, **{"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415
    cross = _post(
        service,
        "/v1/cases/CR-000001/transitions",
        step,
        **{"Content-Type": "application/json", "Origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    rebound = service.client.get("/v1/cases", headers={"Host": "evil.example"})
    assert rebound.status_code == 403  # nor read cases through a rebound name
    assert service.client.get("/v1/cases", headers=LOCAL).status_code == 200


def test_named_hosts_are_accepted(serve: Any) -> None:
    import json

    service = serve(allow_anonymous="gate", allowed_hosts=("cyberreview.internal",))
    answer = service.client.post(
        "/v1/decisions",
        content=json.dumps(COVERED).encode(),
        headers={
            "Host": "cyberreview.internal",
            "Origin": "https://cyberreview.internal",
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    assert answer.status_code == 200, answer.text


def test_token_requests_are_not_affected(serve: Any) -> None:
    """A bearer token is not sent by a browser on its own: ``curl -d @po.json`` (a form
    content type) keeps working."""
    import json

    service = serve(allow_anonymous="gate")
    answer = service.client.post(
        "/v1/decisions",
        content=json.dumps(COVERED).encode(),
        headers={
            **bearer(service.tokens["gate"]),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status_code == 200, answer.text
