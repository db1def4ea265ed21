"""GitHub Actions workflow commands: escaping, levels, and GitHub's limit per kind."""

from __future__ import annotations

import io
from collections.abc import Callable

from cyberreview_policy.ci import CiRun
from cyberreview_policy.ci.github import (
    PER_KIND,
    GitHubWriter,
    command,
    escape_data,
    escape_property,
)
from cyberreview_policy.errors import Location
from cyberreview_policy.policy.pack import Pack
from cyberreview_policy.sweep.summary import Decided, Skip

from .conftest import ALLOWED, BLOCKED, WARNED, summary_of


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    # % first, so an escape is never escaped twice
    assert escape_data("%0A") == "%250A"


def test_a_command_line() -> None:
    line = command("error", "two\nlines", file="dir/a,b.jsonl", line=7, title="rule: t", col=None)
    assert line == "::error file=dir/a%2Cb.jsonl,line=7,title=rule%3A t::two%0Alines\n"
    assert command("notice", "plain") == "::notice::plain\n"


def run_writer(ci_run: CiRun, pack: Pack, *decided: Decided) -> str:
    out = io.StringIO()
    writer = GitHubWriter(out, ci_run)
    for one in decided:
        writer.decision(one)
    writer.finish(summary_of(pack, *decided))
    return out.getvalue()


def test_levels_file_line_and_message(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided]
) -> None:
    text = run_writer(ci_run, pack, decided(BLOCKED, line=4), decided(WARNED, line=9))
    lines = text.splitlines()
    assert lines[0].startswith(
        "::error file=records.jsonl,line=4,"
        "title=review-required%3A Cybersecurity review required and not cleared (PO-2021-0117/1)::"
        "PO-2021-0117/1: Backbone router (core network equipment) needs a cybersecurity review"
    )
    assert (
        "%0ACites: Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35%0AFix: Declare"
        in lines[0]
    )
    assert lines[1].startswith("::notice file=records.jsonl,line=4,title=scope%3A")
    assert any(
        line.startswith("::warning file=records.jsonl,line=9,title=commitments%3A")
        for line in lines
    )
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_a_waived_finding_is_not_annotated(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided]
) -> None:
    one = decided(BLOCKED)
    finding = next(f for f in one.decision["findings"] if f["rule"] == "review-required")
    finding["waiver"] = {
        "id": "W-7",
        "rule": "review-required",
        "reason": "r",
        "approver": "a",
        "expires": ci_run.as_of,
        "ticket": None,
    }
    assert "review-required" not in run_writer(ci_run, pack, one)


def test_at_most_ten_of_a_kind_then_one_notice_counting_the_rest(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided]
) -> None:
    many = [decided(BLOCKED, line=n) for n in range(1, 26)]
    lines = run_writer(ci_run, pack, *many).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == PER_KIND
    assert sum(line.startswith("::notice ") for line in lines) == PER_KIND  # 9 + the count
    assert lines[-1] == (
        "::notice title=cyberreview%3A more findings::15 errors, 16 notices not annotated "
        "(GitHub shows 10 of a kind per step); the SARIF or JUnit output "
        "(--ci sarif=FILE, --ci junit=FILE) has them all"
    )


def test_records_from_a_connector_have_no_file(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided]
) -> None:
    one = decided(BLOCKED, where=Location("servicenow[abc123]"))
    first = run_writer(ci_run, pack, one).splitlines()[0]
    assert first.startswith("::error title=review-required%3A ")


def test_an_unreadable_record_is_an_error_at_its_line(ci_run: CiRun, pack: Pack) -> None:
    out = io.StringIO()
    writer = GitHubWriter(out, ci_run)
    writer.skip(
        Skip(Location(str(ci_run.cwd / "records.jsonl"), 12, 5), "operator: field required")
    )
    summary = summary_of(pack)
    summary.skip(Skip(Location("records.jsonl", 12), "operator: field required"))
    writer.finish(summary)
    assert out.getvalue().startswith(
        "::error file=records.jsonl,line=12,title=cyberreview%3A record not read::"
    )


def test_an_allowed_record_gets_only_its_advisory_notes(
    ci_run: CiRun, pack: Pack, decided: Callable[..., Decided]
) -> None:
    one = decided(ALLOWED)
    assert [f["outcome"] for f in one.decision["findings"]] == ["advisory"]
    lines = run_writer(ci_run, pack, one).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::notice file=records.jsonl,line=1,title=scope%3A")
