"""``cyberreview cases`` as an officer runs an estate on it: opening by hand, closing
states per kind, notices, versions of material in and out, the list's columns."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")
UNASSESSED = with_changes(COVERED, risk__may_affect_national_security=None)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def run(data: object, name: str = "po.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), "utf-8")
        return path

    return run


def test_open_by_hand_then_close_an_assessment_with_its_conclusion(
    cli: Cli, write: Callable[..., Path]
) -> None:
    record = write(UNASSESSED)
    opened = cli("cases", "open", record, "--kind", "assessment", *PINNED)
    assert opened.out == "CR-000001 (assessment, open) opened for PO-2021-0117/1\n", opened.err
    again = cli("cases", "open", record, "--kind", "assessment", *PINNED)
    assert again.out == "CR-000001 (assessment, open) is open already for PO-2021-0117/1\n"
    refused = cli("cases", "transition", "CR-000001", "assessed", "--on", "2021-06-02")
    assert refused.code == 3
    assert "assessed needs a conclusion, may_affect or no_effect" in refused.err
    closed = cli(
        "cases", "transition", "CR-000001", "assessed", "--conclusion", "may_affect",
        "--on", "2021-06-02",
    )  # fmt: skip
    assert closed.out == "CR-000001 is assessed from 2021-06-02\n"
    gate = cli("gate", "--record", record, *PINNED, "--format", "json")
    decision = gate.json()
    assert [(a["kind"], a["created"]) for a in decision["actions"]] == [("review", True)]
    shown = cli("cases", "show", "CR-000001").out
    assert "state          assessed (may_affect)" in shown
    assert "open -> assessed (conclusion: may_affect) by" in shown


def test_withdrawn_needs_a_reason_and_closed_cases_stay_closed(
    cli: Cli, write: Callable[..., Path]
) -> None:
    record = write(COVERED)
    cli("gate", "--record", record, *PINNED)
    bare = cli("cases", "transition", "CR-000001", "withdrawn", "--on", "2021-06-02")
    assert "withdrawn needs a reason, cancelled or superseded" in bare.err
    cli(
        "cases",
        "transition",
        "CR-000001",
        "withdrawn",
        "--reason",
        "cancelled",
        "--on",
        "2021-06-02",
    )
    gate = cli("gate", "--record", record, *PINNED)
    assert (
        "case CR-000001 (review, rule review-required): withdrawn: closed for the same facts, "
        "not opened again" in gate.out
    )
    assert cli("cases", "list").out.startswith("no cases in ")
    assert "(closed cases are listed with --all)" in cli("cases", "list").out
    assert cli("cases", "list", "--all").out.startswith("CR-000001  review  withdrawn")


def test_future_dates_are_refused_and_planned_steps_shown_as_projected(
    cli: Cli, write: Callable[..., Path]
) -> None:
    cli("gate", "--record", write(COVERED), *PINNED)
    soon = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    typo = cli("cases", "transition", "CR-000001", "declared", "--on", "2031-01-20")
    assert typo.code == 3
    assert "2031-01-20 is after today" in typo.err
    planned = cli("cases", "transition", "CR-000001", "declared", "--on", soon, "--planned")
    assert planned.out.startswith(f"CR-000001 is declared from {soon} (planned)")
    shown = cli("cases", "show", "CR-000001").out
    assert "open -> declared (planned) by" in shown
    assert "determination        10 days  projected  from " + soon in shown
    today = dt.date.today().isoformat()
    confirmed = cli("cases", "transition", "CR-000001", "declared", "--on", today)
    assert confirmed.code == 0, confirmed.err
    assert (
        "determination        10 days  actual     from " + today
        in cli("cases", "show", "CR-000001").out
    )


def test_mark_complex_and_extend_after_expiry(cli: Cli, write: Callable[..., Path]) -> None:
    cli("gate", "--record", write(COVERED), "--pack", "cn-csr-2022", "--as-of", "2025-01-02")
    for state, on in (("declared", "2025-01-06"), ("under_review", "2025-01-13")):
        cli("cases", "transition", "CR-000001", state, "--on", on)
    late = cli("cases", "mark-complex", "CR-000001", "--on", "2025-04-01")
    assert late.code == 3
    assert "its preliminary review ran out on 2025-02-28" in late.err
    marked = cli("cases", "mark-complex", "CR-000001", "--on", "2025-02-20", "--note", "notice 9")
    assert marked.out.startswith(
        "CR-000001 is a complex review; preliminary review until 2025-03-21"
    )
    cli("cases", "transition", "CR-000001", "special_review", "--on", "2025-05-06")
    extend = ("cases", "extend", "CR-000001", "--days", "20", "--note", "notice 12")
    ran_out = cli(*extend, "--on", "2025-12-01")
    assert ran_out.code == 3
    assert "its special review ran out on 2025-09-" in ran_out.err


def test_notices_material_versions_and_download(
    cli: Cli, write: Callable[..., Path], tmp_path: Path
) -> None:
    cli("gate", "--record", write(COVERED), *PINNED)
    cli("cases", "transition", "CR-000001", "declared", "--on", "2021-06-02")
    letter = tmp_path / "request.pdf"
    letter.write_bytes(b"%PDF office letter")
    ref = "网审补〔2021〕12号"
    noted = cli(
        "cases", "notice", "CR-000001", "--kind", "supplement_request", "--ref", ref,
        "--on", "2021-06-08", "--file", letter,
    )  # fmt: skip
    assert noted.out == (
        f"CR-000001: supplement_request notice {ref} of 2021-06-08; the letter is on file as "
        "office_notice@1\n"
    )
    first, second, empty = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "e.pdf"
    first.write_bytes(b"\x00\x01binary\xff")
    second.write_bytes(b"%PDF escrow agreement")
    empty.write_bytes(b"")
    assert cli("cases", "attach", "CR-000001", "other", first, "--on", "2021-06-09").code == 0
    answered = cli("cases", "attach", "CR-000001", "other", second, "--answers", ref)
    assert answered.out == f"CR-000001: other on file as other@2 (21 bytes, answering {ref})\n"
    refused = cli("cases", "attach", "CR-000001", "declaration", empty)
    assert (refused.code, refused.err) == (
        3,
        f"cyberreview: error: {empty.name} is empty: attach the file with its content\n",
    )
    shown = cli("cases", "show", "CR-000001", "--materials").out
    assert f"2021-06-08  supplement_request  {ref}  answered by other@2" in shown
    assert "other@1" in shown and "b.pdf" in shown
    out = tmp_path / "out.bin"
    got = cli("cases", "material", "CR-000001", "other@1", "--output", out)
    assert got.code == 0, got.err
    assert out.read_bytes() == b"\x00\x01binary\xff"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    exists = cli("cases", "material", "CR-000001", "other", "--output", out)
    assert (exists.code, "exists: give a new file" in exists.err) == (3, True)
    newest = tmp_path / "newest.pdf"
    cli("cases", "material", "CR-000001", "other", "--output", newest)
    assert newest.read_bytes() == b"%PDF escrow agreement"
    missing = cli("cases", "material", "CR-000001", "other@9", "--output", tmp_path / "x")
    assert "has other versions 1 to 2, not 9" in missing.err


def test_a_supplement_request_names_the_material_it_asks_for(
    cli: Cli, write: Callable[..., Path]
) -> None:
    cli("gate", "--record", write(COVERED), *PINNED)
    cli("cases", "transition", "CR-000001", "declared", "--on", "2021-06-02")
    cli("cases", "transition", "CR-000001", "supplementing", "--on", "2021-06-08")
    asked = cli(
        "cases", "notice", "CR-000001", "--kind", "supplement_request", "--ref", "S-1",
        "--on", "2021-06-08", "--requests", "commitment_letter",
    )  # fmt: skip
    assert asked.code == 0, asked.err
    shown = cli("cases", "show", "CR-000001", "--format", "json").json()
    assert shown["notices"][0]["requests"] == ["commitment_letter"]
    assert shown["holder"] == "vendor"


def test_a_closed_review_asks_for_the_office_notice(cli: Cli, write: Callable[..., Path]) -> None:
    cli("gate", "--record", write(COVERED), *PINNED)
    cli("cases", "transition", "CR-000001", "declared", "--on", "2021-06-02")
    done = cli("cases", "transition", "CR-000001", "not_required", "--on", "2021-06-09")
    assert done.code == 0
    assert "warning: no review_decision notice of the Office on file for CR-000001" in done.err
    assert "warning: no review_decision notice" in cli("cases", "show", "CR-000001").out
    cli(
        "cases",
        "notice",
        "CR-000001",
        "--kind",
        "review_decision",
        "--ref",
        "R-1",
        "--on",
        "2021-06-09",
    )
    assert "warning" not in cli("cases", "show", "CR-000001").out


def test_list_columns_filters_and_provisional_deadlines(
    cli: Cli, write: Callable[..., Path]
) -> None:
    other = with_changes(COVERED, id="PO-9", operator__name="West Water")
    cli("gate", "--record", write(COVERED), *PINNED)
    cli("gate", "--record", write(other, "other.json"), *PINNED)
    cli("cases", "transition", "CR-000001", "declared", "--on", "2021-06-02")
    listed = cli("cases", "list", "--as-of", "2021-06-03").out.splitlines()
    assert listed[0].split("  ")[:4] == ["CR-000001", "review", "declared", "PO-2021-0117/1"]
    assert "East Grid Power" in listed[0] and "Backbone router" in listed[0]
    assert "opened 2021-06-01" in listed[0]
    assert "determination until 2021-06-17" in listed[0]
    assert "go-live 2021-09-01" in listed[0] and "AT RISK" not in listed[0]
    mine = cli("cases", "list", "--operator", "West Water", "--format", "json").json()
    assert [c["id"] for c in mine] == ["CR-000002"]
    assert mine[0]["go_live"]["at_risk"] is True  # not declared: 10 + 30 + 15 days from today
    assert cli("cases", "list", "--go-live-at-risk", "--as-of", "2021-06-03").out.startswith("no")
    # a month on, 10 + 30 + 15 working days no longer fit before 1 September
    at_risk = cli("cases", "list", "--go-live-at-risk", "--as-of", "2021-07-01").out
    assert [line.split()[0] for line in at_risk.splitlines()] == ["CR-000001", "CR-000002"]
    assert at_risk.count("AT RISK") == 2  # the determination ran out: 45 days from today


def test_provisional_deadlines_say_so(cli: Cli, write: Callable[..., Path]) -> None:
    cli("gate", "--record", write(COVERED), "--pack", "cn-csr-2022", "--as-of", "2026-11-02")
    cli("cases", "transition", "CR-000001", "declared", "--on", "2026-11-02")
    cli("cases", "transition", "CR-000001", "under_review", "--on", "2026-11-16")
    listed = cli("cases", "list", "--as-of", "2026-12-29").out
    assert "member opinions (projected) until 2027-01-18 (provisional)" in listed
    assert "?" not in listed
