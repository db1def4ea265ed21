"""Same key, same answer: the Idempotency-Key header or the request_id field."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from cyberreview_policy.cases.servestate import StoredResponse, serve_store
from cyberreview_policy.runtime import Runtime


def _audit_actions(service: Any) -> list[str]:
    return [e["action"] for e in service.get("/v1/audit").json()]


def test_same_key_same_stored_answer(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    body = {"records": [covered], "as_of": "2021-06-01"}
    key = {"Idempotency-Key": "CHG0012345"}
    first = service.post("/v1/decisions", body, headers=key)
    again = service.post("/v1/decisions", body, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert first.json()[0]["actions"][0]["created"] is True  # as first answered, not re-decided
    assert _audit_actions(service).count("gate.decision") == 1
    by_field = service.post("/v1/decisions", {**body, "request_id": "CHG0012345"})
    assert by_field.content != first.content  # a different body under the same key
    assert by_field.status_code == 422
    assert by_field.json()["error"]["code"] == "idempotency_key_reused"
    new = service.post("/v1/decisions", {**body, "request_id": "CHG0099"})
    assert new.json()[0]["actions"][0]["created"] is False  # the case is open already


def test_keys_are_per_token(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    store = Runtime(store_url=service.store_url).store()
    other = store.create_token("other-gate", "gate", "pytest", True)[1]  # type: ignore[attr-defined]
    store.close()
    body = {"records": [covered], "as_of": "2021-06-01", "request_id": "R-1"}
    mine = service.post("/v1/decisions", body)
    service.tokens["other"] = other
    theirs = service.post("/v1/decisions", body, role="other")
    assert mine.json()[0]["actions"][0]["created"] is True
    assert theirs.json()[0]["actions"][0]["created"] is False


def test_header_and_field_must_agree(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    body = {"records": [covered], "as_of": "2021-06-01", "request_id": "A"}
    response = service.post("/v1/decisions", body, headers={"Idempotency-Key": "B"})
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["path"] == "request_id"


def test_concurrent_duplicates_in_one_process(
    serve: Any, pg_url: str, covered: dict[str, Any]
) -> None:
    service = serve(store=pg_url, threads=4)
    body = {"records": [covered], "as_of": "2021-06-01", "request_id": "CHG-77"}
    answers: list[bytes] = []
    start = threading.Barrier(6)

    def ask() -> None:
        start.wait()
        answers.append(service.post("/v1/decisions", body).content)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1
    assert len(service.get("/v1/cases").json()) == 1
    assert _audit_actions(service).count("gate.decision") == 1  # decided once, answered six times


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_claims_are_won_once_and_taken_over_when_stale(
    backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store = Runtime(store_url=url).store()
    keep = serve_store(store)
    now = dt.datetime.now(dt.UTC)
    before, after = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    try:
        assert keep.claim_response("k", "f1", before) is True
        assert keep.claim_response("k", "f2", before) is False  # pending, and fresh
        pending = keep.stored_response("k")
        assert pending is not None and pending.pending and pending.fingerprint == "f1"
        assert keep.claim_response("k", "f2", after) is True  # stale: its owner died
        keep.complete_response("k", 200, "{}")
        assert keep.claim_response("k", "f3", after) is False  # answered: kept for good
        keep.release_response("k")  # releases pending claims only
        assert keep.stored_response("k") == StoredResponse("f2", 200, "{}")
        assert keep.claim_response("j", "f1", before) is True
        keep.release_response("j")
        assert keep.stored_response("j") is None
        assert keep.purge_responses(after) == 1
    finally:
        store.close()


def test_keys_of_tokens_whose_names_run_together_do_not_collide(
    serve: Any, covered: dict[str, Any]
) -> None:
    """``ci`` with key ``prod:K1`` and ``ci:prod`` with key ``K1``: two callers, two keys."""
    service = serve()
    store = Runtime(store_url=service.store_url).store()
    for name in ("ci", "ci:prod"):
        service.tokens[name] = store.create_token(name, "gate", "pytest", allow_as_of=True)[1]  # type: ignore[attr-defined]
    store.close()
    first = {"records": [covered], "as_of": "2021-06-01"}
    second = {"records": [{**covered, "id": "PO-OTHER/1"}], "as_of": "2021-06-01"}
    mine = service.post("/v1/decisions", first, role="ci", headers={"Idempotency-Key": "prod:K1"})
    theirs = service.post(
        "/v1/decisions", second, role="ci:prod", headers={"Idempotency-Key": "K1"}
    )
    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert [d["record_id"] for d in theirs.json()] == ["PO-OTHER/1"]


def test_a_new_token_of_a_revoked_ones_name_does_not_get_its_answers(
    serve: Any, covered: dict[str, Any]
) -> None:
    service = serve()
    store = Runtime(store_url=service.store_url).store()
    service.tokens["ci"] = store.create_token("ci", "gate", "pytest", allow_as_of=True)[1]  # type: ignore[attr-defined]
    body = {"records": [covered], "as_of": "2021-06-01", "request_id": "R-9"}
    assert service.post("/v1/decisions", body, role="ci").json()[0]["actions"][0]["created"]
    store.revoke_token("ci", "pytest")  # type: ignore[attr-defined]
    service.tokens["ci"] = store.create_token("ci", "gate", "pytest", allow_as_of=True)[1]  # type: ignore[attr-defined]
    store.close()
    again = service.post("/v1/decisions", body, role="ci").json()
    assert again[0]["actions"][0]["created"] is False  # decided anew: the case was open


def test_a_replay_speaks_the_replaying_request_language(
    serve: Any, covered: dict[str, Any]
) -> None:
    service = serve()
    body = {"records": [covered], "as_of": "2021-06-01"}
    key = {"Idempotency-Key": "CHG-LANG-1"}
    first = service.post("/v1/decisions?lang=zh-CN", body, headers=key)
    assert first.status_code == 200
    chinese = first.json()[0]
    assert chinese["lang"] == "zh-CN"
    assert "须申报网络安全审查" in chinese["findings"][0]["message_localized"]
    english = service.post("/v1/decisions", body, headers=key)
    assert english.status_code == 200
    replayed = english.json()[0]
    assert "lang" not in replayed
    assert all("message_localized" not in f for f in replayed["findings"])
    assert replayed["actions"] == chinese["actions"]  # the same answer, not decided again
    assert replayed["findings"][0]["message"] == chinese["findings"][0]["message"]
    again = service.post("/v1/decisions", body, headers={**key, "Accept-Language": "zh-CN"})
    assert again.json() == first.json()  # localized anew, to the same texts
    both = service.post("/v1/decisions?lang=zh-CN%2Ben", body, headers=key).json()[0]
    assert both["lang"] == "zh-CN+en"
    assert _audit_actions(service).count("gate.decision") == 1
