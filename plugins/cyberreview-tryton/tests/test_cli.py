"""``cyberreview`` with the Tryton source, end to end: the installed command, a real Tryton.

Each test writes a ``cyberreview.yaml`` into a fresh ``CYBERREVIEW_HOME``
and runs the command line as an operator would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tryton_env

from conftest import MAPPINGS, add_router, start
from cyberreview_policy.testing import FaultServer, Request, cli

AS_OF = ("--as-of", "2026-11-29")
OPERATOR = {"name": "East Grid Power", "ciio": True, "sector": "energy"}
SEEDED = 25  # lines of quotation, confirmed and processing purchases
ROUTER = "PO-2026-0001/1"  # a 16 Tbps core router, review declared: block
CHAIR = "PO-2026-0006/17"  # an office chair: allow
CABLE = "PO-2026-0001/3"  # a fibre cable whose product has no attributes


class Operator(cli.Operator):
    """A CYBERREVIEW_HOME with a configuration for one Tryton server."""

    def __init__(self, home: Path, server: tryton_env.Server, **settings: Any):
        env = {
            "CYBERREVIEW_LOG_FORMAT": "text",  # stderr is JSON off a terminal otherwise
            "TRYTON_PASSWORD": server.password,
        }
        super().__init__(home, "tryton", as_of=AS_OF[1], env=env, operator=OPERATOR)
        self.configure(server, **settings)

    def configure(
        self, server: tryton_env.Server, mappings: Any = MAPPINGS, **settings: Any
    ) -> None:
        self.write_source(
            {
                "type": "tryton",
                "settings": {
                    "url": server.url,
                    "database": server.database,
                    "username": server.login,
                    "password": {"env": "TRYTON_PASSWORD"},
                    "max_attempts": 2,
                    **settings,
                },
                "mappings": mappings,
            }
        )


@pytest.fixture
def operator(tryton: tryton_env.Server, tmp_path: Path) -> Operator:
    return Operator(tmp_path, tryton)


@pytest.fixture
def own_tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tryton_env.Server]:
    """A server for one test, which may stop or kill it."""
    with start(tmp_path_factory) as server:
        yield server


def test_check(operator: Operator) -> None:
    result = operator("sources", "check", "tryton")
    assert result.code == 0, result.out + result.err
    assert "tryton: ok: connected to http://127.0.0.1:" in result.out
    assert "as user 'cyberreview' (JSON-RPC session); purchase lines are readable" in result.out


def test_sweep_decides_every_line_and_opens_cases_once(
    operator: Operator, tryton: tryton_env.Server
) -> None:
    first = operator.sweep()
    assert first.code == 0, first.err
    assert first.summary["complete"] is True
    assert first.summary["records"] == SEEDED and first.summary["skipped"] == 0
    decisions = first.decisions
    assert decisions[ROUTER]["decision"] == "block"
    assert "uncertified-router" in {f["rule"] for f in decisions[ROUTER]["findings"]}
    assert decisions[CHAIR]["decision"] == "allow"
    created, adopted = first.summary["cases"]["created"], first.summary["cases"]["adopted"]
    assert created > 0
    assert len(operator.cases()) == created + adopted  # and reviews running in the ERP
    again = operator.sweep()
    counts = again.summary["cases"]
    assert (counts["created"], counts["adopted"], counts["already_open"]) == (0, 0, created)
    # a new purchase of cable (no attributes, no risk assessment): --since last reads
    # only it, and opens its assessment case
    line = add_router(tryton, "EG-CBL-FIB10")
    newer = operator.sweep("--since", "last")
    assert newer.code == 0, newer.err
    assert [d["source"]["ref"] for d in newer.lines()[:-1]] == [line]
    assert newer.summary["cases"]["created"] == 1
    assert operator.sweep("--since", "last").summary["records"] == 0
    ids = [(case["record_id"], case["kind"]) for case in operator.cases()]
    assert len(ids) == len(set(ids)) == created + adopted + 1


def test_gate_fetches_a_line(operator: Operator) -> None:
    blocked = operator("gate", "--source", "tryton", "--id", ROUTER, *AS_OF, "--format", "json")
    assert blocked.code == 2, blocked.err
    decision = json.loads(blocked.out)
    assert decision["decision"] == "block"
    assert decision["actions"] == []  # its review is declared: no case of ours to open
    cable = operator("gate", "--source", "tryton", "--id", CABLE, *AS_OF, "--format", "json")
    assert cable.code == 2, cable.err
    assert json.loads(cable.out)["actions"][0]["kind"] == "assessment"
    assert operator("gate", "--source", "tryton", "--id", CHAIR, *AS_OF).code == 0
    missing = operator("gate", "--source", "tryton", "--id", "PO-2026-0001/999", *AS_OF)
    assert missing.code == 3
    assert "source tryton: no record 'PO-2026-0001/999'" in missing.err


def test_a_product_without_attributes_is_decided_with_unknowns(operator: Operator) -> None:
    result = operator.sweep("--no-cases")
    cable = result.decisions[CABLE]
    assert cable["decision"] != "allow"  # a core-network product whose facts are unknown
    rules = {f["rule"] for f in cable["findings"]}
    assert "risk-anticipation" in rules  # the operator has not assessed it: not cleared


def test_without_a_category_mapping_such_lines_are_reported(
    operator: Operator, tryton: tryton_env.Server
) -> None:
    total = operator.sweep("--no-cases").summary["records"]  # with the mappings
    operator.configure(tryton, mappings={})
    result = operator.sweep("--no-cases")
    assert result.code == 3
    assert result.summary["complete"] is False
    skipped = {s["location"]: s for s in result.summary["skips"]}
    assert skipped["tryton[3]"] == {  # the fibre cable's line, by its Tryton id
        "location": "tryton[3]",
        "record_id": CABLE,
        "reason": "product.category: required field is missing (the source gives none: "
        "set it with sources.tryton.mappings or sources.tryton.defaults)",
    }
    assert result.summary["records"] + result.summary["skipped"] == total
    assert "record(s) skipped (the sweep is incomplete)" in result.err


def test_tryton_down_at_start(own_tryton: tryton_env.Server, tmp_path: Path) -> None:
    operator = Operator(tmp_path, own_tryton)
    own_tryton.stop()
    check = operator("sources", "check", "tryton")
    assert check.code == 3
    assert "tryton: FAILED: POST http://127.0.0.1:" in check.out
    assert "ConnectionError (gave up after 2 attempts)" in check.out
    swept = operator.sweep()
    assert swept.code == 3
    assert swept.summary["complete"] is False and swept.summary["records"] == 0
    assert "error: source tryton: read: POST " in swept.err
    assert "(the sweep is incomplete)" in swept.err
    assert operator("gate", "--source", "tryton", "--id", ROUTER, *AS_OF).code == 3


def test_killed_mid_read(
    own_tryton: tryton_env.Server,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> None:
    pages: list[int] = []

    def kill_after_two_pages(request: Request, body: Any) -> Any:
        call = json.loads(request.body) if request.body else {}
        if call.get("method") == "model.purchase.line.search_read" and any(
            clause[:2] == ["id", ">"] for clause in call["params"][0] if isinstance(clause, list)
        ):
            pages.append(1)
            if len(pages) == 2:  # two pages of the read
                own_tryton.kill()
        return body

    with FaultServer(upstream=own_tryton.url) as proxy:
        proxy.page_hook = kill_after_two_pages
        operator = Operator(tmp_path, own_tryton, url=proxy.url, page_size=5)
        assert operator("sources", "check", "tryton").code == 0
        broken = operator.sweep("--since", "last")
    assert broken.code == 3
    assert broken.summary["complete"] is False
    assert broken.summary["records"] == 10  # the two pages read were decided
    assert "error: source tryton: read: POST " in broken.err
    opened = len(operator.cases()) - broken.summary["cases"]["adopted"]  # by the rules
    # Tryton back (a new server on the same data); the checkpoint did not move:
    with start(tmp_path_factory) as again:
        operator.configure(again, page_size=5)
        rerun = operator.sweep("--since", "last")
    assert rerun.code == 0, rerun.err
    assert rerun.summary["records"] == SEEDED  # everything, not what came after page two
    assert rerun.summary["cases"]["already_open"] == opened
    ids = [(case["record_id"], case["kind"]) for case in operator.cases()]
    adopted = broken.summary["cases"]["adopted"] + rerun.summary["cases"]["adopted"]
    assert len(ids) == len(set(ids)) == opened + rerun.summary["cases"]["created"] + adopted


def test_wrong_password(operator: Operator, tryton: tryton_env.Server) -> None:
    operator.configure(tryton, username=tryton.probe_login)
    operator.env["TRYTON_PASSWORD"] = "Not-The-Password-2026"
    check = operator("sources", "check", "tryton")
    assert check.code == 3
    assert "login refused: wrong user name or password for 'probe'" in check.out
    swept = operator.sweep()
    assert swept.code == 3 and "login refused" in swept.err
    assert "Not-The-Password-2026" not in check.out + check.err + swept.out + swept.err


def test_a_broken_plugin_leaves_tryton_working(operator: Operator, tmp_path: Path) -> None:
    site = tmp_path / "site"
    dist = site / "cyberreview_broken-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cyberreview-broken\nVersion: 0.1\n"
    )
    (dist / "entry_points.txt").write_text("[cyberreview_policy]\nbroken = broken_erp.plugin\n")
    (site / "broken_erp").mkdir()
    (site / "broken_erp" / "__init__.py").write_text("")
    (site / "broken_erp" / "plugin.py").write_text(
        "raise ImportError('no module named sapnwrfc')\n"
    )
    operator.env["PYTHONPATH"] = str(site)
    listed = operator("plugins")
    assert "broken  (cyberreview-broken 0.1)" in listed.out
    assert "cannot load broken_erp.plugin: ImportError: no module named sapnwrfc" in listed.out
    assert "tryton  (cyberreview-tryton 0.1.0)  ok" in listed.out
    check = operator("sources", "check", "tryton")
    assert check.code == 0, check.out + check.err


def test_installing_the_plugin_costs_the_gate_nothing() -> None:
    """The plugin registers by reference: building the registry imports no pydantic."""
    code = (
        "import sys\n"
        "from cyberreview_policy.plugin import make_host\n"
        "host = make_host()\n"
        "assert 'tryton' in host.registry.objects('sources'), host.failures()\n"
        "print(sorted(m for m in ('pydantic', 'requests', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "[]\n", done.stderr
