"""A source or store the service cannot reach gives block with a code: never allow."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_URL
from tests.serve.conftest import make_tokens

TUTORIAL = Path(__file__).parents[2] / "examples" / "connector-tutorial"
TOKEN = "buyly-token-7f3a9c"
CONFIG = """\
operator: {{name: East Grid Power, ciio: true, sector: energy}}
sources:
  buyly:
    type: buyly
    settings: {{url: "{url}", token: {{env: BUYLY_TOKEN}}, max_attempts: 1}}
    defaults: {{deployment.cii: true}}
    mappings:
      product.category:
        from: attributes.buyly.category
        values: {{"Network > Routers": core_network_equipment}}
        default: other
"""


def refused(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    data = response.json()
    decision: dict[str, Any] = data[0] if isinstance(data, list) else data
    assert decision["decision"] == "block"
    assert decision["error"]["code"] == code
    assert decision["actions"] == [] and decision["findings"] == []
    return decision


def test_store_lost_while_serving(serve: Any, pg_url: str, covered: dict[str, Any]) -> None:
    import psycopg

    service = serve(store=pg_url)
    assert service.decide(covered).json()[0]["decision"] == "block"  # decided: a review is due
    passed = {**covered, "id": "PO-passed", "review": {"status": "passed"}}
    assert service.decide(passed).json()[0]["decision"] == "allow"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{pg_url.rsplit("/", 1)[1]}" WITH (FORCE)')
    decision = refused(service.decide(passed), "store_unavailable")  # would be allow
    assert decision["record_id"] == "PO-passed"
    assert "case store" in decision["error"]["message"]
    assert [p["id"] for p in decision["packs"]] == ["cn-cne-2017", "cn-csr-2020"]
    health = service.get("/v1/healthz", role=None)
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    assert service.get("/v1/cases").json()["error"]["code"] == "store_unavailable"
    metrics = service.get("/metrics").text
    assert 'cyberreview_decisions_total{code="store_unavailable",decision="block"} 1.0' in metrics
    assert "cyberreview_store_errors_total 1.0" in metrics


def test_store_unreachable_from_the_start(serve: Any, covered: dict[str, Any]) -> None:
    dead = "postgresql://postgres@127.0.0.1:9/nowhere"
    service = serve(
        store=dead,
        allow_anonymous="gate",
        allowed_hosts=("testserver",),
        tokens={"gate": "crp_unknown"},
    )
    decision = refused(service.post("/v1/decisions", covered, role=None), "store_unavailable")
    assert "cannot reach case store" in decision["error"]["message"]
    # a token cannot be checked without the store: refused, with the same code
    response = service.decide(covered)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"


@pytest.fixture
def buyly(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(TUTORIAL / "src"))
    monkeypatch.syspath_prepend(str(TUTORIAL / "tests"))
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "cyberreview_buyly.plugin")
    monkeypatch.setenv("BUYLY_TOKEN", TOKEN)
    from local_buyly import LocalBuyly

    with LocalBuyly(token=TOKEN) as system:
        yield system
    sys.modules.pop("local_buyly", None)


def test_fetch_from_a_source(serve: Any, home: Path, buyly: Any) -> None:
    (home / "cyberreview.yaml").write_text(CONFIG.format(url=buyly.url), encoding="utf-8")
    service = serve()
    ask = {"source": "buyly", "id": "PO-1002/2", "as_of": "2021-06-01"}
    decision = service.post("/v1/decisions", ask).json()
    assert decision["record_id"] == "PO-1002/2" and "error" not in decision
    assert decision["decision"] == "block" and decision["source"]["adapter"] == "buyly"
    missing = refused(service.post("/v1/decisions", {**ask, "id": "PO-9/9"}), "record_not_found")
    assert missing["record_id"] == "PO-9/9"
    # told by its class, not by its English words
    zh = {"Accept-Language": "zh-CN"}
    worded = refused(
        service.post("/v1/decisions", {**ask, "id": "PO-9/9"}, headers=zh), "record_not_found"
    )
    assert "没有记录 'PO-9/9'" in worded["error"]["message"]
    unknown = service.post("/v1/decisions", {**ask, "source": "sap"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["problems"][0]["path"] == "source"


def test_source_unreachable(serve: Any, home: Path, buyly: Any) -> None:
    (home / "cyberreview.yaml").write_text(CONFIG.format(url="http://127.0.0.1:9"), "utf-8")
    service = serve()
    ask = {"source": "buyly", "id": "PO-1002/2", "as_of": "2021-06-01"}
    decision = refused(service.post("/v1/decisions", ask), "source_unavailable")
    assert decision["record_id"] == "PO-1002/2"
    assert "ConnectionError" in decision["error"]["message"]
    assert TOKEN not in decision["error"]["message"]
    metrics = service.get("/metrics").text
    assert 'cyberreview_source_errors_total{source="buyly"} 1.0' in metrics


def test_a_waiver_file_of_an_earlier_version_blocks_until_imported(
    serve: Any, home: Path, covered: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its waivers would be ignored silently: decisions block until it is imported."""
    from cyberreview_policy.serve import engines

    monkeypatch.setattr(engines, "LOOK_EVERY", 0.0)  # the home looked at on every request
    service = serve()
    passed = {**covered, "review": {"status": "passed"}}
    assert service.decide(passed).json()[0]["decision"] == "allow"
    (home / "waivers.d").mkdir()
    (home / "waivers.d" / "team.yaml").write_text("waivers: [{id: 1}]\n", encoding="utf-8")
    decision = refused(service.decide(passed), "policy_unavailable")
    assert "waivers.d/team.yaml" in decision["error"]["message"]
    assert "cyberreview waivers import" in decision["error"]["message"]


def test_tokens_outlive_a_store_outage(serve: Any, pg_url: str, covered: dict[str, Any]) -> None:
    """The token table in memory keeps gates authenticated, so they get the block."""
    tokens = make_tokens(pg_url)
    service = serve(store=pg_url, tokens=tokens)
    assert service.decide(covered).status_code == 200
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{pg_url.rsplit("/", 1)[1]}" WITH (FORCE)')
    refused(service.decide(covered), "store_unavailable")


def test_a_broken_plugin_blocks(
    serve: Any, covered: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a plugin that cannot load would have decided is unknown: never allow."""
    (tmp_path / "fake_unloadable.py").write_text("import not_a_module_anywhere\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "fake_unloadable")
    service = serve()
    passed = {**covered, "review": {"status": "passed"}}
    decision = refused(service.decide(passed), "plugin_unavailable")
    assert "fake_unloadable" in decision["error"]["message"]


def test_waivers_are_looked_at_now_and_then_and_at_once_after_a_grant(
    serve: Any, home: Path, covered: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What changed elsewhere is seen at the next look (every LOOK_EVERY seconds); a
    waiver granted through this service at once."""
    from cyberreview_policy.serve import engines

    monkeypatch.setattr(engines, "LOOK_EVERY", 3600.0)
    service = serve()
    passed = {**covered, "review": {"status": "passed"}}
    assert service.decide(passed).json()[0]["decision"] == "allow"
    (home / "waivers.yaml").write_text("waivers: [{id: 1}]\n", encoding="utf-8")
    assert service.decide(passed).json()[0]["decision"] == "allow"  # not looked at yet
    service.client.app.state.service.engines.forget_waivers()  # as a grant does
    refused(service.decide(passed), "policy_unavailable")
