"""The dossier's words in Chinese and English: values read as words, never raw enum
values or field paths (dates as 2026年12月5日, amounts in 万元).

One small module on purpose: when the package-wide word tables (``i18n``) land,
these lookups are swapped for them here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"

#: What the tool cannot know, as the officer sees it: a blank to fill in, never an
#: empty cell.
BLANK = {"zh-CN": "【待填写】", "en": "[to be completed]"}

_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "sector": {
        "telecom": ("电信", "telecommunications"),
        "radio_tv": ("广播电视", "radio and television"),
        "energy": ("能源", "energy"),
        "finance": ("金融", "finance"),
        "road_waterway_transport": ("公路水路运输", "road and waterway transport"),
        "railway": ("铁路", "railway"),
        "civil_aviation": ("民航", "civil aviation"),
        "postal": ("邮政", "postal services"),
        "water": ("水利", "water conservancy"),
        "emergency_management": ("应急管理", "emergency management"),
        "health": ("卫生健康", "health"),
        "social_security": ("社会保障", "social security"),
        "defence_industry": ("国防科技工业", "national defence science and technology industry"),
        "public_services": ("公共服务", "public services"),
        "e_government": ("电子政务", "e-government"),
        "other": ("其他", "other"),
    },
    "category": {
        "core_network_equipment": ("核心网络设备", "core network equipment"),
        "hpc_server": ("高性能计算机和服务器", "high-performance computers and servers"),
        "mass_storage": ("大容量存储设备", "mass storage equipment"),
        "large_database": ("大型数据库", "large databases"),
        "application_software": ("大型应用软件", "large application software"),
        "network_security_equipment": ("网络安全设备", "network security equipment"),
        "cloud_service": ("云计算服务", "cloud computing services"),
        "important_communication_product": ("重要通信产品", "important communication products"),
        "other_important": (
            "其他对关键信息基础设施安全、网络安全和数据安全有重要影响的网络产品和服务",
            "other products and services with an important impact on security",
        ),
        "other": ("其他", "other"),
    },
    "record_kind": {
        "purchase": ("采购网络产品和服务", "purchase of network products and services"),
        "asset": ("已使用的网络产品和服务", "network products and services in use"),
        "listing": ("国外上市", "listing abroad"),
        "data_processing": ("数据处理活动", "data processing activity"),
    },
    "state": {
        "open": ("待申报", "to be declared"),
        "declared": ("已申报（确定是否审查）", "declared (whether to review)"),
        "under_review": ("初步审查", "preliminary review"),
        "special_review": ("特别审查程序", "special review procedure"),
        "supplementing": ("补充材料（期限中止）", "supplementing (clocks stopped)"),
        "not_required": ("无需审查", "no review required"),
        "passed": ("审查通过", "passed"),
        "failed": ("未通过", "failed"),
        "withdrawn": ("撤回", "withdrawn"),
        "assessed": ("已完成风险研判", "assessed"),
        "remediated": ("已整改", "remediated"),
    },
    "case_kind": {
        "assessment": ("风险研判", "risk assessment"),
        "review": ("网络安全审查", "cybersecurity review"),
        "remediation": ("整改", "remediation"),
    },
    "material": {
        "declaration": ("申报书", "declaration form"),
        "impact_analysis": (
            "关于影响或者可能影响国家安全的分析报告",
            "analysis report on the impact on national security",
        ),
        "procurement_documents": (
            "采购文件、协议、拟签订的合同等",
            "procurement documents, agreements, contracts to be signed",
        ),
        "listing_documents": (
            "拟提交的首次公开募股（IPO）等上市申请文件",
            "listing application documents (IPO)",
        ),
        "commitment_letter": ("产品和服务提供者承诺书", "the provider's commitment letter"),
        "office_notice": ("网络安全审查办公室通知", "notice of the Review Office"),
        "other": ("其他材料", "other material"),
    },
    "notice": {
        "accepted": ("受理通知", "acceptance"),
        "review_decision": ("是否需要审查的书面通知", "decision whether to review"),
        "supplement_request": ("补充材料通知", "request for supplementary material"),
        "conclusion": ("审查结论通知", "conclusion"),
    },
    "period": {
        "determination": ("确定是否需要审查", "determination whether to review"),
        "preliminary review": ("初步审查", "preliminary review"),
        "member opinions": ("成员单位意见", "member units' opinions"),
        "special review": ("特别审查程序", "special review procedure"),
    },
    "clock_status": {
        "running": ("进行中", "running"),
        "elapsed": ("已届满", "elapsed"),
        "paused": ("中止（补充材料）", "paused (supplementing)"),
        "to come": ("尚未开始", "to come"),
        "ended": ("已结束", "ended"),
        "not recorded": ("结束日期未记录", "end not recorded"),
        "not reached": ("未进入", "not reached"),
    },
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
    "conclusion": {
        "may_affect": ("影响或者可能影响国家安全", "affects or may affect national security"),
        "no_effect": ("不影响国家安全", "does not affect national security"),
    },
    "supply_risk": {"low": ("低", "low"), "medium": ("中", "medium"), "high": ("高", "high")},
    "venue": {
        "foreign": ("国外", "abroad"),
        "hong_kong": ("香港", "Hong Kong"),
        "unknown": ("未知", "unknown"),
    },
    "outcome": {
        "block": ("阻断", "block"),
        "warn": ("警告", "warn"),
        "advisory": ("提示", "advisory"),
    },
    "bool": {"true": ("是", "yes"), "false": ("否", "no")},
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
    pair = _WORDS[table].get(str(value))
    return _pick(pair, lang) if pair else str(value)


def yes_no(value: bool | None, lang: str) -> str:
    """是 / 否; unknown is a blank to fill, not a guess."""
    if value is None:
        return blank(lang)
    return word("bool", "true" if value else "false", lang)


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
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh-CN" else day.isoformat()


def amount(value: Decimal | float | int | None, currency: str, lang: str) -> str:
    """An amount as the form writes it: 420万元 (CNY in Chinese), else ``4,200,000 USD``."""
    if value is None:
        return blank(lang)
    number = Decimal(str(value))
    if lang == "zh-CN" and currency == "CNY":
        wan = (number / Decimal(10000)).normalize()
        text = f"{wan:f}"
        return f"{text}万元"
    plain = number.normalize()
    text = f"{plain:,f}" if plain == plain.to_integral() else f"{plain:,}"
    return f"{text} {currency}"


def text(value: str | None, lang: str) -> str:
    """Free text of the record; missing or blank: the marked blank."""
    return value.strip() if value and value.strip() else blank(lang)


def check_lang(lang: str) -> str:
    from ..errors import UsageError

    if lang not in LANGS:
        raise UsageError(f"language {lang!r}: one of {', '.join(LANGS)}")
    return lang
