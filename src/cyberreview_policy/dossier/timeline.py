"""The case's timeline (its steps, the Office's notices, the statutory periods actual
and projected), its audit extract, and the dossier's index (目录)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import labels as L
from .document import Doc
from .facts import Facts, t
from .package import Entry


def timeline_doc(
    facts: Facts, clocks: Sequence[Any], notices: Sequence[dict[str, Any]], trail: Sequence[Any]
) -> Doc:
    lang = facts.lang
    case = facts.case
    doc = Doc(
        t(facts, "审查案件时间线及审计摘录", "Case timeline and audit extract"),
        t(
            facts,
            f"案件编号 {case.id}（{L.word('case_kind', case.kind, lang)}，"
            f"{L.word('state', case.state, lang)}）；截至 {L.date(facts.as_of, lang)}",
            f"Case {case.id} ({L.word('case_kind', case.kind, lang)}, "
            f"{L.word('state', case.state, lang)}); as of {L.date(facts.as_of, lang)}",
        ),
    )
    doc.heading(t(facts, "一、案件经过", "1. Steps"))
    doc.table(
        (
            t(facts, "日期", "Date"),
            t(facts, "事项", "Step"),
            t(facts, "办理人", "By"),
            t(facts, "说明", "Note"),
        ),
        [_event_row(event, lang) for event in case.events],
    )
    doc.section(
        t(facts, "二、网络安全审查办公室通知", "2. Notices of the Office"),
        (
            t(facts, "日期", "Date"),
            t(facts, "类型", "Kind"),
            t(facts, "文号", "Reference"),
            t(facts, "答复材料", "Answered by"),
        ),
        [
            (
                L.date(n["on"], lang),
                L.word("notice", n["kind"], lang),
                str(n["ref"]),
                ", ".join(n["answered_by"]) or "-",
            )
            for n in notices
        ],
        t(facts, "尚无通知。", "None yet."),
    )
    doc.section(
        t(facts, "三、法定期限（工作日）", "3. Statutory periods (working days)"),
        (
            t(facts, "阶段", "Period"),
            t(facts, "天数", "Days"),
            t(facts, "依据", "Basis"),
            t(facts, "起算日", "From"),
            t(facts, "届满日", "Until"),
            t(facts, "状态", "Status"),
        ),
        [_clock_row(clock, facts) for clock in clocks],
        t(facts, "尚未进入法定期限。", "No statutory period has started."),
    )
    doc.heading(t(facts, "四、审计摘录", "4. Audit extract"))
    doc.table(
        (
            t(facts, "序号", "Entry"),
            t(facts, "时间", "At"),
            t(facts, "事项", "Action"),
            t(facts, "办理人", "By"),
            t(facts, "链完整", "Chain intact"),
        ),
        [
            (
                str(e.seq),
                e.at.isoformat(),
                L.word("audit", e.action, lang),
                e.actor,
                L.yes_no(sealed, lang),
            )
            for e, sealed in trail
        ],
    )
    return doc


def _event_row(event: Any, lang: str) -> tuple[str, ...]:
    step = L.word("event", event.kind, lang)
    if event.kind == "transition":
        step = (
            f"{L.word('state', event.from_state, lang)} → {L.word('state', event.to_state, lang)}"
        )
    details = event.details
    if event.kind == "notice":
        step += f"：{details.get('ref')}" if lang == "zh-CN" else f": {details.get('ref')}"
    elif event.kind == "attach":
        name = L.word("material", details.get("material"), lang)
        step += f"（{name}）" if lang == "zh-CN" else f" ({name})"
    if details.get("planned"):
        step += "（计划）" if lang == "zh-CN" else " (planned)"
    if details.get("conclusion"):
        step += f" – {L.word('conclusion', details['conclusion'], lang)}"
    return (L.date(event.on, lang), step, event.actor, event.note or "-")


def _clock_row(clock: Any, facts: Facts) -> tuple[str, ...]:
    lang = facts.lang
    basis = t(facts, "预计", "projected") if clock.projected else t(facts, "实际", "actual")
    until = L.date(clock.deadline, lang)
    if clock.provisional:
        until += t(facts, "（暂定）", " (provisional)")
    status = L.word("clock_status", clock.status, lang)
    if clock.status == "ended" and clock.ended_on is not None:
        status += f" {L.date(clock.ended_on, lang)}"
    return (
        L.word("period", clock.period, lang),
        str(clock.days),
        basis,
        L.date(clock.started_on, lang),
        until,
        status,
    )


def timeline_json(facts: Facts, clocks: Sequence[Any], notices: Sequence[dict[str, Any]]) -> bytes:
    data = {
        "case": facts.case.id,
        "as_of": facts.as_of.isoformat(),
        "events": [event.to_json() for event in facts.case.events],
        "notices": list(notices),
        "clocks": [clock.to_json() for clock in clocks],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode()


def audit_jsonl(trail: Sequence[Any]) -> bytes:
    lines = [
        json.dumps({**entry.to_json(), "chain_intact": sealed}, ensure_ascii=False, default=str)
        for entry, sealed in trail
    ]
    return "".join(line + "\n" for line in lines).encode()


def index_doc(facts: Facts, entries: Sequence[Entry]) -> Doc:
    doc = Doc(
        t(facts, "网络安全审查申报材料目录", "Cybersecurity Review dossier: index"),
        t(
            facts,
            f"案件编号 {facts.case.id}；运营者 {L.text(facts.summary('operator'), facts.lang)}；"
            f"生成日期 {L.date(facts.as_of, facts.lang)}",
            f"Case {facts.case.id}; operator {L.text(facts.summary('operator'), facts.lang)}; "
            f"built {L.date(facts.as_of, facts.lang)}",
        ),
    )
    doc.table(
        (
            t(facts, "序号", "No."),
            t(facts, "材料", "Document"),
            t(facts, "文件", "File"),
            "SHA-256",
        ),
        [(str(n), e.title, e.path, e.sha256) for n, e in enumerate(entries, start=1)],
    )
    doc.para(
        t(
            facts,
            "本目录及各文件的SHA-256见 manifest.json 与 SHA256SUMS（可用 sha256sum -c 校验）。"
            "申报材料依法保密。",
            "manifest.json and SHA256SUMS give the SHA-256 of this index and of every file "
            "(sha256sum -c checks them). The material is confidential.",
        )
    )
    return doc
