"""Bodies the service would silently misread are refused with 400 naming the place:
a key given twice (in a record, a list or the envelope), NaN or Infinity anywhere, NUL
(which no PostgreSQL text column holds: it was a store outage)."""

from __future__ import annotations

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
