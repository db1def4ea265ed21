"""The host's HTTP client against a local server: retries, Retry-After, fatal errors,
error hooks, the rate budget, and redaction."""

from __future__ import annotations

import email.utils
import itertools
import logging
import time

import pytest

from cyberreview_policy.connectors import HttpClient, HttpError, RateBudget, RetryPolicy, redact
from cyberreview_policy.connectors.http import retry_after
from cyberreview_policy.testing import Fault, FaultServer, Reply


@pytest.fixture
def server(fault_server: FaultServer) -> FaultServer:
    fault_server.route("GET", "/items", lambda request: Reply(200, {"items": [1, 2]}))
    fault_server.route("POST", "/rpc", lambda request: Reply(200, {"result": request.json()}))
    return fault_server


def client(server: FaultServer, **options: object) -> tuple[HttpClient, list[float]]:
    http = HttpClient(server.url, **options)  # type: ignore[arg-type]
    slept: list[float] = []
    http.sleep = slept.append  # record the waits instead of waiting
    return http, slept


def test_json_in_json_out(server: FaultServer) -> None:
    http, _ = client(server)
    assert http.get("/items") == {"items": [1, 2]}
    assert http.post("/rpc", json={"a": 1}) == {"result": {"a": 1}}


def test_429_honours_retry_after_seconds(server: FaultServer) -> None:
    http, slept = client(server)
    server.fail_next(Fault.status(429, retry_after=7))
    assert http.get("/items") == {"items": [1, 2]}
    assert slept == [7.0]


def test_5xx_backs_off_with_jitter_within_bounds(server: FaultServer) -> None:
    http, slept = client(server, retry=RetryPolicy(attempts=5, backoff=1.0, max_backoff=3.0))
    server.fail_next(Fault.status(500), Fault.status(502), Fault.status(503), Fault.status(504))
    assert http.get("/items") == {"items": [1, 2]}
    assert len(slept) == 4
    for attempt, pause in enumerate(slept, start=1):
        assert 0 <= pause <= min(3.0, 2 ** (attempt - 1))


def test_gives_up_after_the_attempts_with_the_last_error(server: FaultServer) -> None:
    http, slept = client(server, retry=RetryPolicy(attempts=3))
    server.fail_next(*[Fault.status(503, body={"message": "maintenance"})] * 3)
    with pytest.raises(HttpError) as caught:
        http.get("/items")
    assert str(caught.value) == (
        f'GET {server.url}/items: HTTP 503: "maintenance" (gave up after 3 attempts)'
    )
    assert caught.value.status == 503
    assert len(slept) == 2


def test_total_wait_is_bounded(server: FaultServer) -> None:
    http, slept = client(server, retry=RetryPolicy(attempts=5, max_wait=10))
    server.fail_next(Fault.status(429, retry_after=6), Fault.status(429, retry_after=6))
    with pytest.raises(HttpError, match="gave up after 2 attempts"):
        http.get("/items")
    assert slept == [6.0]  # a second 6 s wait would pass the 10 s bound


def test_other_4xx_is_fatal_with_the_servers_message(server: FaultServer) -> None:
    http, slept = client(server)
    server.fail_next(Fault.status(403, body={"detail": "You do not have permission."}))
    with pytest.raises(HttpError) as caught:
        http.get("/items")
    assert str(caught.value) == (f'GET {server.url}/items: HTTP 403: "You do not have permission."')
    assert slept == []
    with pytest.raises(HttpError, match="HTTP 404"):
        http.get("/nowhere")


def test_timeouts_and_dropped_connections_are_retried(server: FaultServer) -> None:
    http, slept = client(server, timeout=(1.0, 0.3))
    server.fail_next(Fault.delay(1.0), Fault.drop())
    assert http.get("/items") == {"items": [1, 2]}
    assert len(slept) == 2


def test_malformed_json_is_fatal(server: FaultServer) -> None:
    http, slept = client(server)
    server.fail_next(Fault.malformed())
    with pytest.raises(HttpError, match="the server sent malformed JSON"):
        http.get("/items")
    assert slept == []


def test_error_hook_catches_errors_sent_with_200(server: FaultServer) -> None:
    def hook(response: object, body: object) -> str | None:
        return body.get("error") if isinstance(body, dict) else None

    http, _ = client(server, error_hook=hook)
    server.fail_next(Fault.body({"error": "UserError: no access"}))
    with pytest.raises(HttpError, match="the server answered with an error: UserError: no access"):
        http.get("/items")
    assert http.get("/items") == {"items": [1, 2]}


def test_unreachable(server: FaultServer) -> None:
    server.stop()
    http, slept = client(server, retry=RetryPolicy(attempts=2))
    with pytest.raises(HttpError, match="ConnectionError \\(gave up after 2 attempts\\)"):
        http.get("/items")
    assert len(slept) == 1


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= (retry_after(when) or 0) <= 31
    assert retry_after("garbage") is None
    assert retry_after(None) is None


def test_rate_budget_spaces_requests(server: FaultServer) -> None:
    http, _ = client(server, rate=RateBudget(per_second=20))
    start = time.monotonic()
    for _ in range(5):
        http.get("/items")
    assert time.monotonic() - start >= 0.19  # 4 gaps of 50 ms
    arrivals = [request.at for request in server.requests]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.045


def test_log_lines_are_redacted(server: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    redact.register_secrets(["s3cret-token-value"])
    caplog.set_level(logging.DEBUG)
    http, _ = client(server)
    server.fail_next(Fault.status(500, body={"error": "bad token s3cret-token-value"}))
    http.get("/items")
    logging.getLogger("cyberreview.source.x").warning("Authorization: Bearer abc.def")
    assert "s3cret-token-value" not in caplog.text
    assert "bad token ***" in caplog.text
    assert "Authorization: ***" in caplog.text
    assert redact.redact('{"password": "hunter22"}') == '{"password": "***"}'


def test_a_create_whose_answer_is_lost_is_not_retried(server: FaultServer) -> None:
    """Not idempotent: the server did the write, the answer was lost; asking again would
    write twice, so the client says the outcome is unknown instead."""
    http, slept = client(server)
    server.fail_next(Fault.lost())
    with pytest.raises(HttpError) as caught:
        http.request("POST", "/rpc", json={"n": 1}, idempotent=False)
    assert caught.value.retryable and "may have acted on it" in str(caught.value)
    assert [r.method for r in server.requests] == ["POST"] and slept == []


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_create_that_failed_on_the_server_is_not_retried(
    server: FaultServer, status: int
) -> None:
    http, _ = client(server)
    server.fail_next(Fault.status(status))
    with pytest.raises(HttpError) as caught:
        http.request("POST", "/rpc", json={}, idempotent=False)
    assert caught.value.status == status and len(server.requests) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_a_create_the_server_refused_is_retried(server: FaultServer, status: int) -> None:
    http, slept = client(server)
    server.fail_next(Fault.status(status, retry_after=2))
    assert http.request("POST", "/rpc", json={"n": 2}, idempotent=False)[1] == {"result": {"n": 2}}
    assert slept == [2.0] and len(server.requests) == 2


def test_a_lost_answer_is_retried_when_idempotent(server: FaultServer) -> None:
    http, slept = client(server)
    server.fail_next(Fault.lost())
    assert http.get("/items") == {"items": [1, 2]}
    assert len(server.requests) == 2 and len(slept) == 1


def test_an_error_hook_marks_an_error_retryable(server: FaultServer) -> None:
    """A hook that raises ``HttpError(..., retryable=True)`` has the request retried like a
    503; a message it returns fails the request at once; a write is not sent twice."""

    def locked(response: object, body: object) -> str | None:
        if isinstance(body, dict) and body.get("error") == "database is locked":
            raise HttpError("database is locked", retryable=True)
        return None

    http, slept = client(server, error_hook=locked)
    server.fail_next(Fault.body({"error": "database is locked"}), path="/items")
    assert http.get("/items") == {"items": [1, 2]}
    assert len(slept) == 1
    server.fail_next(*[Fault.body({"error": "database is locked"})] * 5, path="/items")
    with pytest.raises(HttpError, match="gave up after 5 attempts") as gave_up:
        http.get("/items")
    assert "database is locked" in str(gave_up.value)
    server.fail_next(Fault.body({"error": "database is locked"}), path="/rpc")
    with pytest.raises(HttpError, match="database is locked") as once:
        http.request("POST", "/rpc", json={}, idempotent=False)
    assert once.value.retryable
    assert [r.path for r in server.requests].count("/rpc") == 1


def test_errors_are_worded_in_the_language_and_log_lines_stay_english(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An error a user reads is in the language of the context; the retry log line,
    read by tools, is English whatever it is."""
    from cyberreview_policy.i18n import use_lang

    def locked(response: object, body: object) -> str | None:
        if isinstance(body, dict) and body.get("error") == "database is locked":
            raise HttpError("database is locked", retryable=True)
        return None

    caplog.set_level(logging.INFO, logger="cyberreview.http")
    http, _ = client(server, error_hook=locked, retry=RetryPolicy(attempts=2))
    server.fail_next(*[Fault.body({"error": "database is locked"})] * 2, path="/items")
    with use_lang("zh-CN"), pytest.raises(HttpError) as caught:
        http.get("/items")
    said = str(caught.value)
    assert "服务器返回错误：database is locked（尝试 2 次后放弃）" in said
    assert caught.value.english.endswith(
        "the server answered with an error: database is locked (gave up after 2 attempts)"
    )
    [line] = [r.getMessage() for r in caplog.records if "retry 1" in r.getMessage()]
    assert "the server answered with an error: database is locked; retry 1 in" in line
    assert "服务器" not in caplog.text
