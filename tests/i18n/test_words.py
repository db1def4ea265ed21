"""Values as words: every enum value has a word in both languages; amounts, dates."""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal

import pytest

from cyberreview_policy.cases import base, lifecycle
from cyberreview_policy.i18n import amount, date, days, word, yes_no
from cyberreview_policy.i18n import words as w
from cyberreview_policy.models import outcomes, record

ENUMS: list[tuple[str, tuple[str, ...]]] = [
    ("case_state", lifecycle.STATES),
    ("review_status", typing.get_args(record.ReviewStatus)),
    ("category", typing.get_args(record.Category)),
    ("sector", typing.get_args(record.Sector)),
    ("record_kind", typing.get_args(record.RecordKind)),
    ("material", typing.get_args(record.Material)),
    ("material", base.MATERIAL_KINDS),
    ("notice", base.NOTICE_KINDS),
    ("conclusion", lifecycle.CONCLUSIONS),
    ("withdraw_reason", lifecycle.WITHDRAW_REASONS),
    ("supply_risk", typing.get_args(record.SupplyRisk)),
    ("certification_kind", typing.get_args(record.CertificationKind)),
    ("listing_venue", typing.get_args(record.ListingVenue)),
    ("outcome", typing.get_args(outcomes.Outcome)),
    ("verdict", typing.get_args(outcomes.Verdict)),
    ("case_kind", typing.get_args(outcomes.CaseKind)),
]


@pytest.mark.parametrize(("kind", "values"), ENUMS, ids=[kind for kind, _ in ENUMS])
def test_every_value_has_a_word_in_both_languages(kind: str, values: tuple[str, ...]) -> None:
    table = w.TABLES[kind]
    assert sorted(set(values) - set(table)) == []
    for value in values:
        english, chinese = table[value]
        assert english and "_" not in english, (kind, value, english)
        assert any("\u4e00" <= char <= "\u9fff" for char in chinese), (kind, value, chinese)


def test_the_state_tables_are_keyed_by_the_one_list_of_states() -> None:
    assert tuple(w.CASE_STATES) == lifecycle.STATES
    assert tuple(w.REVIEW_STATUSES) == typing.get_args(record.ReviewStatus)
    assert w.REVIEW_STATUSES["special_review"] == w.CASE_STATES["special_review"]
    assert w.REVIEW_STATUSES["none"] == ("not declared", "未申报")


def test_the_review_states_read_as_the_measures_name_them() -> None:
    expected = {
        "open": "待申报",
        "declared": "已申报（确定是否审查）",
        "under_review": "初步审查",
        "special_review": "特别审查程序",
        "supplementing": "补充材料（期限中止）",
        "passed": "审查通过",
        "failed": "未通过",
        "not_required": "无需审查",
        "withdrawn": "撤回",
    }
    assert {key: word("case_state", key, "zh-CN") for key in expected} == expected
    assert word("period", "member opinions", "zh-CN") == "成员单位意见"


def test_words_in_each_language() -> None:
    assert word("category", "core_network_equipment", "en") == "core network equipment"
    assert word("category", "core_network_equipment", "zh-CN") == "核心网络设备"
    assert word("category", "core_network_equipment", "zh-CN+en") == (
        "核心网络设备（core network equipment）"
    )
    assert word("verdict", "block", "zh-CN") == "阻止"
    assert word("category", "a_source_value", "zh-CN") == "a_source_value"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (True, "zh-CN", "是"),
        (False, "zh-CN", "否"),
        (None, "zh-CN", "未知"),
        (None, "en", "unknown"),
    ],
)
def test_booleans(value: bool | None, lang: typing.Any, expected: str) -> None:
    assert yes_no(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "currency", "lang", "expected"),
    [
        (Decimal("12500000"), "CNY", "zh-CN", "1250万元"),
        (Decimal("125000000"), "CNY", "zh-CN", "1.25亿元"),
        (Decimal("9800.50"), "CNY", "zh-CN", "9800.5元"),
        (Decimal("300000"), "USD", "zh-CN", "30万美元"),
        (Decimal("12500000"), "CNY", "en", "CNY 12,500,000"),
        (Decimal("1234.50"), "cny", "en", "CNY 1,234.5"),
        (Decimal("12500000"), None, "zh-CN+en", "1250万元（CNY 12,500,000）"),
        (None, "CNY", "zh-CN", "未知"),
    ],
)
def test_amounts(
    value: Decimal | None, currency: str | None, lang: typing.Any, expected: str
) -> None:
    assert amount(value, currency, lang) == expected


def test_dates_and_days() -> None:
    assert date(dt.date(2026, 12, 5), "zh-CN") == "2026年12月5日"
    assert date(dt.date(2026, 12, 5), "en") == "2026-12-05"
    assert days(15, "zh-CN") == "15个工作日"
    assert days(1, "en") == "1 working day"
