"""``GET /v1/cases/{id}/dossier``: reviewers and auditors get the ZIP, gates never; each
one built is in the audit trail, without the case's contents."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from cyberreview_policy.runtime import Runtime
from tests.dossier.conftest import unzip


def _case_with_material(service: Any, covered: dict[str, Any]) -> str:
    case_id: str = service.decide(covered).json()[0]["actions"][0]["case_id"]
    store = Runtime(store_url=service.store_url).store()
    store.attach(
        case_id,
        "impact_analysis",
        "analysis.pdf",
        b"%PDF secret",
        on=dt.date(2021, 6, 1),
        actor="x",
    )
    store.close()
    return case_id


def test_auditors_and_reviewers_get_it_gates_never(serve: Any, covered: dict[str, Any]) -> None:
    service = serve()
    case_id = _case_with_material(service, covered)
    path = f"/v1/cases/{case_id}/dossier"
    refused = service.get(path, role="gate")
    assert refused.status_code == 403
    assert b"PK" not in refused.content[:2] and b"secret" not in refused.content
    assert service.get(path, role=None).status_code == 401
    got = service.get(path, role="auditor")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["content-disposition"].startswith(
        f'attachment; filename="{case_id}-dossier.zip"'
    )
    assert got.headers["x-content-sha256"] == hashlib.sha256(got.content).hexdigest()
    opened = unzip(got.content)
    assert opened.files["06-materials/impact_analysis-v1-analysis.pdf"] == b"%PDF secret"
    form = opened.cells("01-declaration-form.docx")
    assert form["运营者名称"] == "East Grid Power"  # Chinese by default
    assert form["合同金额"] == "【待填写】"  # no source named: what the case keeps
    english = service.get(f"{path}?lang=en", role="reviewer")
    assert english.status_code == 200
    assert unzip(english.content).cells("01-declaration-form.docx")["Operator"] == (
        "East Grid Power"
    )
    assert service.get(f"{path}?lang=fr", role="reviewer").status_code == 400
    unknown = service.get(f"{path}?language=en", role="reviewer")
    assert unknown.status_code == 400 and "language: unknown query parameter" in unknown.text
    assert service.get("/v1/cases/CR-000099/dossier", role="auditor").status_code == 404
    trail = service.get("/v1/audit", role="auditor").json()
    built = [e for e in trail if e["action"] == "case.dossier"]
    assert [(e["subject"], e["actor"]) for e in built] == [
        (case_id, "token:test-auditor"),
        (case_id, "token:test-reviewer"),
    ]
    text = json.dumps(trail, ensure_ascii=False)
    for secret in ("%PDF", "secret", "analysis.pdf", "East Grid Power"):
        assert secret not in text
