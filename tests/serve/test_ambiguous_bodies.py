"""Bodies the service would silently misread are refused with 400 naming the place:
a key given twice (in a record, a list or the envelope), NaN or Infinity anywhere, NUL
(which no PostgreSQL text column holds: it was a store outage)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.conftest import COVERED, with_changes


def test_serve_refuses_duplicates_in_every_body_shape(serve: Any) -> None:
    service = serve()
    record = with_changes(COVERED, review__status="passed")
    one = json.dumps(record).replace('"ciio": true', '"ciio": false, "ciio": true')
    shapes = {
        one: "operator.ciio",
        f"[{one}]": "[0].operator.ciio",
        f'{{"records": [{one}], "as_of": "2021-06-01"}}': "records[0].operator.ciio",
        json.dumps({"records": [record], "as_of": "2021-06-01"})[:-1]
        + ', "as_of": "2022-06-01"}': "as_of",
    }
    for body, path in shapes.items():
        response = service.post("/v1/decisions", body.encode())
        assert response.status_code == 400, (body[:60], response.text)
        [problem] = response.json()["error"]["problems"]
        assert problem["path"] == path
        assert "duplicate key" in problem["message"]


def test_serve_refuses_nan_anywhere_in_the_body(serve: Any) -> None:
    service = serve()
    body = json.dumps({"records": [with_changes(COVERED, attributes={"w": 1})]})
    response = service.post("/v1/decisions", body.replace('"w": 1', '"w": NaN').encode())
    assert response.status_code == 400, response.text
    [problem] = response.json()["error"]["problems"]
    assert problem["path"].startswith("records[0]")
    assert "NaN" in problem["message"]


def test_serve_refuses_nul_with_400(serve: Any, pg_url: str) -> None:
    service = serve(store=pg_url)
    response = service.post("/v1/decisions", with_changes(COVERED, id="PO\u00001"))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["problems"][0]["path"] == "id"


def test_every_json_body_is_checked_alike(
    serve: Any, pg_url: str, home: Any, covered: dict[str, Any]
) -> None:
    """A transition or a waiver with a NUL was a store outage (503) on PostgreSQL, or a
    waiver file that no longer loads; a key given twice took the last."""
    service = serve(store=pg_url)
    case_id = service.post("/v1/decisions", covered).json()["actions"][0]["case_id"]
    path, today = f"/v1/cases/{case_id}/transitions", dt.date.today().isoformat()
    nul = service.post(path, {"to": "declared", "on": today, "note": "a\u0000b"}, "reviewer")
    assert nul.status_code == 400, nul.text
    assert nul.json()["error"]["problems"][0]["path"] == "note"
    twice = f'{{"to": "withdrawn", "on": "{today}", "to": "declared"}}'.encode()
    assert service.post(path, twice, "reviewer").status_code == 400
    waiver = {
        "rule": "commitments",
        "vendor": "Example Networks",
        "reason": "letter\u0000on file",
        "expires": "2021-12-31",
    }
    refused = service.post("/v1/waivers", waiver, "reviewer")
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["problems"][0]["path"] == "reason"
    assert service.get("/v1/waivers", "reviewer").status_code == 200
    assert service.post("/v1/decisions", covered).json()["decision"] == "block"
