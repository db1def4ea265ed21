"""A local HTTP server for connector tests: scripted replies, injected faults, a proxy.

- As a **fake system**: ``route(method, path, handler)``; the handler gets a
  :class:`Request` and returns a :class:`Reply`.  A path may hold patterns,
  ``/api/v1/hardware/{id}``: each ``{name}`` matches one path segment, and the
  handler finds it in ``request.params["name"]``.
- As a **proxy** in front of a real system (``FaultServer(upstream=URL)``):
  requests are forwarded, and ``page_hook`` may rewrite JSON answers (to make
  a page short, repeat an item, come back empty).
- Either way, ``fail_next(...)`` queues faults for the next requests: a
  status such as 429 with ``Retry-After``, a 500, a delay longer than the
  client's timeout, malformed JSON, an error body with HTTP 200, a dropped
  connection (before the request is served, or after: a lost answer).
  ``requests`` records what arrived.

The server's own failures (a handler or a ``page_hook`` that raises, an upstream
that cannot be reached) are answered ``500`` and kept in ``errors``: a test
asserts it empty (``assert_no_errors()``), so that the server's failure is not
mistaken for the client's.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

#: headers whose values are credentials: masked wherever a request is shown
SECRET_HEADER = re.compile(r"(?i)auth|cookie|token|secret|passw|api[-_]?key|session")


class Headers(dict[str, str]):
    """A request's headers; shown (``repr``, so in a failed assertion) with the values
    of credential headers masked, so that a test's failure does not print the token."""

    def __repr__(self) -> str:
        shown = {k: "***" if SECRET_HEADER.search(k) else v for k, v in self.items()}
        return repr(shown)


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # a :class:`Headers`: credentials masked when shown
    body: bytes
    at: float = 0.0  # time.monotonic() when it arrived
    params: dict[str, str] = field(default_factory=dict)  # what a route's {name}s matched

    def __post_init__(self) -> None:
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = b""  # bytes, str, or JSON data
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class Fault:
    """Faults to queue with :meth:`FaultServer.fail_next`."""

    @staticmethod
    def status(code: int, retry_after: float | None = None, body: Any = None) -> Reply:
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        return Reply(code, body if body is not None else {"error": f"injected {code}"}, headers)

    @staticmethod
    def delay(seconds: float) -> Reply:
        """Answer normally, but only after ``seconds`` (longer than the client's timeout)."""
        return Reply(delay=seconds, status=-1)

    @staticmethod
    def malformed() -> Reply:
        return Reply(200, b'{"result": [{"id": 1, ', {"Content-Type": "application/json"})

    @staticmethod
    def body(data: Any, status: int = 200) -> Reply:
        return Reply(status, data, {"Content-Type": "application/json"})

    @staticmethod
    def drop() -> Reply:
        """Close the connection without answering, and without doing what was asked."""
        return Reply(drop=True)

    @staticmethod
    def lost() -> Reply:
        """Do what was asked, then close the connection without answering: the client
        cannot tell whether its write happened (a create whose answer is lost)."""
        return Reply(status=-1, drop=True)


Handler = Callable[[Request], Reply]
Match = Callable[[Request], bool]
PageHook = Callable[[Request, Any], Any]


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def path_pattern(path: str) -> re.Pattern[str]:
    """``/api/v1/hardware/{id}`` as a regular expression: each ``{name}`` one segment
    (percent-encoded as it arrives), the rest literal."""
    parts, end = [], 0
    for found in _PLACEHOLDER.finditer(path):
        parts.append(re.escape(path[end : found.start()]))
        parts.append(f"(?P<{found.group(1)}>[^/]+)")
        end = found.end()
    parts.append(re.escape(path[end:]))
    return re.compile("".join(parts))


def _on_path(prefix: str, match: Match | None) -> Match:
    def test(request: Request) -> bool:
        return request.path.startswith(prefix) and (match is None or match(request))

    return test


class FaultServer:
    def __init__(self, upstream: str | None = None):
        self.upstream = upstream.rstrip("/") if upstream else None
        self.routes: dict[tuple[str, str], Handler] = {}
        self._patterns: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults: list[tuple[Match | None, Reply]] = []
        self.requests: list[Request] = []
        self.page_hook: PageHook | None = None
        #: the server's own failures, each answered 500: ``METHOD /path: Error: message
        #: (at file:line)``
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits for a poll: 0.5 s by default
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Answer ``method path`` with ``handler(request)``.  ``path`` is exact, or holds
        ``{name}`` patterns (``/api/v1/hardware/{id}``), matched in the order routed
        after every exact path; the values are in ``request.params``."""
        method = method.upper()
        if _PLACEHOLDER.search(path):
            self._patterns.append((method, path_pattern(path), handler))
        else:
            self.routes[(method, path)] = handler

    def fail_next(
        self, *faults: Reply, path: str | None = None, match: Match | None = None
    ) -> None:
        """Answer the next requests with ``faults``, in order.

        Only requests whose path starts with ``path``, or for which ``match(request)``
        is true, if given, take a fault; the others pass.
        """
        test = _on_path(path, match) if path is not None else match
        with self._lock:
            self.faults.extend((test, fault) for fault in faults)

    def _next_fault(self, request: Request) -> Reply | None:
        with self._lock:
            for index, (match, fault) in enumerate(self.faults):
                if match is None or match(request):
                    del self.faults[index]
                    return fault
        return None

    @property
    def pending(self) -> int:
        """Faults queued and not yet served."""
        with self._lock:
            return len(self.faults)

    def _answer(self, request: Request) -> Reply:
        fault = self._next_fault(request)
        if fault is not None and fault.status != -1:
            return fault
        try:
            reply = self._forward(request) if self.upstream else self._route(request)
        except Exception as exc:  # the server's failure, not the client's: say so
            reply = self._failed(request, exc)
        if fault is not None:
            reply.delay = fault.delay
            reply.drop = reply.drop or fault.drop
        return reply

    def _failed(self, request: Request, exc: Exception) -> Reply:
        """Answer 500 for a request the server could not serve, and keep why."""
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        error = f"{request.method} {request.path}: {type(exc).__name__}: {exc}{where}"
        with self._lock:
            self.errors.append(error)
        return Reply(500, {"error": f"the FaultServer failed: {error}"})

    def assert_no_errors(self) -> None:
        """Fail if the server itself failed (a handler, a ``page_hook``, the upstream)."""
        with self._lock:
            errors = list(self.errors)
        if errors:
            raise AssertionError(
                f"the FaultServer failed to serve {len(errors)} request(s), answering 500: "
                + "; ".join(errors[:5])
            )

    def _route(self, request: Request) -> Reply:
        handler = self.routes.get((request.method, request.path))
        if handler is not None:
            return handler(request)
        for method, pattern, routed in self._patterns:
            found = pattern.fullmatch(request.path)
            if found is not None and method == request.method:
                request.params = {k: unquote(v) for k, v in found.groupdict().items()}
                return routed(request)
        return Reply(404, {"error": f"no route {request.method} {request.path}"})

    def _forward(self, request: Request) -> Reply:
        assert self.upstream is not None
        url = self.upstream + request.path
        if request.query:
            url += "?" + urlencode(request.query, doseq=True)
        dropped = ("host", "content-length", "accept-encoding")  # plain answers, to rewrite
        headers = {k: v for k, v in request.headers.items() if k.lower() not in dropped}
        forwarded = urllib.request.Request(
            url, data=request.body or None, headers=headers, method=request.method
        )
        try:
            with urllib.request.urlopen(forwarded, timeout=60) as answer:
                status, body, answer_headers = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as exc:
            status, body, answer_headers = exc.code, exc.read(), dict(exc.headers)
        kept = ("content-type", "link", "retry-after", "x-total-count")
        keep = {k: self._local(v) for k, v in answer_headers.items() if k.lower() in kept}
        body = self._local(body.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape"
        )
        if self.page_hook is not None and body:
            try:
                data = json.loads(body)
            except ValueError:
                return Reply(status, body, keep)
            return Reply(status, self.page_hook(request, data), keep)
        return Reply(status, body, keep)

    def _local(self, text: str) -> str:
        """Links to the upstream, made to point here (next links, ``Link`` headers)."""
        assert self.upstream is not None
        return text.replace(self.upstream, self.url)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without TCP_NODELAY, Nagle's
            # algorithm and the client's delayed ACK cost ~40 ms an answer on loopback
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    dict(self.headers),
                    self.rfile.read(length) if length else b"",
                    time.monotonic(),
                )
                with server._lock:
                    server.requests.append(request)
                reply = server._answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    return
                payload = reply.payload()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
