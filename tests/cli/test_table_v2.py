"""Decision table v2 through ``cyberreview gate`` on hand-written records: each change
of domain.md's "What changed from table v1" decides as the table says, and every
finding cites the article in force on the as-of date."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.models.validate import from_json
from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
DATA = Path(__file__).resolve().parents[1] / "data"


def gate(cli: Cli, tmp_path: Path, record: dict[str, Any], as_of: str, *extra: str) -> Any:
    """The gate's JSON decision (without a case store unless ``extra`` asks for one)."""
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), "utf-8")
    store = () if "--override" in extra else ("--no-cases",)
    result = cli("gate", "--record", path, "--as-of", as_of, "--format", "json", *store, *extra)
    assert result.code in (0, 2), result.err
    data = result.json()
    assert (result.code == 2) == (data["decision"] == "block")
    return data


def finding(decision: Any, rule: str) -> dict[str, Any]:
    found = [f for f in decision["findings"] if f["rule"] == rule]
    assert found, f"{rule} did not fire: {[f['rule'] for f in decision['findings']]}"
    return found[0]


def fired(decision: Any) -> list[str]:
    return sorted(f["rule"] for f in decision["findings"])


# -- 1. the operator's own conclusion binds -------------------------------------------

UNLISTED_2020 = with_changes(
    COVERED,
    product={"name": "Core 5G gateway", "category": "important_communication_product"},
)


def test_an_unlisted_network_product_that_may_affect_national_security_blocks(
    cli: Cli, tmp_path: Path
) -> None:
    decision = gate(cli, tmp_path, UNLISTED_2020, "2021-06-01")
    assert decision["decision"] == "block"
    assert fired(decision) == ["review-required"]
    assert [a["kind"] for a in decision["actions"]] == ["review"]
    assert (
        "Core 5G gateway (important communication products) needs a cybersecurity review"
        in (finding(decision, "review-required")["message"])
    )


def test_a_may_affect_purchase_for_a_system_that_is_not_cii_blocks(
    cli: Cli, tmp_path: Path
) -> None:
    decision = gate(cli, tmp_path, with_changes(COVERED, deployment__cii=False), "2022-06-01")
    assert fired(decision) == ["review-required"]


# -- 2. an open Office review blocks ---------------------------------------------------


@pytest.mark.parametrize("status", ["declared", "under_review", "special_review", "supplementing"])
def test_an_open_office_review_blocks_a_no_effect_conclusion(
    cli: Cli, tmp_path: Path, status: str
) -> None:
    record = with_changes(COVERED, risk__may_affect_national_security=False, review__status=status)
    decision = gate(cli, tmp_path, record, "2022-06-01")
    assert decision["decision"] == "block"
    assert "review-required" in fired(decision)
    assert decision["actions"] == []  # the Office has the case: no new one


# -- 3. listings abroad -----------------------------------------------------------------

LISTING = {
    "id": "LS-2024-0001",
    "kind": "listing",
    "operator": {"name": "Huaxia Ride", "platform": True, "platform_users": 3_000_000},
    "listing": {"venue": "foreign", "exchange": "NYSE"},
    "materials": ["declaration", "impact_analysis", "listing_documents"],
}


@pytest.mark.parametrize(
    ("changes", "decided", "rules"),
    [
        ({}, "block", ["listing-abroad"]),
        ({"listing__venue": "hong_kong"}, "allow", ["listing-hong-kong"]),
        ({"listing__venue": None}, "warn", ["listing-scope-unknown"]),
        ({"listing__venue": "unknown"}, "warn", ["listing-scope-unknown"]),
        ({"operator__platform": None}, "warn", ["listing-scope-unknown"]),
        ({"operator__platform_users": None}, "warn", ["listing-scope-unknown"]),
        ({"operator__platform": False}, "allow", []),
        ({"operator__platform_users": 1_000_000}, "allow", []),
    ],
)
def test_listings(
    cli: Cli, tmp_path: Path, changes: dict[str, Any], decided: str, rules: list[str]
) -> None:
    decision = gate(cli, tmp_path, with_changes(LISTING, **changes), "2024-05-01")
    assert (decision["decision"], fired(decision)) == (decided, rules)


def test_a_listing_abroad_cites_art_7_and_hong_kong_art_2_and_16(cli: Cli, tmp_path: Path) -> None:
    abroad = gate(cli, tmp_path, LISTING, "2024-05-01")
    assert finding(abroad, "listing-abroad")["citations"] == ["Measures 2021 Art. 7"]
    assert "NYSE" in finding(abroad, "listing-abroad")["message"]
    incomplete = with_changes(LISTING, materials=["declaration"])
    assert finding(gate(cli, tmp_path, incomplete, "2024-05-01"), "materials")["message"] == (
        "The declaration needs the declaration form and the national-security impact "
        "analysis, and the listing application documents; on file: declaration form"
    )
    hong_kong = gate(cli, tmp_path, with_changes(LISTING, listing__venue="hong_kong"), "2024-05-01")
    assert finding(hong_kong, "listing-hong-kong")["citations"] == [
        "Measures 2021 Art. 2",
        "Measures 2021 Art. 16",
    ]


def test_a_failed_listing_review_cites_the_measures_not_the_csl_purchase_articles(
    cli: Cli, tmp_path: Path
) -> None:
    failed = with_changes(LISTING, review={"status": "failed", "decided_on": "2026-01-20"})
    decision = gate(cli, tmp_path, failed, "2026-03-01")
    found = finding(decision, "review-failed")
    assert found["citations"] == ["Measures 2021 Art. 7", "Measures 2021 Art. 20"]
    assert "decision date: 2026-01-20" in found["message"]
    assert "the listing may not go ahead" in found["message"]


def test_a_listing_before_the_2021_revision_has_no_declaration_duty(
    cli: Cli, tmp_path: Path
) -> None:
    assert fired(gate(cli, tmp_path, LISTING, "2021-06-01")) == []


# -- 4. data processing activities --------------------------------------------------------

PROCESSING = {
    "id": "DP-2024-0001",
    "kind": "data_processing",
    "operator": {"name": "Huaxia Ride", "platform": True},
    "activity": {"name": "Trajectory analytics"},
    "risk": {"may_affect_national_security": True},
}


def test_a_platforms_data_processing_needs_review(cli: Cli, tmp_path: Path) -> None:
    decision = gate(cli, tmp_path, PROCESSING, "2024-05-01")
    assert decision["decision"] == "block"
    found = finding(decision, "data-processing")
    assert found["citations"] == ["Measures 2021 Art. 2", "DSL Art. 24"]
    assert found["message"].startswith("Trajectory analytics DP-2024-0001 of network platform")
    assert [a["kind"] for a in decision["actions"]] == ["review"]
    assert finding(decision, "materials")["message"] == (
        "The declaration needs the declaration form and the national-security impact "
        "analysis; on file: none"
    )
    cleared = with_changes(PROCESSING, review__status="passed")
    assert gate(cli, tmp_path, cleared, "2024-05-01")["decision"] == "allow"
    unknown = with_changes(PROCESSING, operator__platform=None)
    assert fired(gate(cli, tmp_path, unknown, "2024-05-01")) == ["data-processing-unknown"]


def test_a_data_processing_record_needs_no_product(cli: Cli, tmp_path: Path) -> None:
    assert from_json(json.dumps(PROCESSING)).product is None


# -- 5. the 2021 Art. 10 factors ----------------------------------------------------------


def test_factors_contradict_names_the_flagged_factors(cli: Cli, tmp_path: Path) -> None:
    record = with_changes(
        COVERED,
        risk__may_affect_national_security=False,
        risk__factors={"data_security_risk": True, "supply_disruption_risk": "high"},
    )
    message = finding(gate(cli, tmp_path, record, "2024-05-01"), "factors-contradict")["message"]
    assert message.endswith(
        "Art. 10 factors are flagged: high risk of supply disruption (2); core data, important "
        "data or much personal information at risk (5);"
    )
    listing = with_changes(
        LISTING,
        listing__venue="hong_kong",
        risk={
            "may_affect_national_security": False,
            "factors": {"foreign_government_influence": True},
        },
    )
    message = finding(gate(cli, tmp_path, listing, "2024-05-01"), "factors-contradict")["message"]
    assert message.endswith(
        "flagged: influence, control or malicious use by a foreign government (6);"
    )


def test_the_2020_factors_are_named_in_the_2020_numbering(cli: Cli, tmp_path: Path) -> None:
    record = with_changes(
        COVERED, risk__may_affect_national_security=False, vendor__compliance_issues=True
    )
    message = finding(gate(cli, tmp_path, record, "2021-06-01"), "factors-contradict")["message"]
    assert message.endswith(
        "Art. 9 factors are flagged: the provider's compliance with PRC law (4);"
    )


# -- 6. the catalogue -----------------------------------------------------------------------

ROUTER = with_changes(
    COVERED,
    operator__ciio=False,
    product__type="Core-Router",
    product__specs={"throughput_tbps": 16, "routing_entries": 2_000_000},
    product__certification=None,
)


@pytest.mark.parametrize(
    ("as_of", "pack", "cites"),
    [
        ("2019-03-01", "cn-cne-2017", ["CSL Art. 23"]),
        ("2025-12-31", "cn-cne-2023", ["CSL Art. 23"]),
        ("2026-03-01", "cn-cne-2023", ["CSL Art. 25", "CSL Art. 63"]),
    ],
)
def test_catalogue_equipment_by_edition_and_date(
    cli: Cli, tmp_path: Path, as_of: str, pack: str, cites: list[str]
) -> None:
    decision = gate(cli, tmp_path, ROUTER, as_of)
    found = finding(decision, "uncertified-router")
    assert (found["pack"], found["citations"]) == (pack, cites)
    supplier = "supplier that sells or provides catalogue equipment without it is liable"
    assert (supplier in found["remediation"]) is (as_of >= "2026-01-01")


def test_catalogue_equipment_matched_by_its_figures_and_unknowns_warn(
    cli: Cli, tmp_path: Path
) -> None:
    untyped = with_changes(ROUTER, product__type=None)
    found = finding(gate(cli, tmp_path, untyped, "2024-05-01"), "uncertified-router")
    assert "(type not recorded: matched by its figures)" in found["message"]
    blind = with_changes(ROUTER, product__type=None, product__specs={})
    assert fired(gate(cli, tmp_path, blind, "2024-05-01")) == ["catalogue-type-unknown"]
    undated = with_changes(ROUTER, product__certification={"kind": "certification", "id": "C-1"})
    assert fired(gate(cli, tmp_path, undated, "2024-05-01")) == ["catalogue-certificate-undated"]


# -- 7. risk-anticipation is not waivable while in use --------------------------------------


def test_risk_anticipation_cannot_be_overridden_for_a_product_in_use(
    cli: Cli, tmp_path: Path
) -> None:
    unassessed = with_changes(COVERED, risk__may_affect_national_security=None)
    override = ("--override", "risk-anticipation", "--reason", "r", "--approver", "Li Wei")
    planned = gate(cli, tmp_path, unassessed, "2022-06-01", *override)
    assert finding(planned, "risk-anticipation")["waiver"] is not None
    assert planned["decision"] == "allow"
    in_use = with_changes(unassessed, deployment__in_use=True)
    decision = gate(cli, tmp_path, in_use, "2022-06-01", *override)
    found = finding(decision, "risk-anticipation")
    assert (found["waiver"], found["overridable"], decision["decision"]) == (None, False, "block")


# -- 8. the security and confidentiality agreement ---------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "cites"),
    [
        ("2021-06-01", ["CSL Art. 36"]),
        ("2021-09-01", ["CSL Art. 36", "CII Regulations Art. 20"]),
        ("2025-12-31", ["CSL Art. 36", "CII Regulations Art. 20"]),
        ("2026-03-01", ["CSL Art. 38", "CII Regulations Art. 20"]),
    ],
)
def test_a_missing_security_agreement_warns_citing_the_law_of_the_day(
    cli: Cli, tmp_path: Path, as_of: str, cites: list[str]
) -> None:
    record = with_changes(COVERED, review__status="passed", contract__security_agreement=False)
    decision = gate(cli, tmp_path, record, as_of)
    assert decision["decision"] == "warn"
    assert finding(decision, "security-agreement")["citations"] == cites


def test_an_unrecorded_security_agreement_is_an_advisory(cli: Cli, tmp_path: Path) -> None:
    record = with_changes(COVERED, review__status="passed", contract__security_agreement=None)
    decision = gate(cli, tmp_path, record, "2024-05-01")
    assert decision["decision"] == "allow"
    assert finding(decision, "security-agreement-unknown")["outcome"] == "advisory"


# -- 9. the same record on both sides of 2026-01-01 -------------------------------------------

IN_USE = with_changes(COVERED, deployment__in_use=True)


def test_the_same_record_on_both_sides_of_the_csl_amendment(cli: Cli, tmp_path: Path) -> None:
    before = gate(cli, tmp_path, IN_USE, "2025-12-31")
    after = gate(cli, tmp_path, IN_USE, "2026-03-01")
    assert fired(before) == fired(after)
    assert finding(before, "review-required")["citations"] == [
        "Measures 2021 Art. 2",
        "Measures 2021 Art. 5",
        "CSL Art. 35",
        "CII Regulations Art. 19",
    ]
    assert finding(after, "review-required")["citations"][2] == "CSL Art. 37"
    remedy_before = finding(before, "in-use-without-review")["remediation"]
    remedy_after = finding(after, "in-use-without-review")["remediation"]
    assert finding(before, "in-use-without-review")["citations"][1] == "CSL Art. 65"
    assert finding(after, "in-use-without-review")["citations"][1] == "CSL Art. 67"
    assert "eliminate" not in remedy_before
    assert "eliminate its impact on national security" in remedy_after
    failed = with_changes(IN_USE, review__status="failed")
    after_failed = finding(gate(cli, tmp_path, failed, "2026-03-01"), "review-failed")
    assert after_failed["citations"] == ["CSL Art. 37", "CSL Art. 67"]
    assert "eliminate its impact on national security" in after_failed["remediation"]
    assert "decision date: not recorded" in after_failed["message"]


def test_the_cii_regulations_are_cited_from_the_day_they_took_effect(
    cli: Cli, tmp_path: Path
) -> None:
    before = gate(cli, tmp_path, COVERED, "2021-08-31")
    after = gate(cli, tmp_path, COVERED, "2021-09-01")
    assert "CII Regulations Art. 19" not in finding(before, "review-required")["citations"]
    assert finding(after, "review-required")["citations"][-1] == "CII Regulations Art. 19"


# -- review-overdue: the numbering of the Measures the period ran under -----------------------


@pytest.mark.parametrize(
    ("started", "cites"),
    [
        (
            "2021-11-01",
            [
                "Measures 2020 Art. 8",
                "Measures 2020 Art. 10",
                "Measures 2020 Art. 11",
                "Measures 2020 Art. 13",
            ],
        ),
        (
            "2022-02-15",
            [
                "Measures 2021 Art. 9",
                "Measures 2021 Art. 11",
                "Measures 2021 Art. 12",
                "Measures 2021 Art. 14",
            ],
        ),
    ],
)
def test_review_overdue_cites_the_measures_the_period_ran_under(
    cli: Cli, tmp_path: Path, started: str, cites: list[str]
) -> None:
    record = with_changes(
        COVERED,
        review={
            "status": "special_review",
            "period": "special review",
            "period_started_on": started,
            "deadline": "2022-06-01",
            "overdue": True,
        },
    )
    decision = gate(cli, tmp_path, record, "2022-09-01")
    assert finding(decision, "review-overdue")["citations"] == cites


# -- record v1 stays valid -------------------------------------------------------------------


def test_every_record_of_release_0_6_0_is_still_valid_and_decided(cli: Cli, tmp_path: Path) -> None:
    source = DATA / "records-0.6.0.jsonl"
    lines = source.read_text("utf-8").splitlines()
    assert len(lines) >= 15
    for line in lines:
        from_json(line)  # raises if a record of 0.6.0 were no longer valid
    result = cli("sweep", source, "--as-of", "2021-06-01", "--no-cases", "--format", "jsonl")
    assert result.code == 0, result.err
    summary = result.lines()[-1]["summary"]
    assert (summary["records"], summary["skipped"]) == (len(lines), 0)
