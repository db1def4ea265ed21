"""Request heads over :data:`MAX_HEAD` refused as they arrive: ``431``, then the
connection is closed.

uvicorn's httptools parser takes a head of any size: a 150 MB ``Authorization``
header was read and parsed whole (about 12 s, during which the process answered
no one).  This is uvicorn's own HTTP protocol with the bytes of each request's
head counted before they are parsed; ``cyberreview serve`` runs it (or, where
httptools is not installed, h11 with the same limit, which answers ``400``).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .limits import error_body

#: the largest request line and headers taken, in bytes (a token is ~50)
MAX_HEAD = 8 * 1024
_END = b"\r\n\r\n"


def too_large() -> bytes:
    body = error_body(
        "header_too_large",
        f"the request line and headers are larger than {MAX_HEAD} bytes",
        limit=MAX_HEAD,
    )
    head = (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
        b"content-type: application/json\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
    )
    return head + body


class HeaderLimitProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, counting each request's head as it arrives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # reading a request line and headers
        self._head = 0  # their bytes so far
        self._tail = b""  # the last bytes read, for a blank line split across reads
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            seen = self._tail + data
            end = seen.find(_END)
            size = self._head + (len(data) if end < 0 else end + len(_END) - len(self._tail))
            if size > MAX_HEAD:
                self._refused = True
                self.transport.write(too_large())
                self.transport.close()
                return
            self._head, self._tail = size, seen[-(len(_END) - 1) :]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head, self._tail = True, 0, b""
