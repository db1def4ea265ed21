"""Values read as words, in English and Chinese (the official terms of the Measures,
the CSL and the CII Regulations; ``docs/glossary.md``).

Prose never shows a raw enum value or a field path: it shows ``word(kind, value, lang)``.
A test keeps every table complete against the enums of ``models/`` and ``cases/``.
Stdlib only (and the vocabulary of :mod:`..models.outcomes`, whose values key the
tables), imported lazily: English output of the gate path need not load it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Final

from ..models import outcomes
from .tags import Lang, primary

#: value -> (English, Chinese)
_Table = dict[str, tuple[str, str]]

#: the words of each case state, keyed by the states of models.outcomes (one list: a
#: state without words fails at import, and tests/i18n/test_words.py says which)
_CASE_STATE_WORDS: Final[_Table] = {
    "open": ("not yet declared", "待申报"),
    "declared": ("declared (the Office decides whether to review)", "已申报（确定是否审查）"),
    "under_review": ("under review", "初步审查"),
    "special_review": ("special review procedure", "特别审查程序"),
    "supplementing": ("supplementing materials (periods paused)", "补充材料（期限中止）"),
    "not_required": ("no review required", "无需审查"),
    "passed": ("review passed", "审查通过"),
    "failed": ("review not passed", "未通过"),
    "assessed": ("assessed", "已评估"),
    "remediated": ("remediated", "已整改"),
    "withdrawn": ("withdrawn", "撤回"),
}
CASE_STATES: Final[_Table] = {state: _CASE_STATE_WORDS[state] for state in outcomes.CASE_STATES}
#: the record's ``review.status``: a review case's state, or ``none`` (nothing declared yet)
REVIEW_STATUSES: Final[_Table] = {
    status: ("not declared", "未申报") if status == "none" else CASE_STATES[status]
    for status in outcomes.REVIEW_STATUSES
}
PERIODS: Final[_Table] = {
    "determination": ("determination whether to review", "确定是否需要审查"),
    "preliminary review": ("preliminary review", "初步审查"),
    "member opinions": ("member units' opinions", "成员单位意见"),
    "special review": ("special review procedure", "特别审查程序"),
}
CLOCK_STATUSES: Final[_Table] = {
    "running": ("running", "进行中"),
    "elapsed": ("elapsed", "已届满"),
    "paused": ("paused", "中止"),
    "to come": ("to come", "尚未开始"),
    "ended": ("ended", "已结束"),
    "not recorded": ("not recorded", "未记录"),
    "not reached": ("not reached", "未进入"),
}
CASE_KINDS: Final[_Table] = {
    "assessment": ("assessment", "评估"),
    "review": ("cybersecurity review", "网络安全审查"),
    "remediation": ("remediation", "整改"),
}
CATEGORIES: Final[_Table] = {
    "core_network_equipment": ("core network equipment", "核心网络设备"),
    "hpc_server": ("high-performance computers and servers", "高性能计算机和服务器"),
    "mass_storage": ("mass storage equipment", "大容量存储设备"),
    "large_database": ("large databases", "大型数据库"),
    "application_software": ("application software", "应用软件"),
    "network_security_equipment": ("network security equipment", "网络安全设备"),
    "cloud_service": ("cloud computing services", "云计算服务"),
    "important_communication_product": ("important communication products", "重要通信产品"),
    "other_important": (
        "other network products and services important to CII, network and data security",
        "其他对关键信息基础设施安全、网络安全和数据安全有重要影响的网络产品和服务",
    ),
    "other": ("other network products and services", "其他网络产品和服务"),
}
SECTORS: Final[_Table] = {
    "telecom": ("public telecommunications and information services", "公共通信和信息服务"),
    "radio_tv": ("radio and television", "广播电视"),
    "energy": ("energy", "能源"),
    "finance": ("finance", "金融"),
    "road_waterway_transport": ("road and waterway transport", "公路水路运输"),
    "railway": ("railways", "铁路"),
    "civil_aviation": ("civil aviation", "民航"),
    "postal": ("postal services", "邮政"),
    "water": ("water resources", "水利"),
    "emergency_management": ("emergency management", "应急管理"),
    "health": ("health", "卫生健康"),
    "social_security": ("social security", "社会保障"),
    "defence_industry": ("national defence science and industry", "国防科技工业"),
    "public_services": ("public services", "公共服务"),
    "e_government": ("e-government", "电子政务"),
    "other": ("other sector", "其他行业领域"),
}
RECORD_KINDS: Final[_Table] = {
    "purchase": ("purchase", "采购"),
    "asset": ("asset in use", "在用资产"),
    "listing": ("listing abroad", "国外上市"),
    "data_processing": ("data processing", "数据处理活动"),
}
MATERIALS: Final[_Table] = {
    "declaration": ("declaration form", "申报书"),
    "impact_analysis": (
        "analysis report on the impact on national security",
        "关于影响或者可能影响国家安全的分析报告",
    ),
    "procurement_documents": (
        "procurement documents, agreements and contracts",
        "采购文件、协议、拟签订的合同等",
    ),
    "listing_documents": (
        "listing application documents",
        "拟提交的首次公开募股（IPO）等上市申请文件",
    ),
    "commitment_letter": ("provider's commitment letter", "产品和服务提供者承诺书"),
    "office_notice": ("notice of the Office", "网络安全审查办公室通知"),
    "other": ("other materials", "其他材料"),
}
NOTICES: Final[_Table] = {
    "accepted": ("acceptance of the declaration", "受理通知"),
    "review_decision": ("written notice whether to review", "是否需要审查的书面通知"),
    "supplement_request": ("request for further materials", "补充材料通知"),
    "conclusion": ("review conclusion", "审查结论通知"),
}
CONCLUSIONS: Final[_Table] = {
    "may_affect": ("affects or may affect national security", "影响或者可能影响国家安全"),
    "no_effect": ("does not affect national security", "不影响国家安全"),
}
WITHDRAW_REASONS: Final[_Table] = {
    "cancelled": ("purchase cancelled", "采购取消"),
    "superseded": ("superseded", "被替代"),
}
SUPPLY_RISKS: Final[_Table] = {
    "low": ("low", "低"),
    "medium": ("medium", "中"),
    "high": ("high", "高"),
}
CERTIFICATION_KINDS: Final[_Table] = {
    "certification": ("security certification", "安全认证"),
    "security_testing": ("security testing", "安全检测"),
}
LISTING_VENUES: Final[_Table] = {
    "foreign": ("abroad", "国外"),
    "hong_kong": ("Hong Kong", "香港"),
    "unknown": ("unknown venue", "上市地未知"),
}
OUTCOMES: Final[_Table] = {
    "advisory": ("advisory", "提示"),
    "warn": ("warn", "警告"),
    "block": ("block", "阻止"),
}
VERDICTS: Final[_Table] = {
    "allow": ("allow", "允许"),
    "warn": ("warn", "警告"),
    "block": ("block", "阻止"),
}
BOOLEANS: Final[_Table] = {
    "true": ("yes", "是"),
    "false": ("no", "否"),
    "none": ("unknown", "未知"),
}
CURRENCIES: Final[_Table] = {
    "CNY": ("CNY", "元"),
    "RMB": ("CNY", "元"),
    "USD": ("USD", "美元"),
    "EUR": ("EUR", "欧元"),
    "HKD": ("HKD", "港元"),
    "JPY": ("JPY", "日元"),
    "GBP": ("GBP", "英镑"),
}

#: the catalogue types records name most (``product.type`` is free text: others stay as written)
PRODUCT_TYPES: Final[_Table] = {
    "router": ("router", "路由器"),
    "core router": ("core router", "核心路由器"),
    "switch": ("switch", "交换机"),
    "rack_server": ("rack server", "机架式服务器"),
    "rack server": ("rack server", "机架式服务器"),
    "server": ("server", "服务器"),
    "plc": ("PLC", "可编程逻辑控制器"),
    "firewall": ("firewall", "防火墙"),
    "ids": ("intrusion detection system", "入侵检测系统"),
    "ips": ("intrusion prevention system", "入侵防御系统"),
    "waf": ("web application firewall", "Web应用防火墙"),
}
#: fields that hold no enum but a value of a table (the path decides)
PATH_KINDS: Final[dict[str, str]] = {
    "review.period": "period",
    "product.type": "product_type",
    "contract.currency": "currency",
}

#: every table by the kind ``word`` takes
TABLES: Final[dict[str, _Table]] = {
    "case_state": CASE_STATES,
    "review_status": REVIEW_STATUSES,
    "period": PERIODS,
    "clock_status": CLOCK_STATUSES,
    "case_kind": CASE_KINDS,
    "category": CATEGORIES,
    "sector": SECTORS,
    "record_kind": RECORD_KINDS,
    "material": MATERIALS,
    "notice": NOTICES,
    "conclusion": CONCLUSIONS,
    "withdraw_reason": WITHDRAW_REASONS,
    "supply_risk": SUPPLY_RISKS,
    "certification_kind": CERTIFICATION_KINDS,
    "listing_venue": LISTING_VENUES,
    "outcome": OUTCOMES,
    "verdict": VERDICTS,
    "boolean": BOOLEANS,
    "currency": CURRENCIES,
    "product_type": PRODUCT_TYPES,
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    if lang == "en":
        return pair[0]
    if lang == "zh-CN+en":
        return f"{pair[1]}（{pair[0]}）"
    return pair[1]


def word(kind: str, value: object, lang: Lang) -> str:
    """``value`` of ``kind`` (a key of :data:`TABLES`) as a word in ``lang``; a value the
    table does not know is shown as it is (a source's own value), never dropped."""
    if kind == "boolean" or isinstance(value, bool) or value is None:
        key = "none" if value is None else ("true" if value else "false")
        return _pick(BOOLEANS[key], lang)
    table = TABLES[kind]
    pair = table.get(str(value))
    if pair is None and kind == "product_type":
        pair = table.get(str(value).strip().lower())
    return str(value) if pair is None else _pick(pair, lang)


def yes_no(value: bool | None, lang: Lang) -> str:
    """是 / 否 / 未知 (yes / no / unknown)."""
    return word("boolean", value, lang)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _grouped(value: Decimal) -> str:
    whole, _, fraction = _plain(value).partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    return f"{grouped}.{fraction}" if fraction else grouped


def amount(value: Decimal | int | float | None, currency: str | None, lang: Lang) -> str:
    """An amount as people write it: ``CNY 12,500,000`` in English, ``1250万元`` or
    ``1.25亿元`` in Chinese (万 from ten thousand, 亿 from a hundred million)."""
    code = (currency or "CNY").upper()
    if value is None:
        return _pick(BOOLEANS["none"], lang)
    number = Decimal(str(value))
    english = f"{CURRENCIES.get(code, (code, code))[0]} {_grouped(number)}"
    if lang == "en":
        return english
    unit = CURRENCIES[code][1] if code in CURRENCIES else f" {code}"
    if abs(number) >= Decimal(100_000_000):
        chinese = f"{_plain(number / Decimal(100_000_000))}亿{unit}"
    elif abs(number) >= Decimal(10_000):
        chinese = f"{_plain(number / Decimal(10_000))}万{unit}"
    else:
        chinese = f"{_plain(number)}{unit}"
    return chinese if lang == "zh-CN" else f"{chinese}（{english}）"


def date(value: dt.date | None, lang: Lang) -> str:
    """``2026-12-05`` in English, ``2026年12月5日`` in Chinese."""
    if value is None:
        return _pick(BOOLEANS["none"], lang)
    if primary(lang) == "en":
        return value.isoformat()
    return f"{value.year}年{value.month}月{value.day}日"


def days(count: int, lang: Lang, working: bool = True) -> str:
    """``15 working days`` / ``15个工作日``."""
    if primary(lang) == "en":
        unit = "working day" if working else "day"
        return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{count}个工作日" if working else f"{count}日"


def kind_for_choices(choices: tuple[str, ...] | list[str]) -> str | None:
    """The table whose words a field with these ``choices`` reads as: the one with
    exactly these values, else the smallest that has them all (``None``: no table)."""
    return _kind_for(tuple(choices))


@cache
def _kind_for(choices: tuple[str, ...]) -> str | None:
    wanted = set(choices)
    if not wanted:
        return None
    fits = [
        (len(table), kind)
        for kind, table in TABLES.items()
        if kind not in ("boolean", "currency", "product_type") and wanted <= set(table)
    ]
    return min(fits)[1] if fits else None


def number(value: Decimal | int | float, lang: Lang) -> str:
    """A number: ``12,500,000`` in English; in Chinese ``1250万`` and ``1.25亿`` from ten
    thousand on, as amounts are written."""
    figure = Decimal(str(value))
    if primary(lang) == "en":
        return _grouped(figure)
    if abs(figure) >= Decimal(100_000_000):
        return f"{_plain(figure / Decimal(100_000_000))}亿"
    if abs(figure) >= Decimal(10_000):
        return f"{_plain(figure / Decimal(10_000))}万"
    return _plain(figure)


def localized_value(value: object, kind: str | None, path: str, lang: Lang) -> str:
    """A record value as ``lang`` writes it in prose: words for a value of a fixed set
    (``kind``: its table), 是/否/未知, dates, amounts in 万/亿; ``path`` tells an amount."""
    if value is None or isinstance(value, bool):
        return word("boolean", value, lang)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date(value, lang)
    if isinstance(value, (list, tuple)):
        if not value:
            return "无" if primary(lang) != "en" else "none"
        separator = "、" if primary(lang) != "en" else ", "
        return separator.join(localized_value(item, kind, path, lang) for item in value)
    if kind is not None and isinstance(value, str):
        return word(kind, value, lang)
    if isinstance(value, (Decimal, int, float)):
        if path.endswith("amount"):
            return number(value, lang)
        return _plain(Decimal(str(value))) if not isinstance(value, int) else str(value)
    return str(value)


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """``n`` (1 to 9999) in Chinese numerals, as articles are numbered: 五, 十二, 三十七,
    一百零五."""
    if not 0 < n < 10_000:
        return str(n)
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if unit == 10 and digit == 1 and not out else _DIGITS[digit]) + name
    return out


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK) characters take two."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (CJK counted as two)."""
    return text + " " * max(0, columns - width(text))


def with_value(kind: str, value: str, lang: Lang) -> str:
    """A value an error message names, as a command takes it: the value itself in
    English (``special_review``), its word with the value after it in Chinese
    (特别审查程序（special_review）), so that the reader knows what to type."""
    if primary(lang) == "en":
        return value
    return f"{word(kind, value, 'zh-CN')}（{value}）"
