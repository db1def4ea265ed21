"""The service in-process (FastAPI's TestClient over the real app, real SQLite or
PostgreSQL store) and tokens of each role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cyberreview_policy.cases.servestate import serve_store
from cyberreview_policy.runtime import Runtime
from cyberreview_policy.serve.app import create_app
from cyberreview_policy.serve.settings import Settings
from tests.conftest import COVERED

AS_OF = "2021-06-01"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_tokens(store_url: str) -> dict[str, str]:
    """A token of each role, created in the store as ``cyberreview tokens create`` does;
    the gate's may choose the date of the law (the tests decide as of 2021-06-01)."""
    store = Runtime(store_url=store_url).store()
    try:
        return {
            role: serve_store(store).create_token(
                f"test-{role}", role, "pytest", allow_as_of=role == "gate"
            )[1]
            for role in ("gate", "reviewer", "auditor")
        }
    finally:
        store.close()


def another_token(store_url: str, name: str, role: str = "reviewer") -> str:
    """One more token of ``role``: a second identity (one approves what another asked)."""
    store = Runtime(store_url=store_url).store()
    try:
        return serve_store(store).create_token(name, role, "pytest")[1]
    finally:
        store.close()


class Service:
    """A running app, its client, and a token per role."""

    def __init__(self, client: TestClient, tokens: dict[str, str], store_url: str):
        self.client = client
        self.tokens = tokens
        self.store_url = store_url

    def post(self, path: str, data: Any, role: str | None = "gate", **kw: Any) -> Any:
        headers = {**(bearer(self.tokens[role]) if role else {}), **kw.pop("headers", {})}
        if not isinstance(data, bytes):
            headers.setdefault("Content-Type", "application/json")
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        return self.client.post(path, content=body, headers=headers, **kw)

    def get(self, path: str, role: str | None = "auditor", **kw: Any) -> Any:
        headers = bearer(self.tokens[role]) if role else {}
        return self.client.get(path, headers=headers, **kw)

    def decide(self, record: Any, **kw: Any) -> Any:
        """POST a record (as of 2021-06-01, so under the 2020 pack) as the gate."""
        return self.post("/v1/decisions", {"records": [record], "as_of": AS_OF}, **kw)


@pytest.fixture
def sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'cases.db'}"


@pytest.fixture
def serve(sqlite_url: str) -> Iterator[Callable[..., Service]]:
    """``serve(**settings)`` -> a :class:`Service` (SQLite store in the test's home unless
    ``store=`` says otherwise); tokens are re-read on every request (``token_refresh=0``)."""
    clients: list[TestClient] = []

    def start(**options: Any) -> Service:
        tokens = options.pop("tokens", None)
        settings = replace(Settings(store=sqlite_url, token_refresh=0.0), **options)
        assert settings.store is not None
        tokens = tokens or make_tokens(settings.store)
        client = TestClient(create_app(settings), raise_server_exceptions=True)
        client.__enter__()
        clients.append(client)
        return Service(client, tokens, settings.store)

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def covered() -> dict[str, Any]:
    """A covered purchase without review: blocked, and opens a review case."""
    return json.loads(json.dumps(COVERED))
