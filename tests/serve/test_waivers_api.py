"""``/v1/waivers``: a reviewer's token requests, another reviewer's token approves or
rejects; gate and auditor tokens never change a waiver; refusals say what is wrong
without naming a command-line flag."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import COVERED, with_changes
from tests.serve.conftest import another_token, bearer

GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)
ASK = {
    "rule": "commitments",
    "record": GAP["id"],
    "reason": "amendment signed, DMS-4411",
    "ticket": "CHG-7",
    "created": "2021-05-01",
    "expires": "2021-12-31",
}


def _message(response: Any) -> str:
    message: str = response.json()["error"]["message"]
    assert "--" not in message, message  # an API error never names a CLI flag
    return message


def _waived(service: Any) -> list[Any]:
    [decision] = service.decide(GAP).json()
    return [f["waiver"] and f["waiver"]["id"] for f in decision["findings"] if f["waiver"]]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_request_then_another_token_approves(
    serve: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    options = {"store": request.getfixturevalue("pg_url")} if backend == "postgresql" else {}
    service = serve(**options)
    ciso = bearer(another_token(service.store_url, "ciso"))
    asked = service.post("/v1/waivers", ASK, role="reviewer")
    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert (body["id"], body["status"], body["state"]) == ("W-0001", "requested", "requested")
    assert (body["requested_by"], body["approver"]) == ("token:test-reviewer", None)
    assert _waived(service) == []  # a request sets nothing aside
    own = service.post("/v1/waivers/W-0001/approve", {}, role="reviewer")
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_request"
    assert "requested by token:test-reviewer" in _message(own)
    approved = service.client.post(
        "/v1/waivers/W-0001/approve", json={"note": "checked DMS-4411"}, headers=ciso
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["approver"], approved.json()["state"]) == ("token:ciso", "expired")
    assert _waived(service) == ["W-0001"]  # as of 2021-06-01, at once
    twice = service.client.post("/v1/waivers/W-0001/reject", json={"note": "x"}, headers=ciso)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "waiver_conflict"
    assert "approved already" in _message(twice)
    listed = service.get("/v1/waivers", role="auditor").json()
    assert [(w["id"], w["status"], w["requested_by"], w["approver"]) for w in listed] == [
        ("W-0001", "approved", "token:test-reviewer", "token:ciso")
    ]
    trail = service.get("/v1/audit").json()
    assert [(e["action"], e["actor"]) for e in trail if e["action"].startswith("waiver.")] == [
        ("waiver.requested", "token:test-reviewer"),
        ("waiver.approved", "token:ciso"),
    ]


def test_a_request_naming_an_approver_is_refused(serve: Any) -> None:
    service = serve()
    refused = service.post("/v1/waivers", {**ASK, "approver": "Li Wei (CISO)"}, role="reviewer")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert (error["code"], error["problems"][0]["path"]) == ("invalid_waiver", "approver")
    assert _message(refused) == (
        "approver: a waiver request names no approver: another token approves it "
        "(POST /v1/waivers/{id}/approve)"
    )
    assert service.get("/v1/waivers", role="auditor").json() == []


def test_only_reviewers_change_waivers(serve: Any) -> None:
    service = serve()
    for role in ("gate", "auditor"):
        assert service.post("/v1/waivers", ASK, role=role).status_code == 403
    assert service.post("/v1/waivers", ASK, role="reviewer").status_code == 201
    for role in ("gate", "auditor"):
        for verb in ("approve", "reject"):
            refused = service.post(f"/v1/waivers/W-0001/{verb}", {"note": "n"}, role=role)
            assert refused.status_code == 403, (role, verb)
            assert refused.json()["error"]["code"] == "forbidden"
    anonymous = service.client.post("/v1/waivers/W-0001/approve", json={})
    assert anonymous.status_code == 401
    assert service.get("/v1/waivers", role="gate").status_code == 403
    assert service.get("/v1/waivers", role="auditor").json()[0]["status"] == "requested"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_refusals_name_fields_not_flags(
    serve: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    options = {"store": request.getfixturevalue("pg_url")} if backend == "postgresql" else {}
    service = serve(**options)
    ciso = bearer(another_token(service.store_url, "ciso"))
    cases = [
        ({**ASK, "record": None}, "a waiver needs a scope: a record, product model, vendor"),
        ({**ASK, "expires": "2023-01-01"}, "expires 2023-01-01 must be within 365 days"),
        ({**ASK, "rule": "review-required"}, "is not overridable"),
        ({**ASK, "rule": "no-such-rule"}, "no registered pack has a rule 'no-such-rule'"),
    ]
    for body, said in cases:
        refused = service.post("/v1/waivers", body, role="reviewer")
        assert refused.status_code == 400, body
        assert said in _message(refused)
    service.post("/v1/waivers", ASK, role="reviewer")
    no_note = service.client.post("/v1/waivers/W-0001/reject", json={}, headers=ciso)
    assert no_note.status_code == 400
    assert _message(no_note) == "a rejection says why: give a note"
    unknown = service.client.post("/v1/waivers/W-0404/approve", headers=ciso)
    assert unknown.status_code == 404 and "no waiver 'W-0404'" in _message(unknown)
    for odd in ("W-%00", "W-0001%0A", "%C2%B2", "W-" + "9" * 300):
        refused = service.client.post(f"/v1/waivers/{odd}/approve", headers=ciso)
        assert refused.status_code == 404, (odd, refused.text)
    stray = service.client.post("/v1/waivers/W-0001/approve", json={"by": "x"}, headers=ciso)
    assert stray.status_code == 400
    _message(stray)
    rejected = service.client.post(
        "/v1/waivers/W-0001/reject", json={"note": "not signed"}, headers=ciso
    )
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["decided_by"]) == ("rejected", "token:ciso")
    assert _waived(service) == []


def test_the_list_warns_of_waivers_that_expire_soon(serve: Any) -> None:
    service = serve()
    ciso = bearer(another_token(service.store_url, "ciso"))
    today = dt.date.today()
    for days in (10, 100):
        ask = {**ASK, "created": None, "expires": (today + dt.timedelta(days=days)).isoformat()}
        assert service.post("/v1/waivers", ask, role="reviewer").status_code == 201
    for waiver_id in ("W-0001", "W-0002"):
        assert service.client.post(f"/v1/waivers/{waiver_id}/approve", headers=ciso).is_success
    listed = service.get("/v1/waivers", role="reviewer").json()
    soon = today + dt.timedelta(days=10)
    assert [(w["state"], w["warning"]) for w in listed] == [
        ("active", f"waiver W-0001 (active) expires in 10 days, on {soon}"),
        ("active", None),
    ]
