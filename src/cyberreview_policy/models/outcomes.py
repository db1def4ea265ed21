"""Vocabulary shared by rules, findings, decisions and cases: outcomes, verdicts, case
kinds and states, the record's review status (no pydantic: gate path).  Each is
defined once here; the words that read them (:mod:`..i18n.words`) are keyed by them."""

from __future__ import annotations

from typing import Literal, get_args

Outcome = Literal["advisory", "warn", "block"]
Verdict = Literal["allow", "warn", "block"]
CaseKind = Literal["assessment", "review", "remediation"]
#: the states a review case shares with the record's ``review.status``
ReviewCaseState = Literal[
    "declared",
    "under_review",
    "special_review",
    "supplementing",
    "not_required",
    "passed",
    "failed",
]
#: every state a case can be in (the procedure: :mod:`..cases.lifecycle`)
CaseState = Literal["open", ReviewCaseState, "assessed", "remediated", "withdrawn"]
CASE_STATES: tuple[str, ...] = get_args(CaseState)
#: the record's ``review.status``: ``none`` (nothing declared) or a review case's state
ReviewStatus = Literal["none", ReviewCaseState]
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)

#: Severity order shared by findings and decisions.
SEVERITY: dict[str, int] = {"allow": 0, "advisory": 0, "warn": 1, "block": 2}
VERDICTS: tuple[Verdict, ...] = ("allow", "warn", "block")
