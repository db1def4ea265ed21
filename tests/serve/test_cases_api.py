"""Cases over HTTP: the lifecycle of ``cyberreview cases``; gates never see case material."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from cyberreview_policy.runtime import Runtime
from tests.serve.conftest import another_token, bearer

NOTE = "Office letter 2021-117: supplier escrow agreement missing"


def _open_case(service: Any, covered: dict[str, Any]) -> str:
    decision = service.decide(covered).json()[0]
    case_id: str = decision["actions"][0]["case_id"]
    return case_id


def test_reviewer_moves_a_case(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    case_id = _open_case(service, covered)
    step = {"to": "declared", "on": "2021-06-02", "note": NOTE}
    moved = service.post(f"/v1/cases/{case_id}/transitions", step, role="reviewer")
    assert moved.status_code == 200, moved.text
    detail = moved.json()
    assert detail["state"] == "declared"
    assert detail["events"][-1]["actor"] == "token:test-reviewer"
    assert detail["clocks"][0]["period"] == "determination"
    wrong = service.post(
        f"/v1/cases/{case_id}/transitions", {"to": "passed", "on": "2021-06-03"}, role="reviewer"
    )
    assert wrong.status_code == 409
    assert wrong.json()["error"] == {
        "code": "transition_refused",
        "message": f"case {case_id} (review) is declared: it can go to under_review, "
        "not_required, supplementing, withdrawn, not passed",
    }
    missing = service.post(
        "/v1/cases/CR-000099/transitions", {"to": "declared", "on": "2021-06-03"}, role="reviewer"
    )
    assert missing.status_code == 404
    bad = service.post(f"/v1/cases/{case_id}/transitions", {"to": "x", "on": "2021"}, "reviewer")
    assert bad.status_code == 400
    assert {p["path"] for p in bad.json()["error"]["problems"]} == {"to", "on"}
    listed = service.get("/v1/cases?state=declared", role="auditor").json()
    assert [c["id"] for c in listed] == [case_id]
    shown = service.get(f"/v1/cases/{case_id}", role="auditor").json()
    assert shown["events"][-1]["note"] == NOTE
    assert "materials" not in shown
    trail = service.get("/v1/audit", role="auditor").json()
    assert [e["action"] for e in trail][-2:] == ["gate.decision", "case.transition"]


def test_gate_never_sees_case_material(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    case_id = _open_case(service, covered)
    service.post(
        f"/v1/cases/{case_id}/transitions",
        {"to": "declared", "on": "2021-06-02", "note": NOTE},
        role="reviewer",
    )
    store = Runtime(store_url=service.store_url).store()
    store.attach(
        case_id,
        "impact_analysis",
        "analysis.pdf",
        b"%PDF secret analysis",
        on=covered_on(),
        actor="x",
    )
    store.close()
    for path in (f"/v1/cases/{case_id}", "/v1/cases", "/v1/audit"):
        assert service.get(path, role="gate").status_code == 403
    text = service.decide(covered).text
    decision = json.loads(text)[0]
    assert decision["cases"][0]["id"] == case_id  # the case id, its state and clock: yes
    assert decision["cases"][0]["state"] == "declared"
    for secret in (NOTE, "analysis.pdf", "secret analysis", "summary", "events", "sha256"):
        assert secret not in text
    with_files = service.get(f"/v1/cases/{case_id}?materials=true", role="reviewer").json()
    assert [m["filename"] for m in with_files["materials"]] == ["analysis.pdf"]
    assert "secret analysis" not in json.dumps(with_files)  # content is never served


def covered_on() -> Any:
    return dt.date(2021, 6, 3)


def test_reviewer_requests_and_another_approves_a_waiver(
    serve: Any, covered: dict[str, Any]
) -> None:
    service = serve()
    record = {
        **covered,
        "review": {"status": "passed"},
        "contract": {
            **covered["contract"],
            "commitments": {**covered["contract"]["commitments"], "no_illegal_control": False},
        },
    }
    before = service.decide(record).json()[0]
    assert before["decision"] == "warn"
    assert [f["rule"] for f in before["findings"] if f["outcome"] == "warn"] == ["commitments"]
    ask = {
        "rule": "commitments",
        "record": record["id"],
        "reason": "amendment signed, DMS-4411",
        "expires": "2099-01-01",
    }
    too_long = service.post("/v1/waivers", ask, role="reviewer")
    assert too_long.status_code == 400
    assert "must be within 365 days" in too_long.json()["error"]["message"]
    ask["expires"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert service.post("/v1/waivers", ask, role="gate").status_code == 403
    fixed = service.post("/v1/waivers", {**ask, "rule": "review-required"}, role="reviewer")
    assert fixed.status_code == 400 and "not overridable" in fixed.text
    requested = service.post("/v1/waivers", ask, role="reviewer")
    assert requested.status_code == 201, requested.text
    assert (requested.json()["id"], requested.json()["status"]) == ("W-0001", "requested")
    asked = service.post("/v1/decisions", record).json()  # a request sets nothing aside
    assert [f["waiver"] for f in asked["findings"] if f["rule"] == "commitments"] == [None]
    headers = bearer(another_token(service.store_url, "test-ciso"))
    approved = service.client.post("/v1/waivers/W-0001/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    today = service.post("/v1/decisions", record).json()  # as of today: the waiver applies
    waived = {f["rule"]: f["waiver"]["id"] for f in today["findings"] if f["waiver"]}
    assert waived == {"commitments": "W-0001"}  # the engine picked the approval up at once
    listed = service.get("/v1/waivers", role="auditor").json()
    assert [(w["id"], w["state"]) for w in listed] == [("W-0001", "active")]
    trail = service.get("/v1/audit").json()
    said = [(e["action"], e["actor"]) for e in trail if e["action"].startswith("waiver.")]
    assert said == [
        ("waiver.requested", "token:test-reviewer"),
        ("waiver.approved", "token:test-ciso"),
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_odd_case_ids_are_not_found(
    serve: Any, covered: dict[str, Any], backend: str, request: pytest.FixtureRequest
) -> None:
    """Digits that are not ASCII digits, and numbers no case can have: 404, never 500."""
    options = {"store": request.getfixturevalue("pg_url")} if backend == "postgresql" else {}
    service = serve(**options)
    _open_case(service, covered)
    for case_id in ("CR-²", "CR-①", "CR-٣", "CR-" + "9" * 30, "CR-" + "7" * 5000, "CR--1"):
        shown = service.get(f"/v1/cases/{case_id}", role="auditor")
        assert shown.status_code == 404, (case_id[:40], shown.text[:200])
        assert shown.json()["error"]["code"] == "not_found"
        moved = service.post(
            f"/v1/cases/{case_id}/transitions", {"to": "declared", "on": "2021-06-02"}, "reviewer"
        )
        assert moved.status_code == 404, (case_id[:40], moved.text[:200])
    assert service.get("/v1/cases/CR-1", role="auditor").status_code == 200  # CR-000001


@pytest.mark.parametrize("on", ["9999-12-31", "9999-12-30", "2150-01-01"])
def test_a_transition_dated_absurdly_far_ahead_is_refused(
    serve: Any, covered: dict[str, Any], on: str
) -> None:
    service = serve()
    case_id = _open_case(service, covered)
    moved = service.post(
        f"/v1/cases/{case_id}/transitions", {"to": "declared", "on": on}, role="reviewer"
    )
    assert moved.status_code == 409, moved.text
    assert moved.json()["error"]["code"] == "transition_refused"
    assert "is after today" in moved.json()["error"]["message"]
    planned = service.post(
        f"/v1/cases/{case_id}/transitions",
        {"to": "declared", "on": on, "planned": True},
        role="reviewer",
    )
    assert planned.status_code == 409, planned.text
    assert "too far ahead" in planned.json()["error"]["message"]
    listed = service.get("/v1/cases", role="auditor")  # every later listing still works
    assert listed.status_code == 200
    assert [c["state"] for c in listed.json()] == ["open"]
