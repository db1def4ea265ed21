"""The board converges: the demo sweep, every case it opened closed in its kind's
closing state, and the sweep run again opens no new case (nor adopts one)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import Result

Cli = Callable[..., Result]
EXAMPLES = Path(__file__).parents[2] / "examples" / "procurement.jsonl"
DEMO = ("sweep", EXAMPLES, "--as-of", "2021-06-01", "--format", "jsonl")

#: a way to close a review case from each state, in steps (state, extra arguments)
REVIEW_ENDINGS: list[list[tuple[str, tuple[str, ...]]]] = [
    [("withdrawn", ("--reason", "cancelled"))],
    [("declared", ()), ("not_required", ())],
    [("declared", ()), ("under_review", ()), ("passed", ())],
    [("declared", ()), ("under_review", ()), ("failed", ())],
]


def close(cli: Cli, case: dict[str, Any], index: int) -> str:
    """Close ``case`` in a closing state of its kind; the state it ends in."""
    steps: list[tuple[str, tuple[str, ...]]]
    if case["kind"] == "assessment":
        steps = [("assessed", ("--conclusion", "no_effect"))]
    elif case["kind"] == "remediation":
        steps = [("remediated", ("--note", "use stopped; the product is out of service"))]
    elif case["state"] != "open":  # adopted as running: it goes on from where it is
        steps = (
            [("passed", ())]
            if case["state"] == "under_review"
            else [("withdrawn", ("--reason", "superseded"))]
        )
    else:
        steps = REVIEW_ENDINGS[index % len(REVIEW_ENDINGS)]
    for day, (state, extra) in enumerate(steps, start=2):
        moved = cli("cases", "transition", case["id"], state, "--on", f"2021-06-{day:02d}", *extra)
        assert moved.code == 0, (case, moved.err)
    return steps[-1][0]


def summary(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = result.lines()[-1]["summary"]
    return data


def test_closing_every_case_the_demo_opened_then_sweeping_again_opens_none(cli: Cli) -> None:
    first = cli(*DEMO)
    assert first.code == 0, first.err
    opened = summary(first)["cases"]
    assert (opened["created"], opened["adopted"]) == (65, 30)
    # the go-live rule fires with the case store (review.earliest_clearance)
    assert {"rule": "go-live-at-risk", "outcome": "warn", "count": 11} in summary(first)["rules"]
    cases = cli("cases", "list", "--format", "json").json()
    assert len(cases) == 95
    ended = Counter((case["kind"], close(cli, case, index)) for index, case in enumerate(cases))
    assert set(ended) >= {
        ("assessment", "assessed"),
        ("remediation", "remediated"),
        ("review", "withdrawn"),
        ("review", "not_required"),
        ("review", "passed"),
        ("review", "failed"),
    }
    assert cli("cases", "list").out.startswith("no cases")
    for _ in range(2):
        again = cli(*DEMO)
        assert again.code == 0, again.err
        counts = summary(again)["cases"]
        assert (counts["created"], counts["adopted"], counts["already_open"]) == (0, 0, 0)
        assert counts["closed"] > 0  # the rules still ask: closed cases answer them
        everything = cli("cases", "list", "--all", "--format", "json").json()
        assert len(everything) == 95
        assert all(case["state"] in {s for _, s in ended} for case in everything)
    # the audit trail accounts for every case: adopted, reopened, noticed, closed
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.out + verified.err
    assert "intact" in verified.out
