"""Several ``serve`` processes on one PostgreSQL store behave as one; nothing secret in
their logs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from cyberreview_policy.cases.base import CaseRequest
from cyberreview_policy.cases.postgres import PostgresStore
from tests.serve.conftest import bearer, make_tokens
from tests.serve.processes import ServeProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def replicas(pg_url: str, home: Path, tmp_path: Path) -> Iterator[list[ServeProcess]]:
    procs = [ServeProcess(pg_url, home, tmp_path / f"serve-{n}.log") for n in range(2)]
    try:
        for proc in procs:
            proc.wait_ready()
        yield procs
    finally:
        for proc in procs:
            proc.stop()


def _together(calls: list[Any]) -> list[Any]:
    """Run the calls at once (a barrier), return their results in order."""
    results: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_replicas_one_key_one_case(
    replicas: list[ServeProcess], pg_url: str, covered: dict[str, Any]
) -> None:
    tokens = make_tokens(pg_url)
    gate = {**bearer(tokens["gate"]), "Idempotency-Key": "CHG0031337"}
    body = json.dumps({"records": [covered], "as_of": "2021-06-01"})
    calls = [
        lambda url=proc.url: requests.post(
            url + "/v1/decisions", data=body, headers=gate, timeout=30
        )
        for proc in replicas
        for _ in range(3)
    ]
    answers = _together(calls)
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1  # identical, from whichever replica
    [decision] = answers[0].json()
    assert decision["decision"] == "block" and decision["actions"][0]["created"] is True
    auditor = bearer(tokens["auditor"])
    cases = requests.get(replicas[1].url + "/v1/cases", headers=auditor, timeout=30)
    assert [c["record_id"] for c in cases.json()] == [covered["id"]]
    trail = requests.get(replicas[0].url + "/v1/audit", headers=auditor, timeout=30).json()
    assert [e["action"] for e in trail].count("gate.decision") == 1  # decided once, by one
    # without a key too: concurrent gates on both replicas, still one case per record and kind
    other = json.dumps({"records": [{**covered, "id": "PO-2"}], "as_of": "2021-06-01"})
    plain = bearer(tokens["gate"])
    answers = _together(
        [
            lambda url=proc.url: requests.post(
                url + "/v1/decisions", data=other, headers=plain, timeout=30
            )
            for proc in replicas
            for _ in range(3)
        ]
    )
    created = [a.json()[0]["actions"][0]["created"] for a in answers]
    assert sorted(created) == [False] * 5 + [True]
    assert len({a.json()[0]["actions"][0]["case_id"] for a in answers}) == 1
    logs = "".join(proc.stop() for proc in replicas)
    assert '"POST /v1/decisions HTTP/1.1" 200' in logs  # the access log is on
    for token in tokens.values():
        assert token not in logs
    for secret in ("Bearer", "Authorization", "East Grid Power", "Backbone router", "4200000"):
        assert secret not in logs


def test_open_case_race_on_postgresql(pg_url: str) -> None:
    """Two connections opening the same case at once: one creates it, one finds it."""
    stores = [PostgresStore(pg_url) for _ in range(2)]
    try:
        for n in range(10):
            request = CaseRequest(
                record_key=f"race:{n}",
                record_id=f"R-{n}",
                kind="review",
                rule="review-required",
                pack="cn-csr-2020@1",
                opened_on=__import__("datetime").date(2021, 6, 1),
            )
            results = _together(
                [lambda s=store, r=request: s.open_case(r, "pytest") for store in stores]
            )
            assert sorted(created for _, created in results) == [False, True]
            assert results[0][0].id == results[1][0].id
    finally:
        for store in stores:
            store.close()


def test_serve_starts_while_the_store_is_down(home: Path, tmp_path: Path) -> None:
    """Fail closed, not fail to start: health is 503 and decisions block."""
    proc = ServeProcess(
        "postgresql://postgres@127.0.0.1:9/nowhere",
        home,
        tmp_path / "serve.log",
        "--allow-anonymous",
        "gate",
    )
    try:
        proc.wait_ready(expect=503)
        answer = requests.post(
            proc.url + "/v1/decisions",
            data=json.dumps({"id": "PO-1", "operator": {"name": "X"}, "kind": "listing"}),
            headers={"Content-Type": "application/json"},  # anonymous: JSON only
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.json()["decision"] == "block"
        assert answer.json()["error"]["code"] == "store_unavailable"
    finally:
        log = proc.stop()
    assert "serving anyway: decisions block until the store answers" in log
