"""The pack test runner: failures are reported, coverage is counted both ways."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cyberreview_policy.engine.packtests import run_pack_tests
from cyberreview_policy.errors import PolicyError
from cyberreview_policy.policy.pack import Pack, load_pack
from tests.policy.test_loading import make_pack

CASES = """\
as_of: 2021-06-01
fixtures:
  ciio:
    id: PO-1
    operator: {name: Grid, ciio: true}
    product: {name: Router, category: core_network_equipment}
cases:
  - name: fires
    from: ciio
    expect: {decision: allow, rules: [ciio-purchase]}
  - name: does not fire
    from: ciio
    set: {operator.ciio: false}
    expect: {decision: allow, rules: []}
"""


def pack_with_tests(tmp_path: Path, cases: str) -> Pack:
    pack_dir = make_pack(tmp_path)
    (pack_dir / "tests").mkdir()
    (pack_dir / "tests" / "cases.yaml").write_text(textwrap.dedent(cases), encoding="utf-8")
    return load_pack(pack_dir, {})


def test_passing_cases_cover_the_rule_both_ways(tmp_path: Path) -> None:
    report = run_pack_tests(pack_with_tests(tmp_path, CASES))
    assert [r.ok for r in report.results] == [True, True]
    assert report.coverage["ciio-purchase"].fires == 1
    assert report.coverage["ciio-purchase"].does_not_fire == 1
    assert report.ok


def test_a_rule_covered_one_way_only_fails(tmp_path: Path) -> None:
    only_fires = CASES[: CASES.index("  - name: does not fire")]
    report = run_pack_tests(pack_with_tests(tmp_path, only_fires))
    assert all(r.ok for r in report.results)
    assert report.uncovered == ["ciio-purchase"]
    assert not report.ok


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    wrong = CASES.replace(
        "expect: {decision: allow, rules: []}", "expect: {decision: warn, rules: [ciio-purchase]}"
    )
    report = run_pack_tests(pack_with_tests(tmp_path, wrong))
    failed = [r for r in report.results if not r.ok]
    assert len(failed) == 1
    assert failed[0].failures == [
        "decision is allow, expected warn",
        "rules differ (did not fire: ciio-purchase)",
    ]
    assert failed[0].location.line == 11  # "- name: does not fire"
    assert not report.ok


def test_an_invalid_record_in_a_case_fails_it(tmp_path: Path) -> None:
    bad = CASES.replace("set: {operator.ciio: false}", "set: {operator.ciio: maybe}")
    report = run_pack_tests(pack_with_tests(tmp_path, bad))
    assert report.results[1].failures == [
        "invalid record: operator.ciio: 'maybe' is not a boolean (true, false or null)"
    ]


def test_unknown_rule_in_an_expectation_is_an_error(tmp_path: Path) -> None:
    typo = CASES.replace("rules: [ciio-purchase]", "rules: [ciio-purchse]")
    with pytest.raises(PolicyError, match="names rules the pack does not have: ciio-purchse"):
        run_pack_tests(pack_with_tests(tmp_path, typo))


def test_unknown_fixture(tmp_path: Path) -> None:
    report = run_pack_tests(
        pack_with_tests(tmp_path, CASES.replace("from: ciio\n    set", "from: cio\n    set"))
    )
    assert "unknown fixture 'cio'" in report.results[1].failures[0]


def test_the_shipped_pack_passes_its_own_tests_with_full_coverage(pack: Pack) -> None:
    report = run_pack_tests(pack)
    failures = [(r.name, r.failures) for r in report.results if not r.ok]
    assert failures == []
    assert report.uncovered == []
    assert len(report.coverage) == 13
