"""The law in force, end to end: packs chosen by date, citations by date, the
catalogue, explain and diff, and user packs."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.policy.pack import Pack
from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "procurement.jsonl"

ROUTER = with_changes(
    COVERED,
    product__specs={"throughput_tbps": 16, "routing_entries": 2000000},
    product__certification=None,
    review__status="failed",
    review__decided_on="2026-02-10",
)


def decide(
    cli: Cli, tmp_path: Path, record: dict[str, Any], as_of: str, *extra: str
) -> dict[str, Any]:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), "utf-8")
    result = cli(
        "gate", "--record", path, "--as-of", as_of, "--format", "json", "--no-cases", *extra
    )
    assert result.code in (0, 2), result.err
    data: dict[str, Any] = result.json()
    return data


def cites(decision: dict[str, Any], rule: str) -> list[str]:
    return next(f["citations"] for f in decision["findings"] if f["rule"] == rule)


def test_done_when_2026(cli: Cli, tmp_path: Path) -> None:
    decision = decide(cli, tmp_path, ROUTER, "2026-03-01")
    assert [p["id"] for p in decision["packs"]] == ["cn-cne-2023", "cn-csr-2022"]
    assert decision["decision"] == "block"
    assert cites(decision, "review-failed") == ["CSL Art. 37", "CSL Art. 67"]
    assert cites(decision, "uncertified-router") == ["CSL Art. 25", "CSL Art. 63"]
    assert decision["pack"]["id"] in ("cn-cne-2023", "cn-csr-2022")


@pytest.mark.parametrize(
    ("as_of", "packs"),
    [
        ("2017-06-01", ["cn-cne-2017"]),
        ("2020-05-31", ["cn-cne-2017"]),
        ("2020-06-01", ["cn-cne-2017", "cn-csr-2020"]),
        ("2022-02-14", ["cn-cne-2017", "cn-csr-2020"]),
        ("2022-02-15", ["cn-cne-2017", "cn-csr-2022"]),
        ("2023-07-02", ["cn-cne-2017", "cn-csr-2022"]),
        ("2023-07-03", ["cn-cne-2023", "cn-csr-2022"]),
    ],
)
def test_the_version_in_force_decides(
    cli: Cli, tmp_path: Path, as_of: str, packs: list[str]
) -> None:
    assert [p["id"] for p in decide(cli, tmp_path, ROUTER, as_of)["packs"]] == packs


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2025-12-31", ["CSL Art. 35", "CSL Art. 65"]),
        ("2026-01-01", ["CSL Art. 37", "CSL Art. 67"]),
    ],
)
def test_csl_renumbering_at_midnight(
    cli: Cli, tmp_path: Path, as_of: str, expected: list[str]
) -> None:
    assert cites(decide(cli, tmp_path, ROUTER, as_of), "review-failed") == expected


@pytest.mark.parametrize(("valid_until", "blocked"), [("2026-02-28", True), ("2026-03-01", False)])
def test_a_certificate_expiring_the_day_before_does_not_count(
    cli: Cli, tmp_path: Path, valid_until: str, blocked: bool
) -> None:
    record = with_changes(
        ROUTER,
        review__status="passed",
        product__certification={"kind": "certification", "id": "CCC-1", "valid_until": valid_until},
    )
    rules = [f["rule"] for f in decide(cli, tmp_path, record, "2026-03-01")["findings"]]
    assert ("uncertified-router" in rules) is blocked


def test_the_catalogue_applies_to_every_operator(cli: Cli, tmp_path: Path) -> None:
    record = with_changes(ROUTER, operator__ciio=False, review__status="none")
    decision = decide(cli, tmp_path, record, "2026-03-01")
    assert [f["rule"] for f in decision["findings"]] == ["uncertified-router"]


def test_listing_abroad_under_the_2021_revision(cli: Cli, tmp_path: Path) -> None:
    listing = {
        "id": "LS-1",
        "kind": "listing",
        "operator": {"name": "Ride", "platform": True, "platform_users": 2_500_000},
        "listing": {"venue": "foreign"},
    }
    decision = decide(cli, tmp_path, listing, "2024-05-01")
    assert decision["decision"] == "block"
    assert cites(decision, "listing-abroad") == ["Measures 2021 Art. 7"]


# -- explain ------------------------------------------------------------------------


def test_explain_on_the_demo_data(cli: Cli, tmp_path: Path, pack: Pack) -> None:
    first = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    path = tmp_path / "first.json"
    path.write_text(json.dumps(first), "utf-8")
    text = cli(
        "policy",
        "explain",
        "--record",
        path,
        "--as-of",
        "2021-06-01",
        "--rule",
        "risk-anticipation",
    )
    assert text.code == 0
    assert text.out.splitlines()[0] == (
        "cn-csr-2020 risk-anticipation: FIRES (block) -- National-security risk not anticipated"
    )
    assert "[yes] risk.may_affect_national_security is_null  (value: unknown)" in text.out
    data = cli(
        "policy", "explain", "--record", path, "--as-of", "2021-06-01", "--format", "json"
    ).json()
    assert {item["pack"] for item in data} == {"cn-cne-2017", "cn-csr-2020"}
    assert {i["rule"] for i in data if i["pack"] == "cn-csr-2020"} == {r.id for r in pack.rules}
    why_not = next(item for item in data if item["rule"] == "review-required")
    assert why_not["fired"] is False
    leaf = why_not["condition"]["children"][0]["children"][0]["children"][2]["children"][0]
    assert leaf == {
        "form": "field",
        "field": "risk.may_affect_national_security",
        "op": "is_true",
        "operand": True,
        "held": False,
        "value": None,
    }
    fired = cli(
        "policy",
        "explain",
        "--record",
        path,
        "--as-of",
        "2021-06-01",
        "--fired",
        "--format",
        "json",
    ).json()
    assert sorted(item["rule"] for item in fired) == ["risk-anticipation", "scope"]


def test_explain_unknown_rule(cli: Cli, write_json: Callable[..., Path]) -> None:
    result = cli(
        "policy",
        "explain",
        "--record",
        write_json(COVERED),
        "--as-of",
        "2021-06-01",
        "--rule",
        "nope",
    )
    assert result.code == 3
    assert result.err == "cyberreview: error: no rule nope in the packs used\n"


# -- diff -----------------------------------------------------------------------------


def test_diff_on_the_demo_data(cli: Cli) -> None:
    args = (
        "policy",
        "diff",
        "--from",
        "cn-csr-2020@2.0.0",
        "--to",
        ROOT / "policies" / "cn-csr-2022",
        "--records",
        EXAMPLES,
        "--as-of",
        "2021-06-01",
    )
    text = cli(*args)
    assert text.code == 1  # something changes
    assert text.out.startswith("cn-csr-2020 2.0.0 -> cn-csr-2022 2.0.0, as of 2021-06-01: ")
    data = cli(*args, "--format", "json").json()
    assert data["summary"]["records"] == 240
    records = {r["id"]: r for r in map(json.loads, EXAMPLES.read_text("utf-8").splitlines())}
    changes = {c["record_id"]: c for c in data["changes"]}
    listings = [records[i] for i in records if i.startswith("LS-")]
    abroad = [r["id"] for r in listings if r["listing"]["venue"] == "foreign"]
    big = [r["id"] for r in listings if r["operator"]["platform_users"] > 1_000_000]
    hong_kong = [r["id"] for r in listings if r["listing"]["venue"] == "hong_kong"]
    assert set(abroad) & set(big) and hong_kong  # the demo holds both
    for record_id in set(abroad) & set(big):
        assert {"rule": "listing-abroad", "outcome": "block"} in changes[record_id]["added"]
        assert changes[record_id]["before"] == "allow"
        assert changes[record_id]["after"] == "block"
    for record_id in hong_kong:  # no declaration duty: an advisory note only
        assert changes[record_id]["added"] == [{"rule": "listing-hong-kong", "outcome": "advisory"}]
        assert changes[record_id]["after"] == "allow"


def test_diff_of_a_local_change(cli: Cli, tmp_path: Path, pack_dir: Path) -> None:
    changed = tmp_path / "cn-csr-2020-local"
    shutil.copytree(pack_dir, changed)
    rules = changed / "rules" / "review.yaml"
    rules.write_text(
        rules.read_text("utf-8").replace(
            "    outcome: warn\n    overridable: true\n    when:\n      all:\n        - {ref: needs_review}\n        - {ref: commitments_incomplete}",
            "    outcome: block\n    overridable: true\n    when:\n      all:\n        - {ref: needs_review}\n        - {ref: commitments_incomplete}",
        ),
        "utf-8",
    )
    data = cli(
        "policy",
        "diff",
        "--from",
        "cn-csr-2020",
        "--to",
        changed,
        "--records",
        EXAMPLES,
        "--as-of",
        "2021-06-01",
        "--format",
        "json",
    ).json()
    assert data["changes"]
    assert all(c["added"] == [{"rule": "commitments", "outcome": "block"}] for c in data["changes"])
    assert all(
        c["removed"] == [{"rule": "commitments", "outcome": "warn"}] for c in data["changes"]
    )
    same = cli(
        "policy",
        "diff",
        "--from",
        "cn-csr-2020",
        "--to",
        pack_dir,
        "--records",
        EXAMPLES,
        "--as-of",
        "2021-06-01",
    )
    assert same.code == 0
    assert ": 0 of 240 records change" in same.out


def test_diff_unknown_version(cli: Cli) -> None:
    result = cli(
        "policy",
        "diff",
        "--from",
        "cn-csr-2020@0.9.0",
        "--to",
        "cn-csr-2022",
        "--records",
        EXAMPLES,
    )
    assert result.code == 3
    assert "pack cn-csr-2020 is registered in version 2.0.0, not 0.9.0" in result.err


# -- user packs ---------------------------------------------------------------------------


HOUSE = """\
id: house-rules
title: House rules
version: 1.0.0
family: {family}
effective_from: {start}
implements: [House policy 2021]
"""
HOUSE_RULES = """\
rules:
  - id: no-unknown-vendor
    title: Vendor not recorded
    citations: [House Art. 1]
    outcome: warn
    overridable: true
    when: {field: vendor.name, missing: true}
    message: "{product.name} has no vendor on record"
"""


def user_dir(
    tmp_path: Path, family: str = "house", start: str = "2020-06-01", law: bool = True
) -> Path:
    root = tmp_path / "policies"
    pack = root / "house-rules"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(HOUSE.format(family=family, start=start), "utf-8")
    (pack / "rules" / "main.yaml").write_text(HOUSE_RULES, "utf-8")
    if law:
        (root / "law.yaml").write_text(
            textwrap.dedent("families:\n  house: {title: House rules, starts: 2020-06-01}\n"),
            "utf-8",
        )
    return root


def test_a_policy_dir_adds_its_packs(cli: Cli, tmp_path: Path) -> None:
    root = user_dir(tmp_path)
    record = with_changes(COVERED, review__status="passed", vendor={"name": None})
    decision = decide(cli, tmp_path, record, "2021-06-01", "--policy-dir", str(root))
    assert [p["id"] for p in decision["packs"]] == ["cn-cne-2017", "cn-csr-2020", "house-rules"]
    assert "no-unknown-vendor" in [f["rule"] for f in decision["findings"]]
    listed = cli("policy", "list", "--policy-dir", root)
    assert "from --policy-dir" in listed.out


def test_a_policy_dir_pack_of_an_unknown_family(
    cli: Cli, tmp_path: Path, write_json: Callable[..., Path]
) -> None:
    root = user_dir(tmp_path, family="houze")
    result = cli(
        "gate", "--record", write_json(COVERED), "--as-of", "2021-06-01", "--policy-dir", root
    )
    assert result.code == 3
    assert (
        "pack house-rules names unknown family 'houze' (known families: cn-cne, cn-csr, house"
        in result.err
    )
    assert f"{root}/house-rules/pack.yaml" in result.err


def test_a_policy_dir_version_overlapping_a_family(
    cli: Cli, tmp_path: Path, write_json: Callable[..., Path]
) -> None:
    root = user_dir(tmp_path, family="cn-csr", start="2021-01-01", law=False)
    result = cli(
        "gate", "--record", write_json(COVERED), "--as-of", "2021-06-01", "--policy-dir", root
    )
    assert result.code == 3
    assert "overlap" in result.err
    assert "house-rules" in result.err


def test_a_policy_dir_that_is_not_one(
    cli: Cli, tmp_path: Path, write_json: Callable[..., Path]
) -> None:
    result = cli("gate", "--record", write_json(COVERED), "--policy-dir", tmp_path)
    assert result.code == 3
    assert f"--policy-dir {tmp_path}: no pack.yaml in it or in its directories" in result.err
