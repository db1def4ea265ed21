"""Packs in two languages: the compiler refuses a rule without a declared language, or
whose placeholders differ between languages (naming file, line and field); a rule's
Chinese words are rendered with values as words, and only when asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.pack import load_pack
from tests.conftest import COVERED
from tests.policy.test_loading import MANIFEST, load_error, make_pack

BILINGUAL = MANIFEST + "languages: [en, zh-CN]\n"

RULE = """\
rules:
  - id: ciio-purchase
    title: A CIIO purchase
    citations: [Measures 2020 Art. 2]
    outcome: warn
    overridable: false
    when: {field: operator.ciio, is_true: true}
    message: "{operator.name} buys {product.category} (CII: {deployment.cii})"
    remediation: Declare it.
"""


def _with(translation: str) -> str:
    return RULE + translation


GOOD = _with(
    """\
    translations:
      zh-CN:
        title: 关键信息基础设施运营者采购
        message: "{operator.name}采购{product.category}（关键信息基础设施：{deployment.cii}）"
        remediation: 申报。
"""
)


def test_a_rule_without_a_declared_language_is_refused(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, RULE, BILINGUAL))
    assert "no zh-CN translation" in str(error)
    assert error.location is not None
    assert error.location.file is not None and error.location.file.endswith("main.yaml")
    assert error.location.line == 2
    assert error.rule == "ciio-purchase"


def test_placeholders_that_differ_are_refused_naming_the_field(tmp_path: Path) -> None:
    bad = GOOD.replace("（关键信息基础设施：{deployment.cii}）", "（{deployment.system}）")
    error = load_error(make_pack(tmp_path, bad, BILINGUAL))
    assert error.field == "rules[0].translations.zh-CN.message"
    assert "missing: {deployment.cii}" in str(error)
    assert "not in the English: {deployment.system}" in str(error)
    assert error.location is not None and error.location.line == 13


def test_a_missing_remediation_is_refused(tmp_path: Path) -> None:
    error = load_error(
        make_pack(tmp_path, GOOD.replace("        remediation: 申报。\n", ""), BILINGUAL)
    )
    assert "remediation must be given exactly when the English one is" in str(error)


def test_a_language_the_pack_does_not_declare_is_refused(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, GOOD))
    assert "the pack declares languages: en" in str(error)


def test_chinese_words_only_when_asked(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path, GOOD, BILINGUAL), {})
    record = Record.from_obj(COVERED)
    on = dt.date(2021, 6, 1)
    english = Engine([pack]).decide(record, on)
    finding = english["findings"][0]
    assert "message_localized" not in finding and "lang" not in english
    assert finding["message"] == "East Grid Power buys core network equipment (CII: yes)"
    chinese = Engine([pack], lang="zh-CN").decide(record, on)
    local = chinese["findings"][0]
    assert local["message"] == finding["message"]  # the English stays as it is
    assert local["message_localized"] == "East Grid Power采购核心网络设备（关键信息基础设施：是）"
    assert local["title_localized"] == "关键信息基础设施运营者采购"
    assert local["remediation_localized"] == "申报。"
    assert chinese["lang"] == "zh-CN"


def test_citations_in_chinese_by_date() -> None:
    from cyberreview_policy.policy.law import load_law

    law = load_law(Path(__file__).parents[2] / "policies" / "law.yaml")
    cite = law.cite_in
    assert cite("Measures 2020 Art. 5", "zh-CN") == "《网络安全审查办法》（2020年）第五条"
    assert cite("Measures 2021 Art. 8", "zh-CN") == "《网络安全审查办法》第八条"
    assert cite(law.cite("CSL Art. 35", dt.date(2025, 12, 31)), "zh-CN") == (
        "《中华人民共和国网络安全法》第三十五条"
    )
    assert cite(law.cite("CSL Art. 35", dt.date(2026, 1, 1)), "zh-CN") == (
        "《中华人民共和国网络安全法》第三十七条"
    )
    assert cite("CII Regulations Art. 19", "zh-CN") == "《关键信息基础设施安全保护条例》第十九条"
    assert cite("CSL Art. 66 (numbering before 2026-01-01)", "zh-CN") == (
        "《中华人民共和国网络安全法》第六十六条（2026年1月1日前的条文序号）"
    )
    assert (
        cite("CSL Art. 37", "zh-CN+en") == "《中华人民共和国网络安全法》第三十七条（CSL Art. 37）"
    )
    assert cite("CSL Art. 37", "en") == "CSL Art. 37"
