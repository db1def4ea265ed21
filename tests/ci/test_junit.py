"""JUnit XML: one test case per record, valid against the Jenkins junit-10.xsd."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from cyberreview_policy.ci import CiRun
from cyberreview_policy.ci.common import AtomicFile
from cyberreview_policy.ci.junit import JUnitWriter
from cyberreview_policy.errors import Location
from cyberreview_policy.policy.pack import Pack
from cyberreview_policy.sweep.summary import Decided, Skip

from .conftest import ALLOWED, BLOCKED, WARNED, summary_of


def write(path: Path, run: CiRun, pack: Pack, *decided: Decided) -> ET.Element:
    writer = JUnitWriter(AtomicFile(path), run)
    for one in decided:
        writer.decision(one)
    writer.finish(summary_of(pack, *decided))
    return ET.parse(path).getroot()


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in root.iter("testcase")}


def test_block_fails_warn_is_skipped_allow_passes(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, junit_schema: Any
) -> None:
    path = tmp_path / "out.xml"
    root = write(
        path,
        ci_run,
        pack,
        decided(BLOCKED, line=1),
        decided({**WARNED, "id": "W-1"}, line=2),
        decided({**ALLOWED, "id": "A-1"}, line=3),
    )
    junit_schema.validate(str(path))
    suite = root.find("testsuite")
    assert suite is not None
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    assert suite.get("name") == "cyberreview sweep as of 2021-06-01 under cn-csr-2020 2.0.0"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props == {
        "as_of": "2021-06-01",
        "pack": "cn-csr-2020 2.0.0",
        "complete": "true",
        "fail_on_warn": "false",
    }
    by_name = cases(root)
    blocked = by_name["PO-2021-0117/1"]
    assert blocked.attrib == {
        "name": "PO-2021-0117/1",
        "classname": "cyberreview.cn-csr-2020",
        "time": "0",
        "file": "records.jsonl",
        "line": "1",
    }
    failure = blocked.find("failure")
    assert failure is not None and failure.get("type") == "block"
    assert (failure.get("message") or "").startswith("review-required: Backbone router")
    text = failure.text or ""
    assert text.startswith("block review-required: Backbone router")
    assert "\ncites: Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35\n" in text
    assert "\nfix: Declare to the Cybersecurity Review Office" in text
    assert "scope" not in text  # advisory notes are left out
    skipped = by_name["W-1"].find("skipped")
    assert skipped is not None and skipped.get("type") == "warn"
    assert (skipped.get("message") or "").startswith("commitments: Contract C-88")
    assert "cites: Measures 2020 Art. 6; Measures 2020 Art. 18" in (skipped.text or "")
    assert list(by_name["A-1"]) == []


def test_warn_fails_when_warn_fails_the_pipeline(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path
) -> None:
    root = write(tmp_path / "o.xml", replace(ci_run, fail_on_warn=True), pack, decided(WARNED))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "warn"
    assert root.get("failures") == "1"


def test_waived_findings_are_listed_on_a_passing_record(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, junit_schema: Any
) -> None:
    one = decided(WARNED)
    one.decision["decision"] = "allow"
    finding = next(f for f in one.decision["findings"] if f["rule"] == "commitments")
    finding["waiver"] = {
        "id": "W-7",
        "rule": "commitments",
        "reason": "letter on file",
        "approver": "CISO",
        "expires": ci_run.as_of,
        "ticket": None,
    }
    path = tmp_path / "o.xml"
    case = write(path, ci_run, pack, one).find("testsuite/testcase")
    assert case is not None
    out = case.find("system-out")
    assert out is not None and "waived by W-7 until 2021-06-01" in (out.text or "")
    assert case.find("failure") is None and case.find("skipped") is None
    junit_schema.validate(str(path))


def test_text_xml_cannot_carry_is_replaced_and_markup_escaped(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, junit_schema: Any
) -> None:
    data = {
        **BLOCKED,
        "id": 'PO-<1> & "2"\x07',
        "product": {**BLOCKED["product"], "name": "R&D <router>\x1b]"},
    }
    path = tmp_path / "o.xml"
    root = write(path, ci_run, pack, decided(data))
    junit_schema.validate(str(path))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == 'PO-<1> & "2"\ufffd'
    failure = case.find("failure")
    assert failure is not None
    assert "R&D <router>\ufffd]" in (failure.text or "")
    assert "R&D <router>\ufffd]" in (failure.get("message") or "")


def test_unreadable_records_and_failed_sources_are_errors(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided], tmp_path: Path, junit_schema: Any
) -> None:
    path = tmp_path / "o.xml"
    writer = JUnitWriter(AtomicFile(path), ci_run)
    writer.decision(decided(BLOCKED))
    skip = Skip(Location("records.jsonl", 2), "operator: field required")
    writer.skip(skip)
    summary = summary_of(pack, decided(BLOCKED))
    summary.skip(skip)
    summary.sources[0].error = "HTTP 503 after 5 tries"
    writer.finish(summary)
    junit_schema.validate(str(path))
    root = ET.parse(path).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "2")
    errors = {
        c.get("classname"): c.find("error")
        for c in root.iter("testcase")
        if c.find("error") is not None
    }
    unreadable, source = errors["cyberreview.unreadable"], errors["cyberreview.source"]
    assert unreadable is not None and unreadable.get("message") == "operator: field required"
    assert source is not None and "HTTP 503 after 5 tries (the run is incomplete)" in (
        source.get("message") or ""
    )
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["complete"] == "false"


def test_a_run_that_fails_leaves_no_file(
    ci_run: CiRun, decided: Callable[..., Decided], tmp_path: Path
) -> None:
    path = tmp_path / "o.xml"
    writer = JUnitWriter(AtomicFile(path), ci_run)
    writer.decision(decided(BLOCKED))
    writer.discard()
    assert list(tmp_path.iterdir()) == []
