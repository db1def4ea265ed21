"""Citations outside the packs follow the Measures the case runs under: the materials
checklist (2020 Art. 7 / 2021 Art. 8), supplementing (Art. 14 / 15) and confidentiality
(Art. 16 / 17) in ``cases show``, its JSON (and so the HTTP service), the HTML report and
the trackers; review-overdue in the numbering of the Measures its period ran under; and
a failed review's date from its case."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.sqlite import SqliteStore
from cyberreview_policy.trackers.view import Citations, tracked_case
from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "procurement.jsonl"


@pytest.fixture
def po(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(COVERED), "utf-8")
    return path


def open_case(cli: Cli, po: Path, as_of: str) -> str:
    result = cli("gate", "--record", po, "--as-of", as_of, "--format", "json")
    assert result.code == 2, result.err
    [action] = [a for a in result.json()["actions"] if a["kind"] == "review"]
    case_id: str = action["case_id"]
    return case_id


def move(cli: Cli, case_id: str, state: str, on: str) -> Result:
    result = cli("cases", "transition", case_id, state, "--on", on)
    assert result.code == 0, result.err
    return result


def test_a_case_declared_under_the_2020_measures_keeps_their_numbering(cli: Cli, po: Path) -> None:
    case = open_case(cli, po, "2021-12-01")
    move(cli, case, "declared", "2021-12-02")
    shown = cli("cases", "show", case, "--as-of", "2022-03-01").out
    assert "\nmaterials (Measures 2020 Art. 7)\n" in shown
    data = cli("cases", "show", case, "--as-of", "2022-03-01", "--format", "json").json()
    assert data["measures"] == {
        "name": "Measures 2020",
        "materials": "Measures 2020 Art. 7",
        "supplementing": "Measures 2020 Art. 14",
        "confidentiality": "Measures 2020 Art. 16",
    }


def test_a_case_declared_under_the_2021_revision_uses_its_numbering(cli: Cli, po: Path) -> None:
    case = open_case(cli, po, "2021-12-01")  # opened under the 2020 Measures ...
    move(cli, case, "declared", "2022-03-01")  # ... declared under the revision
    shown = cli("cases", "show", case, "--as-of", "2022-03-02").out
    assert "\nmaterials (Measures 2021 Art. 8)\n" in shown
    data = cli("cases", "show", case, "--as-of", "2022-03-02", "--format", "json").json()
    assert data["measures"]["confidentiality"] == "Measures 2021 Art. 17"


def test_a_case_not_yet_declared_cites_the_measures_of_the_day(cli: Cli, po: Path) -> None:
    case = open_case(cli, po, "2021-12-01")
    assert (
        "materials (Measures 2020 Art. 7)"
        in cli("cases", "show", case, "--as-of", "2022-01-05").out
    )
    assert (
        "materials (Measures 2021 Art. 8)"
        in cli("cases", "show", case, "--as-of", "2022-02-15").out
    )


@pytest.mark.parametrize(
    ("declared", "asked", "article"),
    [
        ("2021-11-01", "2021-11-08", "Measures 2020 Art. 14"),
        ("2022-03-01", "2022-03-08", "Measures 2021 Art. 15"),
    ],
)
def test_supplementing_cites_the_measures_in_force_when_the_office_asked(
    cli: Cli, po: Path, declared: str, asked: str, article: str
) -> None:
    case = open_case(cli, po, declared)
    move(cli, case, "declared", declared)
    said = move(cli, case, "supplementing", asked).out
    assert said.endswith(f"the clocks stand still until the material is supplied ({article})\n")


def test_a_failed_review_takes_its_date_from_the_case(cli: Cli, po: Path) -> None:
    case = open_case(cli, po, "2022-03-01")
    for state, on in (("declared", "2022-03-02"), ("under_review", "2022-03-10")):
        move(cli, case, state, on)
    move(cli, case, "failed", "2022-05-20")
    result = cli("gate", "--record", po, "--as-of", "2022-06-01", "--format", "json")
    [failed] = [f for f in result.json()["findings"] if f["rule"] == "review-failed"]
    assert "(decision date: 2022-05-20)" in failed["message"]
    assert "unknown" not in failed["message"]


def test_without_a_case_the_date_is_said_to_be_not_recorded(cli: Cli, po: Path) -> None:
    po.write_text(json.dumps(with_changes(COVERED, review__status="failed")), "utf-8")
    result = cli("gate", "--record", po, "--as-of", "2022-06-01", "--format", "json", "--no-cases")
    [failed] = [f for f in result.json()["findings"] if f["rule"] == "review-failed"]
    assert "(decision date: not recorded)" in failed["message"]


@pytest.mark.parametrize(
    ("declared", "first"),
    [("2022-01-10", "Measures 2020 Art. 8"), ("2022-03-01", "Measures 2021 Art. 9")],
)
def test_an_overdue_case_cites_the_measures_its_period_ran_under(
    cli: Cli, po: Path, declared: str, first: str
) -> None:
    case = open_case(cli, po, declared)
    move(cli, case, "declared", declared)  # the determination period: 10 working days
    result = cli("gate", "--record", po, "--as-of", "2022-06-01", "--format", "json")
    [overdue] = [f for f in result.json()["findings"] if f["rule"] == "review-overdue"]
    assert overdue["citations"][0] == first
    assert overdue["pack"] == "cn-csr-2022"  # the pack in force decides, in either numbering


@pytest.mark.parametrize(
    ("as_of", "article"),
    [("2021-06-01", "Measures 2020 Art. 16"), ("2026-03-01", "Measures 2021 Art. 17")],
)
def test_the_html_report_cites_the_confidentiality_article_of_its_date(
    cli: Cli, tmp_path: Path, as_of: str, article: str
) -> None:
    html = tmp_path / "report.html"
    result = cli("sweep", EXAMPLES, "--as-of", as_of, "--no-cases", "--report", html)
    assert result.code == 0, result.err
    assert f"(confidential under {article})" in html.read_text("utf-8")


def test_a_tracker_cites_the_confidentiality_article_of_the_case(
    tmp_path: Path, home: Path
) -> None:
    from cyberreview_policy.cases.base import CaseRequest
    from cyberreview_policy.runtime import Runtime

    store = SqliteStore(tmp_path / "cases.db")
    request = CaseRequest("file:PO-1", "PO-1", "review", "review-required", "cn-csr-2020@2.0.0",
                          dt.date(2021, 12, 1))  # fmt: skip
    case, _ = store.open_case(request, "test")
    store.transition(case.id, "declared", on=dt.date(2021, 12, 2), actor="test")
    citations = Citations(Runtime().catalog)

    def view(as_of: dt.date) -> Any:
        found = store.get(case.id)
        return tracked_case(
            found, instance="t", as_of=as_of, calendar=WorkCalendar(), citations=citations
        )

    assert view(dt.date(2022, 6, 1)).confidentiality == "Measures 2020 Art. 16"
    assert view(dt.date(2022, 6, 1)).to_json()["confidentiality"] == "Measures 2020 Art. 16"
    later = store.open_case(
        CaseRequest(
            "file:PO-2",
            "PO-2",
            "review",
            "review-required",
            "cn-csr-2022@2.0.0",
            dt.date(2022, 6, 1),
        ),
        "test",
    )[0]
    fresh = tracked_case(
        later, instance="t", as_of=dt.date(2022, 6, 1), calendar=WorkCalendar(), citations=citations
    )
    assert fresh.confidentiality == "Measures 2021 Art. 17"
    store.close()
