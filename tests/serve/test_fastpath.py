"""``POST /v1/decisions`` past FastAPI (serve/fastpath.py) answers exactly as the
FastAPI route does: the same status, body and headers, for good requests and for
every way a request is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from cyberreview_policy.serve import fastpath
from tests.conftest import COVERED, with_changes
from tests.serve.conftest import AS_OF, Service

RECORD = {"records": [COVERED], "as_of": AS_OF}

#: (what is sent, role or raw Authorization header, extra headers)
REQUESTS: list[tuple[Any, str | None, dict[str, str]]] = [
    (COVERED, "gate", {}),  # a bare record: the fast path of the parser
    (RECORD, "gate", {}),
    ([COVERED, with_changes(COVERED, id="PO-2", review__status="passed")], "gate", {}),
    (RECORD, "gate", {"Idempotency-Key": "CHG-1"}),
    (RECORD, "gate", {"Idempotency-Key": "CHG-1"}),  # the stored answer
    (with_changes(COVERED, id="PO-3"), "gate", {"Idempotency-Key": "CHG-1"}),  # reused: 422
    (RECORD, "gate", {"Idempotency-Key": "k" * 201}),
    (b"", "gate", {}),
    (b"{not json", "gate", {}),
    (with_changes(COVERED, operator__ciio="yes"), "gate", {}),
    ({"source": "nowhere", "id": "x"}, "gate", {}),
    (RECORD, None, {}),
    (RECORD, "Basic abc", {}),
    (RECORD, "Bearer", {}),
    (RECORD, "Bearer not-a-token", {}),
    (RECORD, "auditor", {}),  # may not decide: 403
]


def answers(service: Service, tokens: dict[str, str]) -> list[tuple[int, Any, str | None]]:
    out = []
    for data, who, extra in REQUESTS:
        headers = dict(extra)
        if who in tokens:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        elif who is not None:
            headers["Authorization"] = who
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        response = service.client.post("/v1/decisions", content=body, headers=headers)
        assert response.headers["content-type"] == "application/json"
        out.append(
            (response.status_code, response.content, response.headers.get("www-authenticate"))
        )
    return out


def test_the_fast_path_answers_as_the_route_does(
    serve: Callable[..., Service], monkeypatch: pytest.MonkeyPatch, home: Any
) -> None:
    fast = serve()
    fast_answers = answers(fast, fast.tokens)
    calls: list[str] = []
    original = fastpath.FastDecisions.__call__

    async def counted(self: Any, scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope.get("path", ""))
        await self.app(scope, receive, send)  # straight on: FastAPI's route answers

    monkeypatch.setattr(fastpath.FastDecisions, "__call__", counted)
    slow = serve(store=f"sqlite:///{home / 'other.db'}")
    slow_answers = answers(slow, slow.tokens)
    monkeypatch.setattr(fastpath.FastDecisions, "__call__", original)
    assert calls.count(fastpath.PATH) == len(REQUESTS)  # every one went on to FastAPI
    statuses = [status for status, _, _ in fast_answers]
    assert {200, 400, 401, 403, 422} <= set(statuses)
    for (data, who, _), mine, theirs in zip(REQUESTS, fast_answers, slow_answers, strict=True):
        if mine[0] == 200:  # decisions: the same but for case ids of the other store
            assert _without_case_ids(mine[1]) == _without_case_ids(theirs[1]), (data, who)
            assert mine[0] == theirs[0] and mine[2] == theirs[2]
        else:
            assert mine == theirs, (data, who)


def _without_case_ids(body: bytes) -> Any:
    data = json.loads(body)
    for decision in data if isinstance(data, list) else [data]:
        for action in decision.get("actions", []):
            action["case_id"] = None
        for case in decision.get("cases", []):
            case["id"] = None
    return data
