"""The case board in-process: a signed-in browser-like client per role, as a person
signs in (the login form, its CSRF token, the session cookie)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.serve.conftest import Service

AS_OF = "2021-06-01"


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, token: str, **extra: str) -> Any:
    """Fill in and send the login form; the answer (not followed)."""
    page = client.get("/ui/login")
    assert page.status_code == 200
    form = {"csrf": csrf_of(page.text), "token": token, "next": "/ui/cases", **extra}
    return client.post("/ui/login", data=form, follow_redirects=False)


class Browser:
    """A client with its own cookie jar, signed in as ``role``."""

    def __init__(self, service: Service, role: str):
        self.service = service
        self.client = TestClient(service.client.app)
        answer = sign_in(self.client, service.tokens[role])
        assert answer.status_code == 303, answer.text
        self.csrf = csrf_of(self.client.get("/ui/cases").text)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, str], files: Any = None, csrf: bool = True) -> Any:
        form = {**({"csrf": self.csrf} if csrf else {}), **data}
        return self.client.post(path, data=form, files=files, follow_redirects=False)


@pytest.fixture
def browser(serve: Callable[..., Service]) -> Callable[..., Browser]:
    """``browser(role, service=None)``: a signed-in client (a new service unless given)."""

    def make(role: str = "reviewer", service: Service | None = None) -> Browser:
        return Browser(service or serve(), role)

    return make


def open_case(service: Service, record: dict[str, Any], kind: str = "review") -> str:
    """Open a case through the API (as a pipeline's gate would have), its id."""
    answer = service.post("/v1/cases", {"kind": kind, "record": record, "as_of": AS_OF}, "reviewer")
    assert answer.status_code in (200, 201), answer.text
    case_id: str = answer.json()["id"]
    return case_id
