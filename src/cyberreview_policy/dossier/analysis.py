"""The draft analysis report on the impact on national security
(关于影响或者可能影响国家安全的分析报告), by the review factors of the Measures the
case runs under (2021 Art. 10, seven factors; 2020 Art. 9, five), each with the
record's factor values; then what the tool's rules found, and the conclusion.
The analysis itself is the operator's: each factor leaves its assessment as a
marked blank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import labels as L
from .document import Doc
from .facts import Facts, t

Value = Callable[[Facts], str]


def _bool(*path: str) -> Value:
    return lambda facts: L.yes_no(facts.part(*path), facts.lang)


def _supply(facts: Facts) -> str:
    return L.word(
        "supply_risk", facts.part("risk", "factors", "supply_disruption_risk"), facts.lang
    )


def _certified(facts: Facts) -> str:
    return L.yes_no(facts.part("product", "certification") is not None or None, facts.lang)


#: (zh, en, value) of each fact the factors read
FACTS: dict[str, tuple[str, str, Value]] = {
    "remote_access": (
        "提供者可远程访问或维护",
        "the provider has remote access",
        _bool("risk", "factors", "remote_access"),
    ),
    "cii": ("部署于关键信息基础设施", "deployed in CII", _bool("deployment", "cii")),
    "important_data": (
        "涉及重要数据",
        "important data involved",
        _bool("risk", "factors", "important_data"),
    ),
    "data_security_risk": (
        "核心数据、重要数据或大量个人信息安全风险",
        "risk to core, important or personal data",
        _bool("risk", "factors", "data_security_risk"),
    ),
    "supply": ("供应中断风险", "supply disruption risk", _supply),
    "single_source": ("单一来源", "single source", _bool("risk", "factors", "single_source")),
    "transparency": (
        "透明性存疑",
        "transparency concerns",
        _bool("risk", "factors", "transparency_concerns"),
    ),
    "political": (
        "受政治、外交、贸易因素影响",
        "political, diplomatic or trade exposure",
        _bool("risk", "factors", "political_trade_exposure"),
    ),
    "certified": ("已通过安全认证或安全检测", "certified or security-tested", _certified),
    "vendor_country": (
        "提供者所属国家或地区",
        "provider's country or region",
        lambda facts: L.country(facts.part("vendor", "country"), facts.lang),
    ),
    "compliance": (
        "提供者存在违法违规情况",
        "the provider has compliance issues",
        _bool("vendor", "compliance_issues"),
    ),
    "foreign_government": (
        "可能被外国政府影响、控制、恶意利用",
        "foreign government influence",
        _bool("risk", "factors", "foreign_government_influence"),
    ),
}

_CONTROL = (
    "产品和服务使用后带来的关键信息基础设施被非法控制、遭受干扰或者破坏的风险",
    "risk of CII being illegally controlled, interfered with or destroyed after use",
)
_CONTINUITY = (
    "产品和服务供应中断对关键信息基础设施业务连续性的危害",
    "harm to the business continuity of CII from supply disruption",
)
_SUPPLY = (
    "产品和服务的安全性、开放性、透明性、来源的多样性，供应渠道的可靠性以及因为政治、外交、"
    "贸易等因素导致供应中断的风险",
    "security, openness, transparency, diversity of sources, reliability of supply channels, "
    "and disruption risk from political, diplomatic or trade factors",
)
_COMPLIANCE = (
    "产品和服务提供者遵守中国法律、行政法规、部门规章情况",
    "the provider's compliance with Chinese laws, administrative regulations and rules",
)
_OTHER_FACTS: tuple[str, ...] = ()

#: the factors of 2021 Art. 10, with the facts each reads
FACTORS_2021: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (_CONTROL, ("remote_access", "cii")),
    (_CONTINUITY, ("supply", "single_source")),
    (
        _SUPPLY,
        ("transparency", "single_source", "political", "supply", "certified", "vendor_country"),
    ),
    (_COMPLIANCE, ("compliance",)),
    (
        (
            "核心数据、重要数据或者大量个人信息被窃取、泄露、毁损以及非法利用、非法出境的风险",
            "risk of core data, important data or large amounts of personal information being "
            "stolen, leaked, destroyed, illegally used or exported",
        ),
        ("important_data", "data_security_risk"),
    ),
    (
        (
            "上市存在关键信息基础设施、核心数据、重要数据或者大量个人信息被外国政府影响、控制、"
            "恶意利用的风险，以及网络信息安全风险",
            "for a listing: risk of CII, core or important data or large amounts of personal "
            "information being influenced, controlled or maliciously used by a foreign government",
        ),
        ("foreign_government",),
    ),
    (
        (
            "其他可能危害关键信息基础设施安全、网络安全和数据安全的因素",
            "other factors that may harm CII security, network security and data security",
        ),
        _OTHER_FACTS,
    ),
)
#: the factors of 2020 Art. 9
FACTORS_2020: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (
        (
            "产品和服务使用后带来的关键信息基础设施被非法控制、遭受干扰或者破坏，以及重要数据被"
            "窃取、泄露、毁损的风险",
            "risk of CII being illegally controlled, interfered with or destroyed, and of "
            "important data being stolen, leaked or destroyed, after use",
        ),
        ("remote_access", "cii", "important_data", "data_security_risk"),
    ),
    FACTORS_2021[1],
    FACTORS_2021[2],
    FACTORS_2021[3],
    (
        (
            "其他可能危害关键信息基础设施安全和国家安全的因素",
            "other factors that may harm CII security and national security",
        ),
        _OTHER_FACTS,
    ),
)
_ORDINALS = ("一", "二", "三", "四", "五", "六", "七")


def analysis_report(facts: Facts) -> Doc:
    lang = facts.lang
    in_2020 = facts.measures.name.endswith("2020")
    article = 9 if in_2020 else 10
    law = "《网络安全审查办法》（2020年）" if in_2020 else "《网络安全审查办法》"
    doc = Doc(
        t(
            facts,
            "关于影响或者可能影响国家安全的分析报告（草稿）",
            "Analysis report on the impact or possible impact on national security (draft)",
        ),
        t(
            facts,
            f"按照{law}第{'九' if in_2020 else '十'}条所列因素；案件编号 {facts.case.id}；"
            f"生成日期 {L.date(facts.as_of, lang)}",
            f"By the factors of {facts.measures.cite(article)}; case {facts.case.id}; drafted "
            f"{L.date(facts.as_of, lang)}",
        ),
    )
    doc.heading(t(facts, "一、基本情况", "1. Overview"))
    doc.fields(
        [
            (t(facts, "运营者", "Operator"), L.text(facts.summary("operator"), lang)),
            (
                t(facts, "产品和服务", "Product or service"),
                L.text(facts.summary("product"), lang),
            ),
            (t(facts, "拟部署系统", "Target system"), L.text(facts.summary("system"), lang)),
            (t(facts, "申报类型", "Kind"), L.word("record_kind", facts.kind, lang)),
        ]
    )
    doc.heading(t(facts, "二、风险因素分析", "2. The review factors"))
    if facts.record is None:
        doc.para(
            t(
                facts,
                "未提供业务记录，以下因素取值均待填写。",
                "No record was given: every factor value is to be completed.",
            )
        )
    factors = FACTORS_2020 if in_2020 else FACTORS_2021
    for n, ((zh, en), names) in enumerate(factors):
        number = f"（{_ORDINALS[n]}）" if lang == "zh-CN" else f"({n + 1}) "
        doc.heading(number + t(facts, zh, en), level=2)
        rows = [(t(facts, *FACTS[name][:2]), FACTS[name][2](facts)) for name in names]
        rows.append((t(facts, "分析意见", "Assessment"), L.blank(lang)))
        doc.fields(rows)
    _findings(doc, facts)
    doc.heading(t(facts, "四、结论", "4. Conclusion"))
    found = facts.conclusion
    said = L.blank(lang)
    if found.may_affect is not None:
        said = L.word("conclusion", "may_affect" if found.may_affect else "no_effect", lang)
    doc.fields(
        [
            (t(facts, "预判结论", "Conclusion"), said),
            (t(facts, "研判日期", "Assessed on"), L.date(found.on, lang)),
            (t(facts, "风险防范和处置措施", "Measures against the risks"), L.blank(lang)),
        ]
    )
    return doc


def _findings(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    heading = t(facts, "三、合规检查发现", "3. What the rules found")
    if facts.findings is None:
        doc.heading(heading)
        doc.para(
            t(
                facts,
                "未提供业务记录，未进行规则检查。" + L.blank(lang),
                "No record was given: the rules were not run. " + L.blank(lang),
            )
        )
        return
    doc.section(
        heading,
        (
            t(facts, "规则", "Rule"),
            t(facts, "结果", "Outcome"),
            t(facts, "说明", "Finding"),
            t(facts, "依据", "Citations"),
        ),
        [_finding_row(finding, lang) for finding in facts.findings],
        t(facts, "规则检查未发现问题。", "The rules found nothing."),
    )


def _finding_row(finding: dict[str, Any], lang: str) -> tuple[str, ...]:
    waived = finding.get("waiver")
    outcome = L.word("outcome", finding.get("outcome"), lang)
    if waived:
        outcome += "（已豁免）" if lang == "zh-CN" else " (waived)"
    message = finding.get("message_localized") if lang != "en" else None
    citations = finding.get("citations_localized") if lang != "en" else None
    return (
        str(finding.get("rule")),
        outcome,
        L.text(message or finding.get("message"), lang),
        "；".join(citations) if citations else "; ".join(finding.get("citations") or ()) or "-",
    )
