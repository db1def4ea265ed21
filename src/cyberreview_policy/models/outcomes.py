"""Outcome vocabulary shared by rules, findings and decisions (no pydantic: gate path)."""

from __future__ import annotations

from typing import Literal

Outcome = Literal["advisory", "warn", "block"]
Verdict = Literal["allow", "warn", "block"]
CaseKind = Literal["assessment", "review", "remediation"]

#: Severity order shared by findings and decisions.
SEVERITY: dict[str, int] = {"allow": 0, "advisory": 0, "warn": 1, "block": 2}
VERDICTS: tuple[Verdict, ...] = ("allow", "warn", "block")
