"""The host's HTTP client for connectors, on requests.

What every connector needs and none should write again:

- connect and read timeouts on every request;
- retries for 429 and 5xx (and timeouts, and dropped connections), honouring
  ``Retry-After``, else exponential backoff with full jitter, bounded in
  attempts and in total waiting;
- any other 4xx is fatal, with the server's own message;
- ``error_hook`` detects errors a server returns with HTTP 200 (Tryton's
  ``{"error": ...}``) and makes them fatal too;
- malformed JSON is fatal;
- a per-source rate budget (requests per second);
- every log line redacted (:mod:`.redact`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import HttpError
from ..i18n.catalog import N_, _
from . import redact

if TYPE_CHECKING:
    import requests

log = logging.getLogger("cyberreview.http")
redact.install(log)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # requests in all, the first included
    backoff: float = 0.5  # seconds, doubled per retry (full jitter)
    max_backoff: float = 30.0
    max_wait: float = 120.0  # total sleeping before giving up


@dataclass
class RateBudget:
    """At most ``per_second`` requests a second (0: unlimited), shared by threads."""

    per_second: float = 0.0
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> None:
        if self.per_second <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + 1.0 / self.per_second
        if start > now:
            time.sleep(start - now)


class ErrorHook(Protocol):
    """``error_hook(response, body)``: what the server said went wrong in an answer with
    a 2xx status, for APIs that report errors in the body (Tryton's ``{"error": ...}``).

    Called with each successful answer and its decoded JSON body (never for 4xx
    and 5xx, which the client handles itself).  Return ``None`` when the answer is
    good, or a message: the request then fails with :class:`HttpError` (``status``
    ``None``, not retried).  To have it retried like a 503 (a "database is locked"
    sent with HTTP 200), raise ``HttpError(message, retryable=True)`` instead; it
    is retried only for requests that may be sent twice (``idempotent``).
    """

    def __call__(self, response: requests.Response, body: Any, /) -> str | None: ...


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _server_message(response: requests.Response) -> str:
    text = response.text.strip()
    try:
        body = response.json()
    except ValueError:
        return text[:300] or response.reason
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errorMessages", "errors"):
            if body.get(key):
                return json.dumps(body[key], ensure_ascii=False)[:300]
    return text[:300]


def _failure(
    message: str,
    status: int | None = None,
    retryable: bool = False,
    *,
    problem: HttpError | None = None,
    **values: Any,
) -> HttpError:
    """An :class:`HttpError` worded from ``message`` (marked with ``N_``): in the language
    of the context, and in English for the log lines; ``{problem}``: an earlier error."""
    return HttpError(
        _(message).format(problem=problem, **values),
        status,
        retryable,
        english=message.format(problem=problem.english if problem else "", **values),
    )


def _unknown_outcome(problem: HttpError) -> HttpError:
    return _failure(
        N_("{problem} (not retried: the server may have acted on it)"),
        problem.status,
        True,
        problem=problem,
    )


class HttpClient:
    """One connector's session: ``get``/``post``/``request`` return decoded JSON.

    A connector gets one from ``ctx.http(base_url, headers=..., error_hook=...)``,
    with the timeouts, retries and rate budget of its settings.  ``path`` is
    relative to ``base_url``, or a whole URL; ``**kwargs`` go to
    :meth:`requests.Session.request` (``params``, ``json``, ``data``).  Retries:
    429 and 5xx, timeouts and dropped connections, honouring ``Retry-After``
    (seconds or an HTTP date), else backoff from 0.5 s doubling with full jitter
    (at most 30 s a wait, 120 s in all, ``max_attempts`` requests); any other 4xx,
    malformed JSON and an error hook's message fail at once.  Failing, it raises
    :class:`~cyberreview_policy.errors.HttpError`.
    """

    def __init__(
        self,
        base_url: str = "",
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        rate: RateBudget | None = None,
        headers: Mapping[str, str] | None = None,
        error_hook: ErrorHook | None = None,
        name: str = "http",
    ):
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.rate = rate or RateBudget()
        self.error_hook = error_hook
        self.name = name
        self.session = requests.Session()
        self.session.headers.update(headers or {})
        self.sleep: Callable[[float], None] = time.sleep  # tests may replace it

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)[1]

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)[1]

    def request(
        self, method: str, path: str, *, idempotent: bool = True, **kwargs: Any
    ) -> tuple[requests.Response, Any]:
        """(response, decoded JSON body or None); raises :class:`HttpError` when it gives up.

        ``idempotent=False`` (a create): retried only when the server certainly did not
        act on it -- 429, 503, a connection never made; after a read timeout, a dropped
        answer or another 5xx the outcome is unknown, so it raises at once (``retryable``
        set) and the caller finds out what happened before asking again.
        """
        import requests

        url = self.url(path)
        waited = 0.0
        for attempt in range(1, self.retry.attempts + 1):
            self.rate.wait()
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                problem = HttpError(f"{method} {url}: {type(exc).__name__}", retryable=True)
                delay = None
                if not idempotent and not isinstance(exc, requests.ConnectTimeout):
                    raise _unknown_outcome(problem) from None
            else:
                log.debug("%s %s -> %s", method, url, response.status_code)
                if response.status_code in RETRY_STATUS:
                    problem = HttpError(
                        f"{method} {url}: HTTP {response.status_code}: {_server_message(response)}",
                        response.status_code,
                        retryable=True,
                    )
                    delay = retry_after(response.headers.get("Retry-After"))
                    if not idempotent and response.status_code not in (429, 503):
                        raise _unknown_outcome(problem)
                elif response.status_code >= 400:
                    raise HttpError(
                        f"{method} {url}: HTTP {response.status_code}: {_server_message(response)}",
                        response.status_code,
                    )
                else:
                    try:
                        return response, self._body(method, url, response)
                    except HttpError as exc:  # an error hook's, marked retryable
                        if not exc.retryable or not idempotent:
                            raise
                        problem, delay = exc, None
            if attempt == self.retry.attempts:
                break
            pause = delay if delay is not None else self._backoff(attempt)
            if waited + pause > self.retry.max_wait:
                break
            log.info("%s; retry %d in %.1fs", problem.english, attempt, pause)
            self.sleep(pause)
            waited += pause
        raise _failure(
            N_("{problem} (gave up after {count} attempts)"),
            problem.status,
            problem=problem,
            count=attempt,
        )

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.retry.max_backoff, self.retry.backoff * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)

    def _body(self, method: str, url: str, response: requests.Response) -> Any:
        if not response.content:
            return None
        from ..models.jsoncheck import loads

        try:
            body = loads(_utf8(response))
        except ValueError as exc:
            if "duplicate key" in str(exc):  # which of the two values is the record's?
                raise _failure(
                    N_("{method} {url}: the server sent ambiguous JSON: {error}"),
                    method=method,
                    url=url,
                    error=exc,
                ) from None
            snippet = response.text[:80].replace("\n", " ")
            raise _failure(
                N_("{method} {url}: the server sent malformed JSON: {snippet}"),
                method=method,
                url=url,
                snippet=repr(snippet),
            ) from None
        if self.error_hook is not None:
            try:
                message = self.error_hook(response, body)
            except HttpError as exc:
                raise _failure(
                    N_("{method} {url}: the server answered with an error: {problem}"),
                    exc.status,
                    exc.retryable,
                    problem=exc,
                    method=method,
                    url=url,
                ) from None
            if message:
                raise _failure(
                    N_("{method} {url}: the server answered with an error: {problem}"),
                    method=method,
                    url=url,
                    problem=HttpError(message),
                )
        return body

    def close(self) -> None:
        self.session.close()


def _utf8(response: requests.Response) -> bytes:
    """The body as UTF-8 bytes, decoded as ``response.json()`` decodes it (the declared
    charset, else the UTF encoding the first bytes show)."""
    from requests.utils import guess_json_utf

    content = response.content
    encoding = response.encoding or guess_json_utf(content) or "utf-8"  # type: ignore[no-untyped-call]
    if encoding.lower().replace("-", "").replace("_", "") == "utf8":
        return content
    return content.decode(encoding, "replace").encode()
