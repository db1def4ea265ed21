"""SARIF 2.1.0: valid against the official schema, rules from the pack, stable fingerprints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cyberreview_policy.ci import CiRun
from cyberreview_policy.ci.common import AtomicFile
from cyberreview_policy.ci.sarif import SarifWriter
from cyberreview_policy.errors import Location
from cyberreview_policy.policy.pack import Pack
from cyberreview_policy.sweep.summary import Decided, Skip

from .conftest import ALLOWED, BLOCKED, WARNED, summary_of


def write(path: Path, run: CiRun, pack: Pack, *decided: Decided) -> dict[str, Any]:
    writer = SarifWriter(AtomicFile(path), run)
    for one in decided:
        writer.decision(one)
    writer.finish(summary_of(pack, *decided))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_schema_valid_with_rules_from_the_pack(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, sarif_validator: Any
) -> None:
    log = write(
        tmp_path / "o.sarif", ci_run, pack, decided(BLOCKED), decided(WARNED), decided(ALLOWED)
    )
    errors = [f"{list(e.path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == (
        "cyberreview",
        __import__("cyberreview_policy").__version__,
    )
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {f"cn-csr-2020/{rule.id}" for rule in pack.rules}
    blocking = rules["cn-csr-2020/review-required"]
    assert blocking["name"] == "review-required"
    assert blocking["shortDescription"]["text"] == "Cybersecurity review required and not cleared"
    assert blocking["defaultConfiguration"]["level"] == "error"
    assert blocking["help"]["text"].startswith("Declare to the Cybersecurity Review Office")
    assert (
        "Cites: Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35."
        in blocking["help"]["text"]
    )
    assert "No waiver or override can set it aside." in blocking["help"]["text"]
    assert blocking["properties"]["security-severity"] == "8.0"
    assert blocking["properties"]["citations"] == [
        "Measures 2020 Art. 2",
        "Measures 2020 Art. 5",
        "CSL Art. 35",
    ]
    assert rules["cn-csr-2020/commitments"]["defaultConfiguration"]["level"] == "warning"
    assert rules["cn-csr-2020/commitments"]["properties"]["security-severity"] == "5.0"
    assert rules["cn-csr-2020/scope"]["defaultConfiguration"]["level"] == "note"
    assert "security-severity" not in rules["cn-csr-2020/scope"]["properties"]
    levels = sorted((r["ruleId"], r["level"]) for r in run["results"])
    assert levels == [
        ("cn-csr-2020/commitments", "warning"),
        ("cn-csr-2020/review-required", "error"),
        ("cn-csr-2020/scope", "note"),
        ("cn-csr-2020/scope", "note"),
        ("cn-csr-2020/scope", "note"),
    ]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_a_result_points_at_the_file_and_line(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path
) -> None:
    log = write(tmp_path / "o.sarif", ci_run, pack, decided(BLOCKED, line=42))
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"].startswith("PO-2021-0117/1: Backbone router")
    assert result["message"]["text"].endswith(
        "(Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35)"
    )
    location = result["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "records.jsonl", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42},
    }
    assert location["logicalLocations"][0]["name"] == "PO-2021-0117/1"
    assert (
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        == tmp_path.resolve().as_uri() + "/"
    )


def test_a_connector_record_has_a_logical_location_only(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, sarif_validator: Any
) -> None:
    data = {**BLOCKED, "source": {"adapter": "servicenow", "ref": "abc123", "fetched_at": None}}
    log = write(
        tmp_path / "o.sarif", ci_run, pack, decided(data, where=Location("servicenow[abc123]"))
    )
    sarif_validator.validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]
    assert location == {
        "logicalLocations": [
            {
                "name": "PO-2021-0117/1",
                "kind": "object",
                "fullyQualifiedName": "servicenow/PO-2021-0117/1",
            }
        ]
    }


def test_fingerprints_are_stable_across_runs_and_lines(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path
) -> None:
    warned = {**WARNED, "id": "PO-2021-0118/1"}
    first = write(
        tmp_path / "a.sarif", ci_run, pack, decided(BLOCKED, line=1), decided(warned, line=2)
    )
    moved = {**warned, "contract": {**warned["contract"], "amount": 1}}  # facts change, rule stays
    second = write(
        tmp_path / "b.sarif", ci_run, pack, decided(moved, line=7), decided(BLOCKED, line=30)
    )

    def prints(log: dict[str, Any]) -> dict[tuple[str, str], dict[str, str]]:
        return {
            (r["properties"]["recordId"], r["ruleId"]): r["partialFingerprints"]
            for r in log["runs"][0]["results"]
        }

    assert prints(first) == prints(second)
    values = [p["cyberreviewFinding/v1"] for p in prints(first).values()]
    assert len(set(values)) == len(values)  # one per rule and record
    assert all(p["primaryLocationLineHash"].endswith(":1") for p in prints(first).values())


def test_a_waived_finding_is_suppressed(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, sarif_validator: Any
) -> None:
    one = decided(WARNED)
    finding = next(f for f in one.decision["findings"] if f["rule"] == "commitments")
    finding["waiver"] = {
        "id": "W-7",
        "rule": "commitments",
        "reason": "letter on file",
        "approver": "CISO",
        "expires": ci_run.as_of,
        "ticket": None,
    }
    log = write(tmp_path / "o.sarif", ci_run, pack, one)
    sarif_validator.validate(log)
    waived = next(r for r in log["runs"][0]["results"] if r["ruleId"].endswith("/commitments"))
    assert waived["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "waiver W-7 until 2021-06-01"}
    ]
    assert "letter on file" not in json.dumps(log)  # the waiver's reason stays in the store


def test_skips_and_failed_sources_are_notifications(
    ci_run: CiRun, pack: Pack, tmp_path: Path, sarif_validator: Any
) -> None:
    path = tmp_path / "o.sarif"
    writer = SarifWriter(AtomicFile(path), ci_run)
    summary = summary_of(pack)
    summary.skip(Skip(Location("records.jsonl", 3), "operator: field required"))
    summary.sources[0].error = "HTTP 503"
    writer.finish(summary)
    log = json.loads(path.read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        "skipped records.jsonl:3: operator: field required",
        "source records.jsonl: HTTP 503 (the run is incomplete)",
    ]
    assert log["runs"][0]["results"] == []
