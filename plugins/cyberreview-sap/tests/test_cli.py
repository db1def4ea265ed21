"""``cyberreview`` with the SAP source, end to end: the installed command against the local
S/4HANA.

Each test writes a ``cyberreview.yaml`` into a fresh ``CYBERREVIEW_HOME`` and runs
the command line as an operator would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from eastgrid_pos import READABLE
from fake_s4hana import FakeS4HANA, at_skip

from conftest import CUSTOM_FIELDS, MAPPINGS, OPERATOR
from cyberreview_policy.testing import Fault, cli
from cyberreview_policy.testing.cli import Run

AS_OF = "2026-11-29"
ROUTER = "4500000017/10"  # a backbone router for the dispatch WAN, never declared: block
OPTICS = "4500000017/20"  # optical modules (spare parts): allow
ZTE = "4500000002/10"  # an aggregation router nobody assessed: risk-anticipation
PASSED = "4500000001/10"  # a core router whose review passed
#: what table v2 (docs/domain.md) and the 2023 catalogue decide on 2026-11-29 for CIIO East
#: Grid Power: block what has not been assessed for CII use (risk-anticipation: 2, 6, 21),
#: what may affect national security or is under the Office's review and has not passed
#: (review-required: 4, 5, 9, 10, 17, 20), and the failed review (25)
BLOCKED = {f"45000000{n:02d}/10" for n in (2, 4, 5, 6, 9, 10, 17, 20, 21, 25)}
#: allow what is no network product (14, 15, 17/20, 23, 24), and network products of no
#: catalogue type that may not affect national security (8, 12) or go into no CII system
#: (19); everything else warns: a passed or not-required review whose contract lacks
#: the Art. 6 commitments (1, 7, 16, 22), a catalogue category without its type (1, 3,
#: 5/20, 11, 13, 18, 22/20)
ALLOWED = {f"45000000{n:02d}/10" for n in (8, 12, 14, 15, 19, 23, 24)} | {OPTICS}


class Operator(cli.Operator):
    """A CYBERREVIEW_HOME with a configuration for East Grid Power's S/4HANA."""

    def __init__(self, home: Path, s4: FakeS4HANA, **settings: Any):
        env = {"SAP_PASSWORD": s4.password, "SAP_CLIENT_SECRET": s4.client_secret}
        super().__init__(home, "sap", as_of=AS_OF, env=env, operator=OPERATOR)
        self.configure(s4, **settings)

    def configure(
        self, s4: FakeS4HANA, mappings: Any = MAPPINGS, oauth: bool = False, **settings: Any
    ) -> None:
        if oauth:
            login = {
                "oauth_url": s4.oauth_url,
                "client_id": s4.client_id,
                "client_secret": {"env": "SAP_CLIENT_SECRET"},
            }
        else:
            login = {"username": s4.username, "password": {"env": "SAP_PASSWORD"}}
        self.write_source(
            {
                "type": "sap",
                "settings": {
                    "url": s4.url,
                    "sap_client": "100",
                    **login,
                    "item_fields": CUSTOM_FIELDS,
                    "max_attempts": 2,
                    **settings,
                },
                "mappings": mappings,
            }
        )


@pytest.fixture
def operator(own_s4: FakeS4HANA, tmp_path: Path) -> Operator:
    return Operator(tmp_path, own_s4)


def test_check(operator: Operator, own_s4: FakeS4HANA) -> None:
    result = operator("sources", "check", "sap")
    assert result.code == 0, result.out + result.err
    assert result.out == (
        f"sap: ok: connected to {own_s4.url} (sap-client 100) as user 'CYBERREVIEW'; "
        "25 purchase orders in scope; fields YY1_NatSecImpact_PDI, YY1_CIISystem_PDI, "
        "YY1_ReviewStatus_PDI readable; suppliers from API_BUSINESS_PARTNER\n"
    )


def test_check_names_what_is_wrong(operator: Operator, own_s4: FakeS4HANA) -> None:
    operator.configure(own_s4, item_fields=["YY1_NatSecurity_PDI"])  # misspelt
    misspelt = operator("sources", "check", "sap")
    assert misspelt.code == 3
    assert "Property YY1_NatSecurity_PDI not found in type A_PurchaseOrderItemType" in misspelt.out
    operator.configure(own_s4, username="PO_ONLY")
    operator.env["SAP_PASSWORD"] = "Po-Only!2026"
    forbidden = operator("sources", "check", "sap")
    assert forbidden.code == 3
    assert "user 'PO_ONLY' may not use API_BUSINESS_PARTNER" in forbidden.out
    assert "No authorization to access Service 'API_BUSINESS_PARTNER_0001'" in forbidden.out
    operator.configure(own_s4, username="PO_ONLY", business_partner_service=None)
    assert operator("sources", "check", "sap").code == 0
    operator.env["SAP_PASSWORD"] = "wrong"
    refused = operator("sources", "check", "sap")
    assert refused.code == 3
    assert f"SAP refused user 'PO_ONLY' at {own_s4.url} (sap-client 100)" in refused.out
    assert "HTTP 401" in refused.out and "wrong" not in refused.out


def test_check_with_oauth(operator: Operator, own_s4: FakeS4HANA) -> None:
    operator.configure(own_s4, oauth=True)
    ok = operator("sources", "check", "sap")
    assert ok.code == 0, ok.out + ok.err
    assert "as OAuth client 'CYBERREVIEW_OAUTH'" in ok.out
    operator.env["SAP_CLIENT_SECRET"] = "revoked-secret-0000"
    refused = operator("sources", "check", "sap")
    assert refused.code == 3
    assert "the token endpoint refused client 'CYBERREVIEW_OAUTH' (HTTP 401)" in refused.out
    assert "invalid_client" in refused.out and "revoked-secret" not in refused.out


def test_sweep_decides_every_item_and_opens_cases_once(
    operator: Operator, own_s4: FakeS4HANA
) -> None:
    first = operator.sweep()
    assert first.code == 0, first.err
    summary = first.summary
    assert summary["complete"] is True
    assert summary["records"] == READABLE and summary["skipped"] == 0
    assert summary["data_problems"] == 0
    decisions = first.decisions
    assert "4500000017/30" not in decisions  # the cancelled item
    assert decisions[ROUTER]["decision"] == "block"
    assert {f["rule"] for f in decisions[ROUTER]["findings"]} >= {"review-required"}
    assert decisions[OPTICS]["decision"] == "allow"
    assert decisions[ZTE]["decision"] == "block"
    assert "risk-anticipation" in {f["rule"] for f in decisions[ZTE]["findings"]}
    assert decisions[PASSED]["decision"] != "block"
    by_decision: dict[str, set[str]] = {}
    for record_id, decided in decisions.items():
        by_decision.setdefault(decided["decision"], set()).add(record_id)
    assert by_decision["block"] == BLOCKED
    assert by_decision["allow"] == ALLOWED
    assert len(by_decision["warn"]) == READABLE - len(BLOCKED) - len(ALLOWED) == 12
    assert summary["decisions"] == {"block": 10, "warn": 12, "allow": 8}
    rules = {
        rid: {f["rule"] for f in d["findings"] if f["outcome"] == "warn"}
        for rid, d in decisions.items()
    }
    assert rules["4500000007/10"] == {"commitments"}  # v2: "may affect" binds, CII or not
    assert rules["4500000011/10"] == {"catalogue-type-unknown"}  # a firewall, no type
    created, adopted = summary["cases"]["created"], summary["cases"]["adopted"]
    assert adopted == 3  # the reviews S/4HANA says are running: 4500000004, -10 and -20
    assert created + adopted == len(operator.cases()) > adopted

    again = operator.sweep()
    cases = again.summary["cases"]
    assert (cases["created"], cases["already_open"], cases["adopted"]) == (0, created, 0)
    assert operator.sweep("--since", "last").summary["records"] == 0

    own_s4.change("4500000002", "10", YY1_NatSecImpact_PDI="N")  # assessed: no impact
    po = own_s4.add_order(
        "20000201",
        [{"PurchaseOrderItemText": "Catalyst 9500 switch", "MaterialGroup": "NET020",
          "OrderQuantity": 4, "NetPriceAmount": 41000, "YY1_NatSecImpact_PDI": "Y",
          "YY1_CIISystem_PDI": "EMS/SCADA"}],
        DocumentCurrency="USD",
    )  # fmt: skip
    newer = operator.sweep("--since", "last")
    assert newer.code == 0, newer.err
    assert sorted(newer.decisions) == [ZTE, f"{po}/10"]
    assessed = newer.decisions[ZTE]  # no block; its catalogue type is still unknown
    assert assessed["decision"] == "warn"
    assert {f["rule"] for f in assessed["findings"] if f["outcome"] != "advisory"} == {
        "catalogue-type-unknown"
    }
    assert newer.decisions[f"{po}/10"]["decision"] == "block"
    assert newer.summary["cases"]["created"] == 1
    assert operator.sweep("--since", "last").summary["records"] == 0


def test_gate_fetches_an_item(operator: Operator) -> None:
    blocked = operator.gate(ROUTER)
    assert blocked.code == 2, blocked.err
    decision = json.loads(blocked.out)
    assert decision["record_id"] == ROUTER and decision["decision"] == "block"
    assert "review-required" in {f["rule"] for f in decision["findings"]}
    padded = operator.gate("4500000017/00010")  # as SAP's screens show item numbers
    assert padded.code == 2 and json.loads(padded.out)["record_id"] == ROUTER
    text = operator("gate", "--source", "sap", "--id", ROUTER, "--as-of", AS_OF)
    assert text.out.startswith(
        f"BLOCK  {ROUTER} NetEngine 40E-X8A backbone router for East Grid Power (Dispatch WAN)"
    )
    for missing in ("4500000017/30", "4500000017/40", "4599999999/10", "4500000017"):
        gone = operator.gate(missing)
        assert gone.code == 3, missing
        assert f"source sap: no record '{missing}'" in gone.err


def test_gate_keeps_to_the_configured_filter(operator: Operator, own_s4: FakeS4HANA) -> None:
    operator.configure(own_s4, filter="PurchasingGroup eq 'S01'")  # security purchasing only
    assert operator.gate(ROUTER).code == 3
    assert operator.gate("4500000004/10").code == 2  # a firewall, declared, not cleared
    swept = operator.sweep()
    assert swept.summary["records"] == 4  # the orders of purchasing group S01


def test_an_unmapped_material_group_is_reported_and_skipped(
    operator: Operator, own_s4: FakeS4HANA
) -> None:
    po = own_s4.add_order(
        "10000111",
        [{"PurchaseOrderItemText": "Cable ties", "MaterialGroup": "MRO010", "OrderQuantity": 1000,
          "NetPriceAmount": 0.4}],
    )  # fmt: skip
    swept = operator.sweep()
    assert swept.code == 3
    assert swept.summary["records"] == READABLE and swept.summary["skipped"] == 1
    assert swept.summary["skips"][0]["record_id"] == f"{po}/10"
    assert "no mapping for 'MRO010'" in swept.summary["skips"][0]["reason"]


def test_without_the_supplier_lookup_the_vendor_is_unknown(
    operator: Operator, own_s4: FakeS4HANA
) -> None:
    operator.configure(own_s4, business_partner_service=None)
    decided = operator.gate(ROUTER)
    assert decided.code == 2
    assert "with Huawei" not in decided.out
    assert not [r for r in own_s4.requests if "API_BUSINESS_PARTNER" in r.path]


def test_init_writes_an_sap_example(tmp_path: Path, own_s4: FakeS4HANA) -> None:
    operator = Operator(tmp_path, own_s4)
    (tmp_path / "cyberreview.yaml").unlink()
    assert operator("init").code == 0
    text = (tmp_path / "cyberreview.yaml").read_text("utf-8")
    assert "#   sap:" in text
    assert "#       password: {env: SAP_PASSWORD}" in text
    assert "#       client_secret: {env: SAP_CLIENT_SECRET}" in text


def test_installing_the_plugin_costs_the_gate_nothing() -> None:
    """The plugin registers by reference: building the registry imports no pydantic."""
    code = (
        "import sys\n"
        "from cyberreview_policy.plugin import make_host\n"
        "host = make_host()\n"
        "assert 'sap' in host.registry.objects('sources'), host.failures()\n"
        "print(sorted(m for m in ('pydantic', 'requests', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "[]\n", done.stderr


def test_workers_decide_as_one_process_does(operator: Operator) -> None:
    serial = operator.sweep("--no-cases")
    parallel = operator.sweep("--no-cases", "--workers", "2")
    assert parallel.code == serial.code == 0, parallel.err

    def stable(run: Run) -> list[Any]:
        return [{k: v for k, v in d.items() if k != "source"} for d in run.lines()[:-1]]

    assert stable(parallel) == stable(serial)
    assert parallel.summary["records"] == READABLE


def test_a_failing_system_fails_the_sweep_by_name(operator: Operator, own_s4: FakeS4HANA) -> None:
    own_s4.fail_next(Fault.status(500), Fault.status(500), match=at_skip(0))
    broken = operator.sweep()
    assert broken.code == 3
    assert broken.summary["complete"] is False and broken.summary["records"] == 0
    error = broken.events()["source.finished"]["error"]
    assert error.startswith("read: GET ") and "A_PurchaseOrder?" in error
    assert "HTTP 500" in error and error.endswith("(gave up after 2 attempts)")
    assert own_s4.password not in broken.out + broken.err
