"""Who may choose the date of the law: a gate token decides under today's law; only a
token granted ``--allow-as-of`` may ask about another date (an audit, a replay).

The attack this refuses: ``"as_of": "2021-06-01"`` from a plain gate token decided
records under the 2020 Measures, which allow some purchases today's law blocks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cyberreview_policy.cases.servestate import serve_store
from cyberreview_policy.runtime import Runtime

DEMO = Path(__file__).resolve().parents[2] / "examples" / "procurement.jsonl"


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DEMO.read_text("utf-8").splitlines()]


def _plain_gate(service: Any) -> str:
    store = Runtime(store_url=service.store_url).store()
    try:
        return serve_store(store).create_token("plain-gate", "gate", "pytest")[1]
    finally:
        store.close()


def test_a_gate_token_cannot_choose_the_law(serve: Any) -> None:
    service = serve()
    service.tokens["plain"] = _plain_gate(service)
    records = _records()
    assert len(records) == 240
    for body in (
        {"records": records, "as_of": "2021-06-01"},
        {"source": "erp", "id": "PO-1", "as_of": "2021-06-01"},
    ):
        refused = service.post("/v1/decisions", body, role="plain")
        assert refused.status_code == 403, refused.text[:300]
        assert refused.json()["error"]["code"] == "as_of_not_allowed"
        assert "today" in refused.json()["error"]["message"]
    today = service.post("/v1/decisions", {"records": records}, role="plain")
    assert today.status_code == 200
    assert {d["as_of"] for d in today.json()} == {dt.date.today().isoformat()}
    same_day = {"records": records[:1], "as_of": dt.date.today().isoformat()}
    assert service.post("/v1/decisions", same_day, role="plain").status_code == 200
    # the grant, for an audit: the 2021 law does allow what today's law blocks
    granted = service.post("/v1/decisions", {"records": records, "as_of": "2021-06-01"})
    assert granted.status_code == 200
    flips = [
        then["record_id"]
        for now, then in zip(today.json(), granted.json(), strict=True)
        if now["decision"] == "block" and then["decision"] == "allow"
    ]
    assert flips, "no record flips: the test would prove nothing"


def test_the_grant_is_shown_and_audited(cli: Any, home: Path) -> None:
    made = cli("tokens", "create", "--role", "gate", "--name", "replay", "--allow-as-of")
    assert made.code == 0, made.err
    listed = cli("tokens", "list", "--format", "json").json()
    assert listed[0]["allow_as_of"] is True
    text = cli("tokens", "list").out
    assert "may choose as_of" in text
    trail = cli("audit", "export")
    assert trail.code == 0, trail.err
    created = [e for e in trail.lines() if e["action"] == "token.created"]
    assert created[-1]["details"]["allow_as_of"] is True
    refused = cli("tokens", "create", "--role", "auditor", "--name", "x", "--allow-as-of")
    assert refused.code == 3
    assert "--allow-as-of is for gate tokens" in refused.err


def test_the_cli_gate_says_when_it_is_not_today(cli: Any, tmp_path: Path) -> None:
    """Local operators are trusted with --as-of, but the answer says it is not today."""
    record = tmp_path / "po.json"
    record.write_text(DEMO.read_text("utf-8").splitlines()[0], encoding="utf-8")
    text = cli("gate", "--record", record, "--as-of", "2021-06-01", "--no-cases")
    assert "as of 2021-06-01 (--as-of, not today)" in text.out
    as_json = cli(
        "gate", "--record", record, "--as-of", "2021-06-01", "--no-cases", "--format", "json"
    )
    assert as_json.json()["as_of"] == "2021-06-01"
    assert "decided as of 2021-06-01 (--as-of), not today" in as_json.err
    today = cli("gate", "--record", record, "--no-cases")
    assert "not today" not in today.out + today.err
