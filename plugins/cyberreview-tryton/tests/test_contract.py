"""The cyberreview-policy contract kit, against a real Tryton: over JSON-RPC and REST."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
import tryton_env

from conftest import (
    MAPPINGS,
    add_router,
    change_line,
    jsonrpc_settings,
    rest_settings,
    stranger,
)
from cyberreview_policy.testing import Request, SourceContract

PAGE_METHOD = "model.purchase.line.search_read"


def _is_paging_domain(domain: Any) -> bool:
    """A read's page asks for ``id > last``; a fetch asks for ``id = n``."""
    return isinstance(domain, list) and any(
        isinstance(clause, list) and clause[:2] == ["id", ">"] for clause in domain
    )


class TrytonContract(SourceContract):
    source_type = "tryton"
    page_size = 5  # 25 lines in 5 pages or more
    mappings: ClassVar[dict[str, Any]] = MAPPINGS

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tryton_env.Server]:
        tryton_env.ensure()
        with tryton_env.start(tmp_path_factory.mktemp("tryton")) as server:
            yield server

    def add_record(self, system: tryton_env.Server) -> str:
        return add_router(system)

    def change_record(self, system: tryton_env.Server, ref: str) -> None:
        change_line(system, ref)

    def item_ref(self, item: Any) -> str:
        return str(item["id"])


class TestJsonRpc(TrytonContract):
    def settings(self, system: tryton_env.Server, url: str) -> dict[str, Any]:
        return jsonrpc_settings(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "username": stranger(), "password": "not-the-password"}

    def is_page(self, request: Request) -> bool:
        if request.method != "POST" or not request.body:
            return False
        body = request.json()
        return body.get("method") == PAGE_METHOD and _is_paging_domain(body["params"][0])

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["result"]
        return items

    def error_body(self) -> Any:
        return {
            "id": 1,
            "error": ["UserError", ['You are not allowed to access "Purchase Line".', "", None]],
        }


class TestRest(TrytonContract):
    def settings(self, system: tryton_env.Server, url: str) -> dict[str, Any]:
        return rest_settings(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "api_key": "0" * 128}

    def is_page(self, request: Request) -> bool:
        if not request.path.endswith("/rest/model/purchase.line") or "d" not in request.query:
            return False
        domain = json.loads(base64.urlsafe_b64decode(request.query["d"][-1]))
        return _is_paging_domain(domain)

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body
        return items

    def error_body(self) -> Any:
        return {"error": ["UserError", ["The server cannot serve this request.", "", None]]}
