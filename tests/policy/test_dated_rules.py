"""What table v2 needed of the language: names compared loosely, citations and
remediations that follow the date (and the record), rules that may not be waived
for some records, messages that say more than a value, and renumberings that
must map every article a pack cites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.engine.core import Engine
from cyberreview_policy.errors import CompileError, PolicyError, TemplateError
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.conditions import Compiler, Ctx
from cyberreview_policy.policy.law import Law, Renumbering, Text
from cyberreview_policy.policy.leaves import normalized
from cyberreview_policy.policy.pack import load_pack
from cyberreview_policy.policy.template import compile_template
from cyberreview_policy.waivers import Scope, Waiver, WaiverSet
from tests.conftest import COVERED, with_changes
from tests.policy.test_loading import MANIFEST, load_error, make_pack, rule_with

D = dt.date
CSL = Text("CSL", "Cybersecurity Law", (Renumbering(D(2026, 1, 1), {23: 25, 35: 37, 65: 67}),))
LAW = Law(texts={"CSL": CSL})


def test_law_yaml_maps_the_articles_the_issue_names() -> None:
    from cyberreview_policy.policy.law import load_law

    law = load_law(Path(__file__).parents[2] / "policies" / "law.yaml")
    on = D(2026, 1, 1)
    expected = {21: 23, 23: 25, 31: 33, 35: 37, 36: 38, 65: 67}
    for old, new in expected.items():
        assert law.cite(f"CSL Art. {old}", on) == f"CSL Art. {new}"
        assert law.cite(f"CSL Art. {old}", D(2025, 12, 31)) == f"CSL Art. {old}"
    # old Art. 66 has no successor (the amended law refers its matter to other laws)
    assert law.unmapped("CSL Art. 66") is not None
    assert law.cite("CSL Art. 66", on) == "CSL Art. 66 (numbering before 2026-01-01)"
    # an article cited in the amended numbering is not renumbered again
    assert law.cite("CSL Art. 63", on, since=on) == "CSL Art. 63"
    assert law.unmapped("CSL Art. 63", since=on) is None


# -- in_normalized ---------------------------------------------------------------------


def holds(cond: dict[str, Any], record: dict[str, Any]) -> bool:
    node = Compiler({}, {}).compile(cond, ("when",))
    return node.test(Record.from_obj(record), Ctx(D(2026, 3, 1), 0))


@pytest.mark.parametrize(
    ("written", "held"),
    [
        ("core_router", True),
        ("Core-Router", True),
        ("CORE ROUTER", True),
        ("ｃｏｒｅ　ｒｏｕｔｅｒ", True),  # full width, as a Chinese input method types it
        ("路由器", True),
        ("core routers", False),
        ("", False),
        (None, False),  # unknown is never a match
    ],
)
def test_types_compare_ignoring_case_width_and_separators(written: str | None, held: bool) -> None:
    record = with_changes(COVERED, product__type=written)
    cond = {"field": "product.type", "in_normalized": ["core router", "路由器"]}
    assert holds(cond, record) is held


def test_normalized_keeps_letters_and_digits_only() -> None:
    assert (
        normalized("入侵检测系统（IDS）") == normalized("入侵检测系统 (ids)") == "入侵检测系统ids"
    )


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        ({"field": "contract.amount", "in_normalized": ["x"]}, "compares text"),
        ({"field": "product.type", "in_normalized": ["--"]}, "no letters or digits"),
    ],
)
def test_in_normalized_operands_are_checked_at_load(cond: dict[str, Any], message: str) -> None:
    with pytest.raises(CompileError, match=message):
        Compiler({}, {}).compile(cond, ("when",))


# -- message templates -----------------------------------------------------------------


def render(template: str, **changes: Any) -> str:
    return compile_template(template)(Record.from_obj(with_changes(COVERED, **changes)))


def test_a_fallback_replaces_unknown_only() -> None:
    text = "decision date: {review.decided_on|not recorded}"
    assert render(text) == "decision date: not recorded"
    assert render(text, review__decided_on="2021-05-20") == "decision date: 2021-05-20"


def test_a_flag_inserts_text_only_when_true() -> None:
    text = "flagged:{risk.factors.remote_access? remote access;}{vendor.compliance_issues? law;}"
    assert render(text, risk__factors={"remote_access": True}) == "flagged: remote access;"
    assert render(text, risk__factors={"remote_access": False}) == "flagged:"
    assert render(text, vendor__compliance_issues=True) == "flagged: law;"


def test_a_value_test_inserts_text_when_equal() -> None:
    text = "{risk.factors.supply_disruption_risk=high?high risk}"
    assert render(text, risk__factors={"supply_disruption_risk": "high"}) == "high risk"
    assert render(text, risk__factors={"supply_disruption_risk": "medium"}) == ""
    assert render(text) == ""


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{product.name?yes}", "not a yes/no fact"),
        ("{risk.factors.supply_disruption_risk=extreme?x}", "'extreme' is not one of"),
        ("{kind=listing}", "'=' needs the text"),
        ("{kind=listing|x}", "write {path|text}"),
        ("{}", "is not {path}"),
    ],
)
def test_template_forms_are_checked_at_load(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        compile_template(template)


# -- citations and remediations by date and by record ------------------------------------

DATED = rule_with(
    citations="""
      - CSL Art. 23
      - {cite: CSL Art. 63, from: 2026-01-01}
      - {cite: House Art. 1, when: {field: kind, eq: asset}}""",
    remediation="""
      - text: before
      - from: 2026-01-01
        text: after""",
)


def findings(pack: Any, on: dt.date, **changes: Any) -> dict[str, Any]:
    decision = Engine([pack]).decide(Record.from_obj(with_changes(COVERED, **changes)), on)
    [finding] = decision["findings"]
    return finding


def test_citations_and_remediation_follow_the_date(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path, DATED), {}, LAW)
    before = findings(pack, D(2025, 12, 31))
    assert before["citations"] == ["CSL Art. 23"]
    assert before["remediation"] == "before"
    after = findings(pack, D(2026, 1, 1))
    assert after["citations"] == ["CSL Art. 25", "CSL Art. 63"]
    assert after["remediation"] == "after"
    [rule] = pack.rules
    assert rule.citations_on(D(2026, 1, 1)) == ["CSL Art. 25", "CSL Art. 63", "House Art. 1"]


def test_a_citation_may_apply_to_some_records(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path, DATED), {}, LAW)
    asset = findings(pack, D(2026, 3, 1), id="AS-1", kind="asset")
    assert asset["citations"] == ["CSL Art. 25", "CSL Art. 63", "House Art. 1"]


def test_an_unmapped_article_is_a_pack_error(tmp_path: Path) -> None:
    rules = rule_with(citations="[CSL Art. 36]")
    error = load_error_with_law(make_pack(tmp_path, rules))
    assert "CSL Art. 36 is not mapped by the renumbering of 2026-01-01" in error.message
    assert error.location is not None and error.location.line == 4
    assert error.rule == "r1"


def test_an_unmapped_article_of_a_pack_that_ended_before_is_said_not_hidden(
    tmp_path: Path,
) -> None:
    ended = MANIFEST + "effective_to: 2022-02-14\n"
    pack = load_pack(make_pack(tmp_path, rule_with(citations="[CSL Art. 36]"), ended), {}, LAW)
    assert findings(pack, D(2021, 6, 1))["citations"] == ["CSL Art. 36"]
    pinned_later = findings(pack, D(2026, 3, 1))["citations"]
    assert pinned_later == ["CSL Art. 36 (numbering before 2026-01-01)"]


def load_error_with_law(pack: Path) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load_pack(pack, {}, LAW)
    return info.value


def test_citation_entries_are_validated(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(citations="[{cite: CSL 63}]")))
    assert "citations" in str(error)


# -- not overridable for some records -------------------------------------------------

FIXED = rule_with(not_overridable_when="{field: deployment.in_use, is_true: true}")


def test_a_rule_may_not_be_waived_for_some_records(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path, FIXED), {})
    waivers = WaiverSet(
        [
            Waiver(
                id="W-0001",
                rule="r1",
                scope=Scope(record="PO-2021-0117/1"),
                reason="r",
                approver="a",
                created=D(2021, 1, 1),
                expires=D(2021, 12, 31),
            )
        ]
    )
    engine = Engine([pack], waivers)
    planned = engine.decide(Record.from_obj(COVERED), D(2021, 6, 1))
    assert planned["decision"] == "allow"
    assert planned["findings"][0]["waiver"]["id"] == "W-0001"
    in_use = with_changes(COVERED, deployment__in_use=True)
    decision = engine.decide(Record.from_obj(in_use), D(2021, 6, 1))
    assert decision["decision"] == "warn"
    assert decision["findings"][0]["waiver"] is None
    assert decision["findings"][0]["overridable"] is False


def test_a_rule_that_is_never_overridable_cannot_say_when_it_is_not(tmp_path: Path) -> None:
    rules = rule_with(
        overridable="false", not_overridable_when="{field: deployment.in_use, is_true: true}"
    )
    error = load_error(make_pack(tmp_path, rules))
    assert "the rule is not overridable at all" in str(error)
