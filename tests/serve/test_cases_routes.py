"""Everything ``cyberreview cases`` does, over HTTP: open, transition (closing states
included), mark complex, extend, notices, material in (multipart) and out, the list's
filters and pages; roles as ever (the gate sees no case), unknown parameters refused."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.conftest import COVERED, with_changes
from tests.serve.conftest import bearer

AS_OF = "2021-06-01"
UNASSESSED = with_changes(COVERED, risk__may_affect_national_security=None)


def opened(service: Any, record: dict[str, Any], kind: str = "review") -> dict[str, Any]:
    answer = service.post("/v1/cases", {"kind": kind, "record": record, "as_of": AS_OF}, "reviewer")
    assert answer.status_code in (200, 201), answer.text
    data: dict[str, Any] = answer.json()
    return data


def step(service: Any, case_id: str, body: dict[str, Any], role: str = "reviewer") -> Any:
    return service.post(f"/v1/cases/{case_id}/transitions", body, role)


def upload(service: Any, case_id: str, role: str = "reviewer", **form: Any) -> Any:
    content = form.pop("content", None)
    files = {"file": (form.pop("filename", "letter.pdf"), content)} if content is not None else None
    return service.client.post(
        f"/v1/cases/{case_id}/materials",
        data=form,
        files=files,
        headers=bearer(service.tokens[role]),
    )


def test_open_and_close_an_assessment_with_its_conclusion(serve: Any) -> None:
    service = serve()
    case = opened(service, UNASSESSED, "assessment")
    assert (case["id"], case["state"], case["created"]) == ("CR-000001", "open", True)
    assert opened(service, UNASSESSED, "assessment")["created"] is False
    bare = step(service, "CR-000001", {"to": "assessed", "on": "2021-06-02"})
    assert bare.status_code == 409
    assert "needs a conclusion, may_affect or no_effect" in bare.json()["error"]["message"]
    assert "--" not in bare.json()["error"]["message"]  # API errors never name CLI flags
    done = step(
        service, "CR-000001", {"to": "assessed", "on": "2021-06-02", "conclusion": "no_effect"}
    )
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["conclusion"]) == ("assessed", "no_effect")
    decision = service.decide(UNASSESSED).json()[0]
    assert decision["decision"] == "allow"  # the conclusion feeds the decision
    missing = service.post("/v1/cases", {"kind": "review", "as_of": AS_OF}, "reviewer")
    assert missing.status_code == 400
    bad = service.post("/v1/cases", {"kind": "review", "record": {"id": "x"}}, "reviewer")
    assert bad.status_code == 400
    assert {p["path"] for p in bad.json()["error"]["problems"]} >= {"record.operator"}


def test_steps_complex_extension_and_notices(serve: Any) -> None:
    service = serve()
    case_id = opened(service, COVERED)["id"]
    for to, on in (("declared", "2021-06-02"), ("under_review", "2021-06-15")):
        assert step(service, case_id, {"to": to, "on": on}).status_code == 200
    complex_ = service.post(f"/v1/cases/{case_id}/complex", {"on": "2021-07-01"}, "reviewer")
    assert complex_.status_code == 200, complex_.text
    assert complex_.json()["clocks"][1]["days"] == 45
    again = service.post(f"/v1/cases/{case_id}/complex", {"on": "2021-07-02"}, "reviewer")
    assert again.status_code == 409 and "marked complex already" in again.text
    assert step(service, case_id, {"to": "special_review", "on": "2021-09-01"}).status_code == 200
    late = service.post(
        f"/v1/cases/{case_id}/extensions", {"days": 10, "on": "2022-06-01", "note": "n"}, "reviewer"
    )
    assert late.status_code == 409 and "its special review ran out on" in late.text
    fine = service.post(
        f"/v1/cases/{case_id}/extensions",
        {"days": 10, "on": "2021-09-02", "note": "n 3"},
        "reviewer",
    )
    assert fine.status_code == 200
    noted = service.post(
        f"/v1/cases/{case_id}/notices",
        {"kind": "supplement_request", "ref": "网审补〔2021〕3号", "on": "2021-09-03"},
        "reviewer",
    )
    assert noted.status_code == 201, noted.text
    assert noted.json()["notices"][0]["ref"] == "网审补〔2021〕3号"
    with_letter = service.client.post(
        f"/v1/cases/{case_id}/notices",
        data={"kind": "accepted", "ref": "A-1", "on": "2021-06-03"},
        files={"file": ("accepted.pdf", b"%PDF accepted")},
        headers=bearer(service.tokens["reviewer"]),
    )
    assert with_letter.status_code == 201, with_letter.text
    assert with_letter.json()["notices"][-1]["material"] == "office_notice@1"
    closed = step(service, case_id, {"to": "passed", "on": "2021-10-08"})
    assert closed.json()["warnings"][0].startswith("no conclusion notice of the Office on file")
    for path, body in (
        (f"/v1/cases/{case_id}/complex", {"on": "2021-07-01"}),
        (f"/v1/cases/{case_id}/notices", {"kind": "accepted", "ref": "x", "on": "2021-06-03"}),
        ("/v1/cases", {"kind": "review", "record": COVERED}),
    ):
        assert service.post(path, body, "auditor").status_code == 403
        assert service.post(path, body, "gate").status_code == 403


def test_material_in_as_a_form_and_out_byte_for_byte(serve: Any) -> None:
    service = serve()
    case_id = opened(service, COVERED)["id"]
    content = bytes(range(256)) * 3
    first = upload(service, case_id, kind="impact_analysis", on="2021-06-02", content=content,
                   filename="../../etc/分析\r\n.pdf")  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["name"] == "impact_analysis@1"
    kept = first.json()["filename"]  # no path, no control characters
    assert kept.startswith("分析") and kept.endswith(".pdf") and "/" not in kept
    assert all(ch.isprintable() for ch in kept)
    second = upload(service, case_id, kind="impact_analysis", content=b"%PDF v2")
    assert second.json()["name"] == "impact_analysis@2"
    same = upload(service, case_id, kind="impact_analysis", content=b"%PDF v2")
    assert (same.status_code, same.json()["error"]["code"]) == (400, "material_refused")
    empty = upload(service, case_id, kind="declaration", content=b"")
    assert empty.status_code == 400 and "is empty" in empty.text
    no_file = upload(service, case_id, kind="declaration")
    assert no_file.status_code == 400 and no_file.json()["error"]["problems"][0]["path"] == "file"
    wrong = upload(service, case_id, kind="contract", content=b"x")
    assert wrong.status_code == 400
    assert upload(service, case_id, "auditor", kind="other", content=b"x").status_code == 403
    for role in ("reviewer", "auditor"):
        got = service.get(f"/v1/cases/{case_id}/materials/impact_analysis@1", role=role)
        assert got.status_code == 200
        assert got.content == content
        assert got.headers["x-content-sha256"] == hashlib.sha256(content).hexdigest()
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["content-disposition"].startswith(
            "attachment; filename=\"impact_analysis-v1\"; filename*=UTF-8''"
        )
    assert service.get(f"/v1/cases/{case_id}/materials/impact_analysis", "auditor").content == (
        b"%PDF v2"
    )
    assert service.get(f"/v1/cases/{case_id}/materials/impact_analysis", "gate").status_code == 403
    assert service.get(f"/v1/cases/{case_id}/materials/declaration", "auditor").status_code == 404
    assert service.get(f"/v1/cases/{case_id}/materials/contract", "auditor").status_code == 400
    listed = service.get(f"/v1/cases/{case_id}?materials=true", "auditor").json()["materials"]
    assert [m["name"] for m in listed] == ["impact_analysis@1", "impact_analysis@2"]
    step(service, case_id, {"to": "withdrawn", "on": "2021-06-03", "reason": "cancelled"})
    closed = upload(service, case_id, kind="other", content=b"late")
    assert closed.status_code == 409 and "material is attached to open cases" in closed.text


def test_a_large_upload_passes_the_body_limit_and_a_larger_one_does_not(serve: Any) -> None:
    service = serve(max_body=64 * 1024)
    case_id = opened(service, COVERED)["id"]
    big = upload(service, case_id, kind="other", content=b"x" * (2 * 1024 * 1024))
    assert big.status_code == 201, big.text[:200]
    decision = service.post("/v1/decisions", b"x" * (65 * 1024))
    assert decision.status_code == 413  # other routes keep --max-body


def test_list_filters_pages_and_refuses_unknown_parameters(serve: Any) -> None:
    service = serve()
    for index in range(5):
        record = with_changes(COVERED, id=f"PO-{index}", operator__name=f"Op {index % 2}")
        service.decide(record)
    first = service.get("/v1/cases?limit=2", "auditor")
    assert [c["id"] for c in first.json()] == ["CR-000001", "CR-000002"]
    assert first.headers["x-next-cursor"] == "CR-000002"
    assert 'rel="next"' in first.headers["link"] and "cursor=CR-000002" in first.headers["link"]
    rest = service.get("/v1/cases?limit=2&cursor=CR-000004", "auditor")
    assert [c["id"] for c in rest.json()] == ["CR-000005"] and "x-next-cursor" not in rest.headers
    mine = service.get("/v1/cases?operator=Op%201", "auditor").json()
    assert [c["id"] for c in mine] == ["CR-000002", "CR-000004"]
    assert mine[0]["operator"] == "Op 1" and mine[0]["product"] == "Backbone router"
    assert service.get("/v1/cases?record=PO-3", "auditor").json()[0]["id"] == "CR-000004"
    at_risk = service.get("/v1/cases?go_live_at_risk=true&as_of=2021-07-01", "auditor").json()
    assert len(at_risk) == 5 and at_risk[0]["go_live"]["at_risk"] is True
    assert service.get("/v1/cases?go_live_at_risk=true&as_of=2021-06-01", "auditor").json() == []
    assert service.get("/v1/cases?overdue=true", "auditor").json() == []
    step(service, "CR-000001", {"to": "withdrawn", "on": "2021-06-02", "reason": "superseded"})
    assert len(service.get("/v1/cases", "auditor").json()) == 4  # open ones
    assert len(service.get("/v1/cases?all=true", "auditor").json()) == 5
    assert service.get("/v1/cases?state=withdrawn", "auditor").json()[0]["id"] == "CR-000001"
    for query, path in (
        ("statee=open", "statee"),
        ("state=approved", "state"),
        ("overdue=yes", "overdue"),
        ("limit=0", "limit"),
        ("cursor=42", "cursor"),
        ("as_of=June", "as_of"),
    ):
        refused = service.get(f"/v1/cases?{query}", "auditor")
        assert refused.status_code == 400, query
        assert refused.json()["error"]["problems"][0]["path"] == path
    assert service.get("/v1/cases", "gate").status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_the_description_shows_every_case_route(serve: Any, role: str) -> None:
    paths = serve().get("/openapi.json", role=role).json()["paths"]
    for path in (
        "/v1/cases",
        "/v1/cases/{case_id}/transitions",
        "/v1/cases/{case_id}/complex",
        "/v1/cases/{case_id}/extensions",
        "/v1/cases/{case_id}/notices",
        "/v1/cases/{case_id}/materials",
        "/v1/cases/{case_id}/materials/{name}",
    ):
        assert path in paths
    assert (
        "multipart/form-data"
        in paths["/v1/cases/{case_id}/materials"]["post"]["requestBody"]["content"]
    )
