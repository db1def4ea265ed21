"""What the change gate writes, and the logic that posts it once: unit tests of
``cyberreview_policy.changes`` (the report's wording and fingerprint, and ``handle``
with an in-memory change system whose writes can land and lose their answer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from cyberreview_policy.changes import AffectedCI, Change, CiResult, find_marker
from cyberreview_policy.changes.report import build, fingerprint
from cyberreview_policy.changes.run import Connected, Outcome, handle
from cyberreview_policy.config import ChangeConfig
from cyberreview_policy.connectors import HttpError
from cyberreview_policy.errors import ChangeSystemError

RTU = AffectedCI("81bed28a56e838ca4d6afcc7ea2f69c3", "EG-SUB-35-RTU-01")
OFFICE = AffectedCI("6a287dc6083ab0c512f9049e384b1a3f", "Office automation")
AS_OF = dt.date(2026, 11, 29)


def finding(rule: str, outcome: str = "block", **more: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "pack": "cn-csr-2022",
        "title": f"{rule} title",
        "outcome": outcome,
        "message": f"{rule}: Backbone router is in use; 1 to 10 times CNY 4200000",
        "citations": ["Measures 2021 Art. 2", "CSL Art. 37"],
        "overridable": False,
        "waiver": None,
        "exposure": None,
        "remediation": None,
        "facts": {"contract.amount": 4200000},
        **more,
    }


def decided(ci: AffectedCI, *findings: dict[str, Any], cases: Any = ()) -> CiResult:
    verdict = "block" if any(f["outcome"] == "block" for f in findings) else "allow"
    decision: Any = {
        "record_id": ci.id,
        "decision": verdict,
        "as_of": AS_OF,
        "pack": {"id": "cn-csr-2022", "version": "1.0.0"},
        "packs": [{"id": "cn-csr-2022", "version": "1.0.0"}],
        "findings": list(findings),
        "actions": [
            {"type": "open_case", "kind": kind, "rule": rule, "case_id": case, "created": True}
            for case, kind, rule, _ in cases
        ],
        "cases": [
            {
                "id": case,
                "kind": kind,
                "state": "declared",
                "period": "determination",
                "deadline": due,
                "overdue": False,
            }
            for case, kind, _, due in cases
        ],
        "source": None,
    }
    return CiResult(ci, decision=decision)


BLOCKED = decided(
    RTU,
    finding("review-required"),
    finding("commitments", "warn"),
    cases=[("CR-000007", "review", "review-required", dt.date(2026, 12, 14))],
)
ALLOWED = decided(OFFICE)


def change(**more: Any) -> Change:
    values: dict[str, Any] = {
        "id": "c" * 32,
        "number": "CHG0030001",
        "state": "-4",
        "cis": (RTU, OFFICE),
        "cycle": "a" * 32,
        "open": True,
        "posted": (),
    }
    return Change(**{**values, **more})


def test_a_rejection_names_rules_citations_cases_and_no_material() -> None:
    report = build(change(), [BLOCKED, ALLOWED], "run-1", "approval")
    assert not report.approve
    assert report.text == (
        "cyberreview: CHG0030001 rejected: 2 affected CIs decided, 1 may not go into use:\n"
        f"- EG-SUB-35-RTU-01 ({RTU.id}):\n"
        "  review-required: review-required title (Measures 2021 Art. 2; CSL Art. 37); "
        "case CR-000007, due 2026-12-14\n"
        "Decided as of 2026-11-29 under cn-csr-2022 1.0.0.\n"
        f"[cyberreview ref {report.key} run run-1]"
    )
    assert "4200000" not in report.text and "CNY" not in report.text  # Art. 16
    assert find_marker(report.text) == (report.key, "run-1")


def test_an_approval_is_brief_and_a_work_note_says_blocked() -> None:
    approved = build(change(), [ALLOWED, ALLOWED], "run-2", "approval")
    assert approved.approve
    assert approved.text.splitlines()[0] == (
        "cyberreview: CHG0030001 approved: 2 affected CIs decided, none blocks."
    )
    noted = build(change(cycle=""), [BLOCKED], "run-3", "work_note")
    assert noted.text.startswith("cyberreview: CHG0030001 blocked: may not go into use: 1 affected")


def test_fail_closed_nothing_to_decide_or_a_ci_not_decided() -> None:
    empty = build(change(cis=()), [], "run-4", "approval")
    assert not empty.approve
    assert "names no affected CI" in empty.text
    assert Outcome(empty, posted=True).code == 3
    broken = CiResult(RTU, error="source servicenow: no record 'x'")
    report = build(change(), [broken, ALLOWED], "run-5", "approval")
    assert not report.approve
    assert f"- EG-SUB-35-RTU-01 ({RTU.id}): could not be decided: source servicenow" in report.text
    assert Outcome(report, posted=True).code == 3
    assert Outcome(build(change(), [BLOCKED], "r", "approval"), posted=True).code == 2


def test_the_fingerprint_is_the_decision_not_the_run() -> None:
    key = fingerprint(change(), [BLOCKED, ALLOWED], approve=False)
    assert build(change(), [BLOCKED, ALLOWED], "run-a", "approval").key == key
    assert build(change(), [BLOCKED, ALLOWED], "run-b", "approval").key == key
    assert fingerprint(change(cycle="b" * 32), [BLOCKED, ALLOWED], approve=False) != key
    assert fingerprint(change(), [ALLOWED, ALLOWED], approve=True) != key
    other = decided(RTU, finding("in-use-without-review"))
    assert fingerprint(change(), [other, ALLOWED], approve=False) != key


class Instance:
    """A change system in memory: ``post`` lands, then may lose its answer."""

    def __init__(self, change: Change, faults: list[HttpError | tuple[HttpError]] | None = None):
        self.current = change
        self.faults = faults or []  # an error: fails before landing; (error,): after
        self.posts: list[str] = []  # every write attempted
        self.landed: list[str] = []

    def change(self, ref: str) -> Change:
        return self.current

    def pending(self) -> list[str]:
        return [self.current.id]

    def post(self, change: Change, approve: bool, text: str) -> None:
        self.posts.append(text)
        fault = self.faults.pop(0) if self.faults else None
        if isinstance(fault, HttpError):
            raise fault
        self.landed.append(text)
        self.current = replace(self.current, posted=(text, *self.current.posted))
        if isinstance(fault, tuple):
            raise fault[0]


def connected(instance: Instance, mode: Any = "approval") -> Connected:
    config = ChangeConfig(type="memory", source="cmdb", mode=mode)
    return Connected("memory", config, instance)  # type: ignore[arg-type]


def decide_as(results: dict[str, CiResult]) -> Any:
    return lambda ci: results[ci.id]


RESULTS = {RTU.id: BLOCKED, OFFICE.id: ALLOWED}


def test_a_write_whose_answer_is_lost_is_read_back_not_repeated() -> None:
    instance = Instance(change(), [(HttpError("PATCH: ReadTimeout", retryable=True),)])
    outcome = handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-1")
    assert outcome.posted and len(instance.posts) == len(instance.landed) == 1


def test_a_write_that_failed_before_landing_is_sent_again() -> None:
    instance = Instance(change(), [HttpError("PATCH: HTTP 503", status=503)])
    outcome = handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-1")
    assert outcome.posted and len(instance.posts) == 2 and len(instance.landed) == 1


def test_a_refused_write_is_not_repeated() -> None:
    instance = Instance(change(), [HttpError("PATCH: HTTP 403: ACL", status=403)])
    with pytest.raises(ChangeSystemError, match="HTTP 403: ACL; nothing posted"):
        handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-1")
    assert len(instance.posts) == 1 and instance.landed == []


def test_the_same_decision_in_the_same_round_is_posted_once() -> None:
    instance = Instance(change())
    first = handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-1")
    instance.current = replace(instance.current, open=False)  # the approval is answered
    second = handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-2")
    assert (first.posted, second.posted, second.by_run) == (True, False, "run-1")
    assert len(instance.landed) == 1
    # the owner asks again: a new round, and the same decision is given in it
    instance.current = replace(instance.current, cycle="b" * 32, open=True, posted=())
    third = handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-3")
    assert third.posted and len(instance.landed) == 2


def test_an_answered_approval_with_another_decision_is_an_error() -> None:
    instance = Instance(change(open=False, why_closed="the approval is rejected already"))
    with pytest.raises(ChangeSystemError, match="rejected already; nothing posted"):
        handle(connected(instance), "CHG0030001", decide_as(RESULTS), "run-1")
    assert instance.posts == []


def test_work_notes_follow_the_latest_decision() -> None:
    instance = Instance(change(cycle=""))
    allowed = {RTU.id: ALLOWED, OFFICE.id: ALLOWED}
    for results in (RESULTS, RESULTS, allowed, allowed, RESULTS):
        handle(connected(instance, "work_note"), "CHG0030001", decide_as(results), "run")
    assert [find_marker(t) is not None for t in instance.landed] == [True] * 3
    assert ["blocked" in t.splitlines()[0] for t in instance.landed] == [True, False, True]
