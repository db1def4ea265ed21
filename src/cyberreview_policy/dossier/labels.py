"""The dossier's words in Chinese and English: values read as words, never raw enum
values or field paths (dates as 2026年12月5日, amounts in 万元).

The package's word tables (:mod:`..i18n.words`) give the words; what is the
dossier's own is here: an unknown value is a marked blank to fill in (【待填写】),
not "unknown", and the few words only the dossier uses (audit actions, steps,
catalogue types, countries).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..i18n.lang import Lang

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"

#: What the tool cannot know, as the officer sees it: a blank to fill in, never an
#: empty cell.
BLANK = {"zh-CN": "【待填写】", "en": "[to be completed]"}

#: the kinds of :mod:`..i18n.words` under the names used here
_SHARED = {
    "sector": "sector",
    "category": "category",
    "record_kind": "record_kind",
    "state": "case_state",
    "case_kind": "case_kind",
    "material": "material",
    "notice": "notice",
    "period": "period",
    "clock_status": "clock_status",
    "conclusion": "conclusion",
    "supply_risk": "supply_risk",
    "venue": "listing_venue",
    "outcome": "outcome",
}
#: the dossier's own words: value -> (Chinese, English)
_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "event": {
        "opened": ("立案", "opened"),
        "transition": ("程序推进", "step"),
        "extend": ("延长特别审查", "special review extended"),
        "attach": ("提交材料", "material attached"),
        "complex": ("认定为情况复杂", "marked complex"),
        "notice": ("收到办公室通知", "notice of the Office"),
        "note": ("备注", "note"),
        "reopened": ("重新立案", "reopened"),
    },
    "product_type": {
        "router": ("路由器", "router"),
        "switch": ("交换机", "switch"),
        "rack_server": ("服务器（机架式）", "rack server"),
        "plc": ("可编程逻辑控制器（PLC设备）", "programmable logic controller (PLC)"),
        "firewall": ("防火墙", "firewall"),
        "ids": ("入侵检测系统（IDS）", "intrusion detection system (IDS)"),
        "ips": ("入侵防御系统（IPS）", "intrusion prevention system (IPS)"),
    },
    "audit": {
        "case.opened": ("立案", "case opened"),
        "case.transition": ("程序推进", "step"),
        "case.extended": ("延长特别审查", "special review extended"),
        "case.extend": ("延长特别审查", "special review extended"),
        "case.complex": ("认定为情况复杂", "marked complex"),
        "case.notice": ("记录办公室通知", "notice recorded"),
        "case.attached": ("提交材料", "material attached"),
        "case.note": ("备注", "note"),
        "case.summary": ("更新案件摘要", "summary refreshed"),
        "case.dossier": ("生成申报材料包", "dossier built"),
        "case.facts": ("记录研判事实", "facts recorded"),
        "case.record": ("更新记录", "record updated"),
        "case.tracked": ("同步到工单系统", "tracked"),
    },
}

#: Countries the records name most, by ISO 3166-1 code; others are shown by their code.
_COUNTRIES = {
    "CN": ("中国", "China"),
    "HK": ("中国香港", "Hong Kong, China"),
    "MO": ("中国澳门", "Macao, China"),
    "TW": ("中国台湾", "Taiwan, China"),
    "US": ("美国", "United States"),
    "JP": ("日本", "Japan"),
    "KR": ("韩国", "Republic of Korea"),
    "DE": ("德国", "Germany"),
    "FR": ("法国", "France"),
    "GB": ("英国", "United Kingdom"),
    "NL": ("荷兰", "Netherlands"),
    "SE": ("瑞典", "Sweden"),
    "FI": ("芬兰", "Finland"),
    "IL": ("以色列", "Israel"),
    "IN": ("印度", "India"),
    "SG": ("新加坡", "Singapore"),
    "CA": ("加拿大", "Canada"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh-CN" else pair[1]


def blank(lang: str) -> str:
    return BLANK[lang]


def word(table: str, value: Any, lang: str) -> str:
    """``value`` of ``table`` as a word; none given: the marked blank.  A value the table
    does not know is shown as it is (the source's own word), never dropped."""
    if value is None or value == "":
        return blank(lang)
    shared = _SHARED.get(table)
    if shared is not None:
        from ..i18n.words import word as shared_word

        return shared_word(shared, value, _lang(lang))
    pair = _WORDS[table].get(str(value))
    return _pick(pair, lang) if pair else str(value)


def _lang(lang: str) -> Lang:
    return "zh-CN" if lang == "zh-CN" else "en"


def yes_no(value: bool | None, lang: str) -> str:
    """是 / 否; unknown is a blank to fill, not a guess."""
    if value is None:
        return blank(lang)
    from ..i18n.words import yes_no as shared_yes_no

    return shared_yes_no(value, _lang(lang))


def country(code: str | None, lang: str) -> str:
    if not code:
        return blank(lang)
    pair = _COUNTRIES.get(code)
    if pair is None:
        return code
    name = _pick(pair, lang)
    return f"{name}（{code}）" if lang == "zh-CN" else f"{name} ({code})"


def date(day: dt.date | str | None, lang: str) -> str:
    """2026年12月5日, or 2026-12-05 in English."""
    if day is None or day == "":
        return blank(lang)
    from ..i18n.words import date as shared_date

    return shared_date(dt.date.fromisoformat(day) if isinstance(day, str) else day, _lang(lang))


def amount(value: Decimal | float | int | None, currency: str, lang: str) -> str:
    """An amount as the form writes it: 420万元 (1.25亿元), ``CNY 4,200,000`` in English."""
    if value is None:
        return blank(lang)
    from ..i18n.words import amount as shared_amount

    return shared_amount(value, currency, _lang(lang))


def text(value: str | None, lang: str) -> str:
    """Free text of the record; missing or blank: the marked blank."""
    return value.strip() if value and value.strip() else blank(lang)


def check_lang(lang: str) -> str:
    from ..errors import UsageError

    if lang not in LANGS:
        raise UsageError(f"language {lang!r}: one of {', '.join(LANGS)}")
    return lang
