"""The benchmark's cross-check: every implementation gives every record the same
decision and the same fired rule ids (used by ``run.py``).  Standard library only."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

Verdict = tuple[str, frozenset[str]]


def verdicts(path: Path) -> tuple[dict[str, Verdict], dict[str, dict[str, str]]]:
    """Decision and fired rule ids per record id (and messages by rule) of a JSONL output."""
    found: dict[str, Verdict] = {}
    messages: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            if "summary" in data:
                continue
            rules = {f["rule"]: f["message"] for f in data["findings"]}
            found[data["record_id"]] = (data["decision"], frozenset(rules))
            messages[data["record_id"]] = rules
    return found, messages


def record_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["id"] for line in lines if line.strip()]


@dataclass
class CrossCheck:
    records: int
    mismatches: list[str]
    message_differences: dict[str, int]  # records whose messages differ from the sweep's
    rules_fired: dict[str, int]  # by the sweep: shows what the sample covers


def cross_check(ids: list[str], outputs: dict[str, Path]) -> CrossCheck:
    """Every implementation must give every record the same decision and rule ids.

    The first of ``outputs`` (the sweep) is the reference for counting records
    whose messages differ, and for the rules fired.
    """
    loaded = {name: verdicts(path) for name, path in outputs.items()}
    reference_name = next(iter(outputs))
    mismatches: list[str] = []
    for record_id in ids:
        seen = {name: data[0].get(record_id) for name, data in loaded.items()}
        if len({v for v in seen.values()}) != 1:
            shown = "; ".join(
                f"{name}: " + ("missing" if v is None else f"{v[0]} {sorted(v[1])}")
                for name, v in seen.items()
            )
            mismatches.append(f"{record_id}: {shown}")
    reference = loaded[reference_name][1]
    differing = {
        name: sum(1 for record_id in ids if reference.get(record_id) != data[1].get(record_id))
        for name, data in loaded.items()
        if name != reference_name
    }
    fired = Counter(rule for _, rules in loaded[reference_name][0].values() for rule in rules)
    return CrossCheck(len(ids), mismatches, differing, dict(sorted(fired.items())))
