"""The draft declaration form (申报书), pre-filled from the record and the case.

No official blank of the form was found to copy its fields from (the Office
publishes none with the Measures), so the sections follow what the Measures ask
of a declaration (2020 Art. 5-7, 2021 Art. 5-8) and what the Office needs to
decide whether to review: who declares and whether it is a CIIO, what is bought
from whom for which system, the contract, the provider's Art. 6 commitments, the
operator's risk conclusion and the materials attached.  What the tool cannot
know is left as a marked blank (【待填写】), never an empty cell.
"""

from __future__ import annotations

from . import labels as L
from .document import Doc
from .facts import Facts, t

#: the provider's commitments (2020/2021 Art. 6), in the text's order
COMMITMENTS = (
    (
        "cooperate_with_review",
        "配合网络安全审查",
        "cooperate with the cybersecurity review",
    ),
    (
        "no_illegal_data_acquisition",
        "不利用提供产品和服务的便利条件非法获取用户数据",
        "not to obtain user data illegally through the products and services",
    ),
    (
        "no_illegal_control",
        "不非法控制和操纵用户设备",
        "not to control or manipulate user equipment illegally",
    ),
    (
        "no_unjustified_supply_interruption",
        "无正当理由不中断产品供应或者必要的技术支持服务",
        "not to interrupt supply or necessary technical support without justification",
    ),
)


def declaration_form(facts: Facts) -> Doc:
    lang = facts.lang
    doc = Doc(
        t(facts, "网络安全审查申报书（草稿）", "Cybersecurity Review declaration form (draft)"),
        t(
            facts,
            f"依据《网络安全审查办法》{_measures(facts)}第{_article(facts)}条；"
            f"案件编号 {facts.case.id}；生成日期 {L.date(facts.as_of, lang)}",
            f"Under {facts.measures.cite(facts.measures.materials)}; case {facts.case.id}; "
            f"drafted {L.date(facts.as_of, lang)}",
        ),
    )
    _operator(doc, facts)
    _subject(doc, facts)
    if facts.kind == "listing":
        _listing(doc, facts)
    elif facts.kind == "data_processing":
        _activity(doc, facts)
    else:
        _product(doc, facts)
        _contract(doc, facts)
        _commitments(doc, facts)
    _conclusion(doc, facts)
    _materials(doc, facts)
    _signature(doc, facts)
    return doc


def _measures(facts: Facts) -> str:
    return "（2020年）" if facts.measures.name.endswith("2020") else ""


def _article(facts: Facts) -> str:
    return _NUMERALS.get(facts.measures.materials, str(facts.measures.materials))


_NUMERALS = {7: "七", 8: "八", 9: "九", 10: "十"}


def _operator(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "一、申报主体基本情况", "1. The declaring operator"))
    users = facts.part("operator", "platform_users")
    doc.fields(
        [
            (
                t(facts, "运营者名称", "Operator"),
                L.text(facts.part("operator", "name") or facts.summary("operator"), lang),
            ),
            (t(facts, "统一社会信用代码", "Unified social credit code"), L.blank(lang)),
            (
                t(facts, "是否为关键信息基础设施运营者", "Identified as a CII operator"),
                L.yes_no(facts.part("operator", "ciio"), lang),
            ),
            (
                t(facts, "认定的保护工作部门", "Identified by (protection department)"),
                L.blank(lang),
            ),
            (
                t(facts, "所属行业领域", "Sector"),
                L.word("sector", facts.part("operator", "sector"), lang),
            ),
            (
                t(facts, "是否为网络平台运营者", "Network platform operator"),
                L.yes_no(facts.part("operator", "platform"), lang),
            ),
            (
                t(facts, "掌握个人信息的用户数量", "Users whose personal information it holds"),
                f"{users:,}" if isinstance(users, int) else L.blank(lang),
            ),
            (t(facts, "联系人及联系方式", "Contact person and details"), L.blank(lang)),
        ]
    )


def _subject(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "二、申报事项", "2. What is declared"))
    doc.fields(
        [
            (t(facts, "申报类型", "Kind"), L.word("record_kind", facts.kind, lang)),
            (t(facts, "内部记录编号", "Internal record"), L.text(facts.case.record_id, lang)),
            (t(facts, "审查案件编号", "Review case"), facts.case.id),
            (
                t(facts, "案件状态", "Case state"),
                L.word("state", facts.case.state, lang),
            ),
        ]
    )


def _product(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "三、网络产品和服务基本情况", "3. The network product or service"))
    cert = facts.part("product", "certification")
    certified = L.blank(lang)
    if cert is not None:
        kind = t(facts, "安全认证", "security certification")
        if cert.kind == "security_testing":
            kind = t(facts, "安全检测", "security testing")
        certified = f"{kind} {cert.id or L.blank(lang)}"
        if cert.valid_until is not None:
            certified += t(facts, "，有效期至", ", valid until ") + L.date(cert.valid_until, lang)
    doc.fields(
        [
            (
                t(facts, "产品和服务名称", "Product or service"),
                L.text(facts.part("product", "name") or facts.summary("product"), lang),
            ),
            (
                t(facts, "产品和服务类别", "Category"),
                L.word("category", facts.part("product", "category"), lang),
            ),
            (t(facts, "型号", "Model"), L.text(facts.part("product", "model"), lang)),
            (
                t(facts, "网络关键设备类型", "Critical equipment type"),
                L.word("product_type", facts.part("product", "type"), lang),
            ),
            (t(facts, "安全认证或安全检测", "Certification or security testing"), certified),
            (
                t(facts, "产品和服务提供者", "Provider"),
                L.text(facts.part("vendor", "name"), lang),
            ),
            (
                t(facts, "提供者所属国家或地区", "Provider's country or region"),
                L.country(facts.part("vendor", "country"), lang),
            ),
            (
                t(facts, "拟部署的网络或系统", "Target network or system"),
                L.text(facts.part("deployment", "system") or facts.summary("system"), lang),
            ),
            (
                t(facts, "该系统是否为关键信息基础设施", "The system is (or supports) CII"),
                L.yes_no(facts.part("deployment", "cii"), lang),
            ),
            (
                t(facts, "计划投入使用日期", "Planned go-live"),
                L.date(
                    facts.part("deployment", "planned_date") or facts.summary("planned_date"),
                    lang,
                ),
            ),
        ]
    )


def _contract(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "四、采购合同情况", "4. The contract"))
    currency = facts.part("contract", "currency") or "CNY"
    doc.fields(
        [
            (
                t(facts, "合同编号", "Contract number"),
                L.text(facts.part("contract", "number"), lang),
            ),
            (
                t(facts, "签订日期（拟签订日期）", "Signed (or to be signed) on"),
                L.date(facts.part("contract", "signed_date"), lang),
            ),
            (
                t(facts, "合同金额", "Amount"),
                L.amount(facts.part("contract", "amount"), currency, lang),
            ),
            (
                t(facts, "是否签订安全保密协议", "Security and confidentiality agreement"),
                L.yes_no(facts.part("contract", "security_agreement"), lang),
            ),
        ]
    )


def _commitments(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(
        t(
            facts,
            "五、产品和服务提供者的承诺（第六条）",
            "5. The provider's commitments (Art. 6)",
        )
    )
    rows = [
        (t(facts, zh, en), L.yes_no(facts.part("contract", "commitments", key), lang))
        for key, zh, en in COMMITMENTS
    ]
    letter = "commitment_letter" in facts.case.material_kinds()
    rows.append(
        (
            t(facts, "承诺书是否已附", "Commitment letter attached"),
            L.yes_no(letter, lang),
        )
    )
    doc.fields(rows)


def _listing(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "三、上市情况", "3. The listing"))
    doc.fields(
        [
            (t(facts, "上市地", "Venue"), L.word("venue", facts.part("listing", "venue"), lang)),
            (t(facts, "交易所", "Exchange"), L.text(facts.part("listing", "exchange"), lang)),
            (t(facts, "拟上市时间", "Planned listing date"), L.blank(lang)),
        ]
    )


def _activity(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "三、数据处理活动情况", "3. The data processing activity"))
    doc.fields(
        [
            (t(facts, "活动名称", "Activity"), L.text(facts.part("activity", "name"), lang)),
            (
                t(facts, "活动说明", "Description"),
                L.text(facts.part("activity", "description"), lang),
            ),
        ]
    )


def _conclusion(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    found = facts.conclusion
    said = L.blank(lang)
    if found.may_affect is not None:
        said = L.word("conclusion", "may_affect" if found.may_affect else "no_effect", lang)
    basis = t(facts, "业务记录", "the record") if found.source == "record" else found.source
    basis = basis or L.blank(lang)
    doc.heading(t(facts, "六、国家安全风险预判结论", "6. The operator's risk conclusion"))
    doc.fields(
        [
            (t(facts, "预判结论", "Conclusion"), said),
            (t(facts, "研判日期", "Assessed on"), L.date(found.on, lang)),
            (t(facts, "依据", "From"), basis),
        ]
    )


def _materials(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "七、申报材料", "7. Materials"))
    where = {
        "attached": t(facts, "已附（见材料目录）", "attached (see the index)"),
        "source": t(facts, "业务系统载明已备，未附", "listed by the source, not attached"),
    }
    doc.fields(
        [
            (L.word("material", kind, lang), where.get(status or "", L.blank(lang)))
            for kind, status in facts.checklist.items()
        ]
    )


def _signature(doc: Doc, facts: Facts) -> None:
    lang = facts.lang
    doc.heading(t(facts, "八、申报单位声明", "8. Declaration"))
    doc.para(
        t(
            facts,
            "本单位承诺所提交材料真实、准确、完整。",
            "We declare the material submitted true, accurate and complete.",
        )
    )
    doc.fields(
        [
            (t(facts, "负责人（签字）", "Responsible person (signature)"), L.blank(lang)),
            (t(facts, "申报单位（盖章）", "Operator (seal)"), L.blank(lang)),
            (t(facts, "申报日期", "Date"), L.blank(lang)),
        ]
    )
