"""``cyberreview`` with the ServiceNow source, end to end: the installed command against the
local ServiceNow.

Each test writes a ``cyberreview.yaml`` into a fresh ``CYBERREVIEW_HOME`` and runs
the command line as an operator would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import eastgrid_cmdb
import pytest
import yaml
from eastgrid_cmdb import sys_id
from fake_servicenow import FakeServiceNow, at_offset

from conftest import MAPPINGS, OPERATOR
from cyberreview_policy.testing import Fault, cli
from cyberreview_policy.testing.cli import Run

AS_OF = ("--as-of", "2026-11-29")
READABLE = 56  # CIs in the default tables, less the two an ACL hides
ROUTER = sys_id("EG-BJ-CORE-RTR-02")  # a 16 Tbps core router in service, never reviewed
OFFICE = sys_id("Office automation")  # an office application: allow
SWITCH = sys_id("EG-DC1-TOR-SW-01")  # an EMS/SCADA switch found not to affect security: allow
SH_ROUTER = sys_id("EG-SH-CORE-RTR-02")  # "16 Tbps" in a numeric field
MDM_DB = sys_id("eg-mdm-db-01")  # "2 TB" in a numeric field


class Operator(cli.Operator):
    """A CYBERREVIEW_HOME with a configuration for one ServiceNow instance."""

    def __init__(self, home: Path, sn: FakeServiceNow, **settings: Any):
        env = {"SERVICENOW_PASSWORD": sn.password}
        super().__init__(home, "servicenow", as_of=AS_OF[1], env=env, operator=OPERATOR)
        self.configure(sn, **settings)

    def configure(self, sn: FakeServiceNow, mappings: Any = MAPPINGS, **settings: Any) -> None:
        self.write_source(
            {
                "type": "servicenow",
                "settings": {
                    "instance": sn.url,
                    "username": sn.username,
                    "password": {"env": "SERVICENOW_PASSWORD"},
                    "max_attempts": 2,
                    **settings,
                },
                "mappings": mappings,
            }
        )


@pytest.fixture
def operator(own_sn: FakeServiceNow, tmp_path: Path) -> Operator:
    return Operator(tmp_path, own_sn)


def test_check(operator: Operator, own_sn: FakeServiceNow) -> None:
    result = operator("sources", "check", "servicenow")
    assert result.code == 0, result.out + result.err
    assert result.out == (
        f"servicenow: ok: connected to {own_sn.url} as user 'cyberreview'; rows in scope: "
        "cmdb_ci_netgear 28, cmdb_ci_server 14, cmdb_ci_ot 8, cmdb_ci_appl 8\n"
    )


def test_sweep_decides_the_cis_and_opens_cases_once(
    operator: Operator, own_sn: FakeServiceNow
) -> None:
    first = operator.sweep()
    assert first.code == 0, first.err
    summary = first.summary
    assert summary["complete"] is True
    assert summary["records"] == READABLE and summary["skipped"] == 0
    # two CIs hold text in a numeric field: decided with it unknown, and reported
    assert summary["data_problems"] == 2
    assert sorted(summary["problems"], key=lambda p: p["problems"]) == [
        {"record_id": MDM_DB, "problems": "product.specs.memory_gb: '2 TB' is not a number"},
        {
            "record_id": SH_ROUTER,
            "problems": "product.specs.throughput_tbps: '16 Tbps' is not a number",
        },
    ]
    decisions = first.decisions
    router = decisions[ROUTER]
    assert router["decision"] == "block"
    assert {"uncertified-router", "in-use-without-review"} <= {
        f["rule"] for f in router["findings"]
    }
    assert decisions[OFFICE]["decision"] == "allow"
    assert decisions[SWITCH]["decision"] == "allow"
    created, adopted = summary["cases"]["created"], summary["cases"]["adopted"]
    assert created > 0
    assert len(operator.cases()) == created + adopted  # and reviews running in the CMDB

    again = operator.sweep()  # the same CMDB: no case opened (or adopted) twice
    assert again.code == 0
    counts = again.summary["cases"]
    assert (counts["created"], counts["adopted"], counts["already_open"]) == (0, 0, created)
    assert operator.sweep("--since", "last").summary["records"] == 0

    own_sn.update(SWITCH, u_may_affect_national_security=None)  # the assessment withdrawn
    own_sn.update(SH_ROUTER, u_throughput_tbps="16")  # the CMDB team puts the value right
    newer = operator.sweep("--since", "last")
    assert newer.code == 0, newer.err
    assert sorted(newer.decisions) == sorted([SWITCH, SH_ROUTER])
    assert newer.decisions[SWITCH]["decision"] == "block"  # risk-anticipation
    assert newer.summary["data_problems"] == 0
    assert newer.summary["cases"]["created"] == 1  # the switch's assessment
    cases = [(case["record_id"], case["kind"]) for case in operator.cases()]
    assert len(cases) == len(set(cases)) == created + adopted + 1  # never two of a kind
    assert operator.sweep("--since", "last").summary["records"] == 0


def test_gate_fetches_a_ci_by_sys_id(operator: Operator) -> None:
    blocked = operator("gate", "--source", "servicenow", "--id", ROUTER, *AS_OF, "--format", "json")
    assert blocked.code == 2, blocked.err
    decision = json.loads(blocked.out)
    assert decision["record_id"] == ROUTER and decision["decision"] == "block"
    wrong = operator("gate", "--source", "servicenow", "--id", SH_ROUTER, *AS_OF)
    assert wrong.code == 2
    assert (
        f"warning: {SH_ROUTER}: decided with this value left unknown: "
        "product.specs.throughput_tbps: '16 Tbps' is not a number"
    ) in wrong.err
    missing = operator("gate", "--source", "servicenow", "--id", "EG-BJ-CORE-RTR-02", *AS_OF)
    assert missing.code == 3
    assert "source servicenow: no record 'EG-BJ-CORE-RTR-02'" in missing.err


def test_a_failing_instance_fails_the_sweep_by_name(
    operator: Operator, own_sn: FakeServiceNow
) -> None:
    own_sn.fail_next(Fault.status(500), Fault.status(500))  # max_attempts: 2
    broken = operator.sweep()
    assert broken.code == 3
    assert broken.summary["complete"] is False and broken.summary["records"] == 0
    error = broken.events()["source.finished"]["error"]
    assert error.startswith("read: GET ") and "HTTP 500" in error
    assert error.endswith("(gave up after 2 attempts)")
    assert own_sn.password not in broken.out + broken.err


def test_a_misspelt_query_stops_the_sweep(operator: Operator, own_sn: FakeServiceNow) -> None:
    operator.configure(own_sn, query="instal_status!=7")
    check = operator("sources", "check", "servicenow")
    assert check.code == 3
    assert "query names instal_status, which cmdb_ci_netgear does not have" in check.out
    swept = operator.sweep()
    assert swept.code == 3 and swept.summary["records"] == 0
    assert "query names instal_status" in swept.events()["source.finished"]["error"]


def test_init_writes_a_servicenow_example(tmp_path: Path, own_sn: FakeServiceNow) -> None:
    operator = Operator(tmp_path, own_sn)
    (tmp_path / "cyberreview.yaml").unlink()
    assert operator("init").code == 0
    text = (tmp_path / "cyberreview.yaml").read_text("utf-8")
    assert "#   servicenow:" in text
    assert "#       password: {env: SERVICENOW_PASSWORD}" in text
    assert "#       oauth_token: {env: SERVICENOW_OAUTH_TOKEN}" in text
    # the change system's example, uncommented, is a valid changes: section
    from cyberreview_policy.config import ConfigFile

    block = text[text.index("# changes:") :]
    uncommented = yaml.safe_load("\n".join(line[2:] for line in block.splitlines()))
    entry = uncommented["changes"]["servicenow"]
    assert (entry["type"], entry["mode"], entry["source"]) == ("servicenow", "approval", "NAME")
    entry["settings"]["instance"] = own_sn.url
    ConfigFile.model_validate(uncommented)


def test_installing_the_plugin_costs_the_gate_nothing() -> None:
    """The plugin registers by reference: building the registry imports no pydantic."""
    code = (
        "import sys\n"
        "from cyberreview_policy.plugin import make_host\n"
        "host = make_host()\n"
        "assert 'servicenow' in host.registry.objects('sources'), host.failures()\n"
        "print(sorted(m for m in ('pydantic', 'requests', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "[]\n", done.stderr


def test_the_seed_is_what_the_tests_say(own_sn: FakeServiceNow) -> None:
    assert len(own_sn.find("cmdb_ci")) == 60
    visible = [
        r for t in ("cmdb_ci_netgear", "cmdb_ci_server", "cmdb_ci_ot", "cmdb_ci_appl")
        for r in own_sn.find(t)
        if r["sys_id"] not in eastgrid_cmdb.HIDDEN
    ]  # fmt: skip
    assert len(visible) == READABLE


def test_workers_shape_and_decide_the_cis_as_one_process_does(
    operator: Operator, own_sn: FakeServiceNow
) -> None:
    """With --workers the CIs go to the workers unshaped: same decisions, same problems."""
    serial = operator.sweep("--no-cases")
    parallel = operator.sweep("--no-cases", "--workers", "2")
    assert parallel.code == serial.code == 0, parallel.err

    def stable(run: Run) -> list[Any]:
        return [
            {k: v for k, v in d.items() if k != "source"}  # fetched_at: the time of reading
            for d in run.lines()[:-1]
        ]

    assert stable(parallel) == stable(serial)
    assert parallel.summary["problems"] == serial.summary["problems"]
    assert parallel.summary["records"] == READABLE


def test_workers_keep_the_checkpoint_when_the_instance_fails_mid_read(
    operator: Operator, own_sn: FakeServiceNow
) -> None:
    operator.configure(own_sn, page_size=5)
    third_page = at_offset(10, "cmdb_ci_netgear")
    own_sn.fail_next(Fault.status(500), Fault.status(500), match=third_page)
    broken = operator.sweep("--workers", "2", "--since", "last")
    assert broken.code == 3
    assert broken.summary["complete"] is False
    assert 0 < broken.summary["records"] < READABLE  # what was read before is decided
    opened = len(operator.cases()) - broken.summary["cases"]["adopted"]  # by the rules
    rerun = operator.sweep("--workers", "2", "--since", "last")
    assert rerun.code == 0, rerun.err
    assert rerun.summary["records"] == READABLE  # the checkpoint did not move: all again
    assert rerun.summary["cases"]["already_open"] == opened
