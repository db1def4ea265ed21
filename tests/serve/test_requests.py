"""What POST /v1/decisions takes and answers: the four body shapes, field errors, size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cyberreview_policy.models.decision import Decision

DECISION_KEYS = set(Decision.__annotations__) - {"lang"}  # "lang": only when one is asked


def test_a_record_gives_one_decision_as_in_record_v1(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    response = service.post("/v1/decisions", covered)
    assert response.status_code == 200
    decision = response.json()
    assert set(decision) == DECISION_KEYS  # no error: the service decided
    assert decision["record_id"] == covered["id"]
    assert decision["decision"] == "block"
    [action] = decision["actions"]
    assert action["type"] == "open_case" and action["created"] is True
    assert action["case_id"] == "CR-000001"


def test_records_envelope_and_list(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    other = {**covered, "id": "PO-2", "review": {"status": "passed"}}
    as_list = service.post("/v1/decisions", [covered, other]).json()
    assert [d["record_id"] for d in as_list] == [covered["id"], "PO-2"]
    envelope = service.decide(other).json()
    assert envelope[0]["as_of"] == "2021-06-01"
    # the law in force on 2021-06-01: the 2017 catalogue and the 2020 Measures
    assert [p["id"] for p in envelope[0]["packs"]] == ["cn-cne-2017", "cn-csr-2020"]
    assert envelope[0]["pack"] in envelope[0]["packs"]


def problems(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    return list(error["problems"])


def test_field_errors_name_the_path(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    bad = {**covered, "product": {**covered["product"], "category": "router"}}
    assert problems(service.post("/v1/decisions", bad)) == [
        {
            "path": "product.category",
            "message": "'router' is not one of core_network_equipment, hpc_server, mass_storage, "
            "large_database, application_software, network_security_equipment, cloud_service, "
            "important_communication_product, other_important, other",
        }
    ]
    listed = problems(service.post("/v1/decisions", [covered, {**covered, "id": 7}]))
    assert listed == [{"path": "[1].id", "message": "expected a string, got 7"}]
    enveloped = problems(
        service.post("/v1/decisions", {"records": [covered], "as_of": "June", "extra": 1})
    )
    assert {p["path"] for p in enveloped} == {"as_of", "extra"}
    fetch = problems(service.post("/v1/decisions", {"source": "tryton"}))
    assert fetch == [{"path": "id", "message": "required field is missing"}]
    no_product = {k: v for k, v in covered.items() if k != "product"}
    assert problems(service.post("/v1/decisions", no_product)) == [
        {"path": "product", "message": "required for a record of kind purchase"}
    ]


def test_not_json_and_not_an_object(serve: Any) -> None:
    service = serve()
    broken = problems(service.post("/v1/decisions", b'{"id": "x",'))
    assert broken[0]["message"].startswith("invalid JSON")
    assert problems(service.post("/v1/decisions", b"42"))[0]["message"] == (
        "expected an object, got 42"
    )
    assert service.post("/v1/decisions", b"").json()["error"]["code"] == "invalid_request"
    assert problems(service.post("/v1/decisions", [])) == [
        {"path": "(body)", "message": "List should have at least 1 item after validation, not 0"}
    ]


def test_oversized_body_is_413(serve: Any, covered: dict[str, Any]) -> None:
    service = serve(max_body=2048)
    big = {**covered, "attributes": {"notes": "x" * 4096}}
    response = service.post("/v1/decisions", big)
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "the request body is larger than 2048 bytes",
        "limit": 2048,
    }

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        text = json.dumps(big).encode()
        for start in range(0, len(text), 500):
            yield text[start : start + 500]

    chunked = service.client.post(
        "/v1/decisions",
        content=chunks(),
        headers={"Authorization": f"Bearer {service.tokens['gate']}"},
    )
    assert chunked.status_code == 413
    assert service.post("/v1/decisions", covered).status_code == 200  # under the limit


def test_body_limit_applies_before_authentication(serve: Any) -> None:
    service = serve(max_body=100)
    assert service.post("/v1/decisions", b"x" * 101, role=None).status_code == 413


def test_a_lone_surrogate_is_a_400_naming_the_field(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    text = json.dumps(covered).replace('"Dispatch WAN"', '"Dispatch \\ud800WAN"').encode()
    assert b"\\ud800" in text
    [problem] = problems(service.post("/v1/decisions", text))
    assert problem["path"] == "deployment.system"
    assert problem["message"].startswith("a lone UTF-16 surrogate escape")
    listed = json.dumps([covered, {**covered, "id": "PO-2"}]).replace('"PO-2"', '"\\udc00"')
    [problem] = problems(service.post("/v1/decisions", listed.encode()))
    assert problem["path"] == "[1].id"
    enveloped = json.dumps({"records": [covered]}).replace('"Dispatch WAN"', '"\\ud800"')
    [problem] = problems(service.post("/v1/decisions", enveloped.encode()))
    assert problem["path"] == "records[0].deployment.system"
