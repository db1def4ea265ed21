"""``cyberreview`` with the Nautobot source, end to end: the installed command, a real
Nautobot 3.2.

Each test writes a ``cyberreview.yaml`` into a fresh ``CYBERREVIEW_HOME``
and runs the command line as an operator would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nautobot_env
from nautobot_seed import object_id

from conftest import MAPPINGS, OPERATOR, awkward, device_id, start
from cyberreview_policy.testing import FaultServer, Request, cli

AS_OF = ("--as-of", "2026-11-29")
SEEDED = 42  # devices, one of them with a review_category no longer valid
STALE = "important_comm_product"
#: the cases a first sweep on 2026-11-29 opens, by device, and their kind: in use without a
#: passed review (remediation), planned with the review not declared (review), the unnamed
#: device whose national-security risk nobody assessed (assessment)
EXPECTED_CASES = {
    "nj-dc1-cr-02": "remediation",  # core router, review under way, already in service
    "nj-dc1-br-01": "remediation",  # border router, in special review
    "nj-dc1-cs-01": "remediation",  # core switches, declared only
    "nj-dc1-cs-02": "remediation",
    "nj-dc1-srv-01": "remediation",
    "nj-dc1-srv-02": "remediation",
    "nj-dc1-hpc-01": "remediation",
    "nj-dc1-hpc-02": "review",  # planned
    "nj-dc1-st-01": "remediation",
    "sz-dr-fw-01": "review",  # planned firewall
    "nj-dsp-app-01": "remediation",
    "jn500-plc-01": "remediation",
    "jn500-plc-02": "remediation",
    "wx220-cr-legacy": "remediation",
    "<unnamed>": "assessment",
    "station-fw-01@Wuxi 220kV Substation": "remediation",  # its review failed
}


class Operator(cli.Operator):
    """A CYBERREVIEW_HOME with a configuration for one Nautobot."""

    def __init__(self, home: Path, server: nautobot_env.Server, **settings: Any):
        env = {
            "CYBERREVIEW_LOG_FORMAT": "text",  # stderr is JSON off a terminal otherwise
            "NAUTOBOT_TOKEN": server.token,
        }
        super().__init__(home, "nautobot", as_of=AS_OF[1], env=env, operator=OPERATOR)
        self.configure(server, **settings)

    def configure(
        self, server: nautobot_env.Server, mappings: Any = MAPPINGS, **settings: Any
    ) -> None:
        self.write_source(
            {
                "type": "nautobot",
                "settings": {
                    "url": server.url,
                    "token": {"env": "NAUTOBOT_TOKEN"},
                    "max_attempts": 2,
                    **settings,
                },
                "mappings": mappings,
            }
        )


def device_key(server: nautobot_env.Server, name: str) -> str:
    """A device's id by name, ``name@location`` where names repeat, or ``<unnamed>``."""
    if name == "<unnamed>":
        return awkward(server, "unnamed")
    if "@" in name:
        name, location = name.split("@")
        return object_id("device", f"{location}/{name}")
    return device_id(server, name)


def test_check(nautobot: nautobot_env.Server, tmp_path: Path) -> None:
    result = Operator(tmp_path, nautobot)("sources", "check", "nautobot")
    assert result.code == 0, result.out + result.err
    assert f"nautobot: ok: connected to {nautobot.url}: {SEEDED} devices visible" in result.out


def test_sweeps_open_cases_once_and_then_read_only_what_changed(
    own_nautobot: nautobot_env.Server, tmp_path: Path
) -> None:
    server = own_nautobot
    operator = Operator(tmp_path, server)
    first = operator.sweep()
    # the device with a renamed category is reported and skipped: the run is incomplete
    assert first.code == 3, first.err
    assert first.summary["complete"] is False
    stale = awkward(server, "stale_choice")
    assert [(s["record_id"], STALE in s["reason"]) for s in first.summary["skips"]] == [
        (stale, True)
    ]
    assert first.summary["records"] == SEEDED - 1
    assert first.summary["sources"][0]["quarantined"] == 1  # held, fetched again every sweep
    assert "1 record(s) skipped (the sweep is incomplete)" in first.err
    # values Nautobot stored unchecked are decided as unknown, and reported
    problems = {p["record_id"]: p["problems"] for p in first.summary["problems"]}
    assert problems == {
        awkward(server, "loose_date"): "product.certification.valid_until: '2027-3-1' is not "
        "a valid date (expected YYYY-MM-DD)",
        awkward(server, "wrong_types"): "product.certification.valid_until: '2026/09/30' is "
        "not a valid date (expected YYYY-MM-DD)",
    }
    decisions = first.decisions
    assert decisions[device_id(server, "nj-dc1-cr-02")]["decision"] == "block"  # under review
    assert decisions[device_id(server, "nj-dc1-as-01")]["decision"] == "allow"  # access switch
    unnamed = decisions[awkward(server, "unnamed")]
    assert "risk-anticipation" in {f["rule"] for f in unnamed["findings"]}
    expected = {device_key(server, name): kind for name, kind in EXPECTED_CASES.items()}
    cases = operator.cases()
    assert {c["record_id"]: c["kind"] for c in cases if c["rule"] != "adopted"} == expected
    created = first.summary["cases"]["created"]
    assert created == len(expected)
    # reviews Nautobot says are running are adopted as review cases, in their state
    adopted = {c["record_id"]: c["state"] for c in cases if c["rule"] == "adopted"}
    assert len(adopted) == first.summary["cases"]["adopted"]
    assert adopted[device_key(server, "nj-dc1-cr-02")] == "under_review"
    assert adopted[device_key(server, "nj-dc1-br-01")] == "special_review"

    again = operator.sweep()
    counts = again.summary["cases"]
    assert (counts["created"], counts["adopted"], counts["already_open"]) == (0, 0, created)

    # held in quarantine, the stale device did not hold the checkpoint back: --since last
    # reads only what changed, and fetches the held device again until it maps
    assert operator.sweep("--since", "last").summary["records"] == 0
    nautobot_env.update_device(
        server, stale, custom_fields={"review_category": "important_communication_product"}
    )
    fixed = operator.sweep("--since", "last")
    assert fixed.code == 0, fixed.err
    assert fixed.summary["complete"] is True and list(fixed.decisions) == [stale]
    assert fixed.summary["sources"][0]["quarantined"] == 0

    router = nautobot_env.add_device(
        server,
        "nj-dc1-cr-03",
        device_type="HX-CR16000",
        role="router",
        tags=["cii"],
        custom_fields={"review_category": "core_network_equipment", "review_status": "none"},
    )
    newer = operator.sweep("--since", "last")
    assert newer.code == 0, newer.err
    assert list(newer.decisions) == [router["id"]]
    assert newer.decisions[router["id"]]["decision"] == "block"
    assert operator.sweep("--since", "last").summary["records"] == 0
    ids = [(case["record_id"], case["kind"]) for case in operator.cases()]
    assert len(ids) == len(set(ids))  # never a second case of a kind for one device


def test_a_mapping_reads_the_renamed_choice(nautobot: nautobot_env.Server, tmp_path: Path) -> None:
    """The category from the custom field through a table that knows the old name."""
    operator = Operator(
        tmp_path,
        nautobot,
        custom_fields={"review_status": "review.status", "cii_system": "deployment.system"},
    )
    mappings = {
        "product.category": {
            "from": "attributes.nautobot.custom_fields.review_category",
            "values": {STALE: "important_communication_product"},
            "unlisted": "keep",
            "missing": "other",
        }
    }
    operator.configure(
        nautobot,
        mappings=mappings,
        custom_fields={"review_status": "review.status", "cii_system": "deployment.system"},
    )
    result = operator.sweep("--no-cases")
    assert result.code == 0, result.err
    assert result.summary["skipped"] == 0
    stale = result.decisions[awkward(nautobot, "stale_choice")]
    assert stale["decision"] == "block"  # a communication product, in use, not reviewed


def test_gate_fetches_a_device_by_id_or_unique_name(
    nautobot: nautobot_env.Server, tmp_path: Path
) -> None:
    operator = Operator(tmp_path, nautobot)
    by_name = operator.gate("nj-dc1-cr-02")
    assert by_name.code == 2, by_name.err
    by_id = operator.gate(device_id(nautobot, "nj-dc1-cr-02"))
    assert json.loads(by_id.out)["record_id"] == json.loads(by_name.out)["record_id"]
    assert operator.gate("nj-dc1-as-01").code == 0
    twice = operator.gate("station-fw-01")
    assert twice.code == 3
    assert "2 devices are named 'station-fw-01' (at " in twice.err
    assert "give the id" in twice.err
    missing = operator.gate("nj-dc1-cr-99")
    assert missing.code == 3
    assert "source nautobot: no record 'nj-dc1-cr-99'" in missing.err


def test_a_token_without_permission(nautobot: nautobot_env.Server, tmp_path: Path) -> None:
    operator = Operator(tmp_path, nautobot)
    operator.env["NAUTOBOT_TOKEN"] = nautobot.probe_token
    check = operator("sources", "check", "nautobot")
    assert check.code == 3
    assert "403" in check.out and "permission" in check.out.lower()
    swept = operator.sweep()
    assert swept.code == 3 and swept.summary["records"] == 0
    assert nautobot.probe_token not in check.out + check.err + swept.out + swept.err


def test_an_unknown_filter_is_named(nautobot: nautobot_env.Server, tmp_path: Path) -> None:
    operator = Operator(tmp_path, nautobot, filters={"serial_numbr": "HX26"})  # a typo
    check = operator("sources", "check", "nautobot")
    assert check.code == 3
    assert 'HTTP 400: {"serial_numbr":["Unknown filter field"]}' in check.out


def test_nothing_listening(nautobot: nautobot_env.Server, tmp_path: Path) -> None:
    with FaultServer() as gone:
        url = gone.url
    operator = Operator(tmp_path, nautobot, url=url)
    check = operator("sources", "check", "nautobot")
    assert check.code == 3
    assert "ConnectionError (gave up after 2 attempts)" in check.out
    swept = operator.sweep()
    assert swept.code == 3
    assert swept.summary["complete"] is False and swept.summary["records"] == 0
    assert "error: source nautobot: read: GET " in swept.err
    assert "(the sweep is incomplete)" in swept.err


def test_killed_mid_read(
    own_nautobot: nautobot_env.Server, tmp_path_factory: Any, tmp_path: Path
) -> None:
    pages: list[int] = []

    def kill_after_two_pages(request: Request, body: Any) -> Any:
        if request.path == "/api/dcim/devices/" and request.query.get("sort") == ["created"]:
            pages.append(1)
            if len(pages) == 2:
                own_nautobot.kill()
        return body

    with FaultServer(upstream=own_nautobot.url) as proxy:
        proxy.page_hook = kill_after_two_pages
        operator = Operator(tmp_path, own_nautobot, url=proxy.url, page_size=5)
        assert operator("sources", "check", "nautobot").code == 0
        broken = operator.sweep("--since", "last")
    assert broken.code == 3
    assert broken.summary["complete"] is False
    assert broken.summary["records"] + broken.summary["skipped"] == 10  # two pages read
    assert "error: source nautobot: read: GET " in broken.err
    opened = len(operator.cases()) - broken.summary["cases"]["adopted"]  # by the rules
    # Nautobot back (a new server on the same data); the checkpoint did not move:
    with start(tmp_path_factory.mktemp("again")) as again:
        operator.env["NAUTOBOT_TOKEN"] = again.token
        operator.configure(again, page_size=5)
        rerun = operator.sweep("--since", "last")
    assert rerun.summary["records"] + rerun.summary["skipped"] == SEEDED  # all, not the rest
    assert rerun.summary["cases"]["already_open"] == opened
    ids = [(case["record_id"], case["kind"]) for case in operator.cases()]
    adopted = broken.summary["cases"]["adopted"] + rerun.summary["cases"]["adopted"]
    assert len(ids) == len(set(ids)) == opened + rerun.summary["cases"]["created"] + adopted
