"""The case board's own labels, in Chinese (the default) and English; the values of the
procedure (states, kinds, periods, materials, notices) come from :mod:`...i18n.words`.

One table per language, keyed by a short id (states, periods, kinds, labels);
:func:`word` falls back to the key itself, so a missing entry shows up as the
key rather than as nothing.
"""

from __future__ import annotations

import re

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"

_ZH: dict[str, str] = {
    # states and board columns
    "open": "待申报",
    "declared": "已申报",
    "preliminary": "初步审查",
    "member_opinions": "成员单位意见",
    "special_review": "特别审查",
    "supplementing": "补充材料",
    "closed": "已结束",
    # clock bases
    "actual": "实际",
    "projected": "预计",
    "provisional": "暂定",
    # holders
    "operator": "运营者",
    "office": "网络安全审查办公室",
    "vendor": "供应商",
    # labels
    "app": "网络安全审查案件",
    "board": "案件看板",
    "waivers": "豁免",
    "sweeps": "扫描",
    "audit": "审计记录",
    "sign_in": "登录",
    "sign_out": "退出",
    "token": "令牌",
    "token_help": "审查员或审计员的 API 令牌（cyberreview tokens create）",
    "signed_in_as": "当前用户",
    "read_only": "只读（审计员）",
    "record": "记录",
    "product": "产品",
    "system": "系统",
    "cii": "关键信息基础设施",
    "not_cii": "非关键信息基础设施",
    "planned_go_live": "计划上线",
    "days_left": "剩余工作日",
    "overdue": "已超期",
    "go_live_at_risk": "上线有风险",
    "holder": "待办方",
    "office_ref": "办公室文号",
    "filter": "筛选",
    "all": "全部",
    "yes": "是",
    "no": "否",
    "kind": "类型",
    "state": "状态",
    "count": "数量",
    "facts": "记录事实",
    "findings": "触发的规则",
    "fix": "处理办法",
    "timeline": "时间线",
    "clocks": "时限",
    "period": "阶段",
    "days": "工作日",
    "started_on": "开始",
    "deadline": "期限",
    "basis": "依据",
    "status": "状态",
    "notices": "办公室通知",
    "materials": "材料清单",
    "attached": "已上传",
    "listed": "来源已列明",
    "missing": "缺少",
    "upload": "上传",
    "download": "下载",
    "file": "文件",
    "actions": "操作",
    "move_to": "转入",
    "date": "日期",
    "note": "说明",
    "save": "提交",
    "mark_complex": "标记为情况复杂",
    "extend": "延长特别审查",
    "record_notice": "登记办公室通知",
    "ref": "文号",
    "answers": "回复的通知文号",
    "export_dossier": "导出卷宗",
    "conclusion_field": "评估结论",
    "reason": "原因",
    "none": "无",
    "rule": "规则",
    "scope": "范围",
    "ticket": "工单",
    "requester": "申请人",
    "approver": "批准人",
    "expires": "到期",
    "expiring_soon": "30 日内到期",
    "approve": "批准",
    "reject": "驳回",
    "request_waiver": "申请豁免",
    "four_eyes": "豁免由申请人以外的另一审查员批准。",
    "sweep_history": "扫描历史",
    "complete": "完整",
    "incomplete": "不完整",
    "records": "记录数",
    "decisions": "决定",
    "allow": "允许",
    "warn": "警告",
    "block": "阻止",
    "changed_findings": "新出现的规则结果",
    "started_at": "开始时间",
    "as_of": "依据日期",
    "no_cases": "没有案件",
    "language": "English",
    "error": "错误",
    "show_closed": "显示已结束的案件",
    "at": "时间",
    "actor": "操作人",
    "event": "事件",
    "warnings": "提示",
    "yes_closed": "已结束",
    "requests": "要求补充",
    "opened_manual": "人工开立的案件",
    "missing_notice": "{case}（{state}）尚未登记办公室的{notice}：请在本案件登记该通知",
    "opened_adopted": "从数据来源采纳的在审案件",
    "requests_help": "补充材料通知要求的材料（由供应商提供的材料使待办方为供应商）",
}

_EN: dict[str, str] = {
    "open": "To declare",
    "declared": "Declared",
    "preliminary": "Preliminary review",
    "member_opinions": "Member opinions",
    "special_review": "Special review",
    "supplementing": "Supplementing",
    "closed": "Closed",
    "actual": "actual",
    "projected": "projected",
    "provisional": "provisional",
    "operator": "Operator",
    "office": "Office",
    "vendor": "Vendor",
    "app": "Cybersecurity review cases",
    "board": "Case board",
    "waivers": "Waivers",
    "sweeps": "Sweeps",
    "audit": "Audit trail",
    "sign_in": "Sign in",
    "sign_out": "Sign out",
    "token": "Token",
    "token_help": "A reviewer's or auditor's API token (cyberreview tokens create)",
    "signed_in_as": "Signed in as",
    "read_only": "read-only (auditor)",
    "record": "Record",
    "product": "Product",
    "system": "System",
    "cii": "CII",
    "not_cii": "not CII",
    "planned_go_live": "Planned go-live",
    "days_left": "Working days left",
    "overdue": "Overdue",
    "go_live_at_risk": "Go-live at risk",
    "holder": "Action with",
    "office_ref": "Office ref.",
    "filter": "Filter",
    "all": "All",
    "yes": "yes",
    "no": "no",
    "kind": "Kind",
    "state": "State",
    "count": "Count",
    "facts": "Facts",
    "findings": "Findings",
    "fix": "Fix",
    "timeline": "Timeline",
    "clocks": "Clocks",
    "period": "Period",
    "days": "Working days",
    "started_on": "Started",
    "deadline": "Deadline",
    "basis": "Basis",
    "status": "Status",
    "notices": "Notices",
    "materials": "Materials",
    "attached": "attached",
    "listed": "listed by the source",
    "missing": "missing",
    "upload": "Upload",
    "download": "Download",
    "file": "File",
    "actions": "Actions",
    "move_to": "Move to",
    "date": "Date",
    "note": "Note",
    "save": "Save",
    "mark_complex": "Mark complex",
    "extend": "Extend special review",
    "record_notice": "Record a notice of the Office",
    "ref": "Reference",
    "answers": "Answers notice",
    "export_dossier": "Export dossier",
    "conclusion_field": "Conclusion",
    "reason": "Reason",
    "none": "none",
    "rule": "Rule",
    "scope": "Scope",
    "ticket": "Ticket",
    "requester": "Requester",
    "approver": "Approver",
    "expires": "Expires",
    "expiring_soon": "expires within 30 days",
    "approve": "Approve",
    "reject": "Reject",
    "request_waiver": "Request a waiver",
    "four_eyes": "A waiver is approved by another reviewer than the one who asked.",
    "sweep_history": "Sweep history",
    "complete": "complete",
    "incomplete": "incomplete",
    "records": "Records",
    "decisions": "Decisions",
    "allow": "allow",
    "warn": "warn",
    "block": "block",
    "changed_findings": "Findings new in this sweep",
    "started_at": "Started",
    "as_of": "As of",
    "no_cases": "No cases",
    "language": "中文",
    "error": "Error",
    "show_closed": "Show closed cases",
    "at": "At",
    "actor": "Actor",
    "event": "Event",
    "warnings": "Warnings",
    "yes_closed": "closed",
    "requests": "asks for",
    "opened_manual": "opened by hand",
    "missing_notice": "no {notice} of the Office on file for {case} ({state})",
    "opened_adopted": "a running review adopted from the source",
    "requests_help": "Materials a supplement request asks for (vendor material: the vendor acts)",
}

_TABLES = {"zh-CN": _ZH, "en": _EN}

#: the ids the pages show of the store (roles, history, audit actions, waiver states and
#: scopes), by tag: (English, Chinese); an id no table knows is shown as it is
_TAGGED: dict[str, dict[str, tuple[str, str]]] = {
    "role": {
        "reviewer": ("reviewer", "审查员"),
        "auditor": ("auditor", "审计员"),
        "gate": ("gate", "门禁"),
    },
    "event": {
        "opened": ("opened", "开立"),
        "transition": ("transition", "状态变更"),
        "extend": ("extended", "延长"),
        "attach": ("material attached", "上传材料"),
        "complex": ("marked complex", "标记为情况复杂"),
        "notice": ("notice of the Office", "办公室通知"),
        "note": ("note", "备注"),
        "reopened": ("reopened", "重新开立"),
    },
    "action": {
        "case.opened": ("case opened", "开立案件"),
        "case.transition": ("case moved", "案件状态变更"),
        "case.attached": ("material attached", "上传材料"),
        "case.complex": ("marked complex", "标记为情况复杂"),
        "case.extend": ("special review extended", "延长特别审查"),
        "case.extended": ("special review extended", "延长特别审查"),
        "case.facts": ("deciding facts recorded", "记录决定事实"),
        "case.note": ("note", "备注"),
        "case.notice": ("notice of the Office", "登记办公室通知"),
        "case.record": ("record changed", "记录更新"),
        "case.tracked": ("tracker issue linked", "关联工单"),
        "gate.override": ("single-run override", "单次放行"),
        "source.checkpoint": ("source checkpoint", "数据源检查点"),
        "source.quarantine": ("record quarantined", "记录隔离"),
        "token.created": ("token created", "创建令牌"),
        "token.revoked": ("token revoked", "吊销令牌"),
        "ui.login": ("signed in", "登录"),
        "ui.login_failed": ("sign-in refused", "登录失败"),
        "waiver.added": ("waiver added", "添加豁免"),
        "waiver.approved": ("waiver approved", "批准豁免"),
        "waiver.imported": ("waiver imported", "导入豁免"),
        "waiver.rejected": ("waiver rejected", "驳回豁免"),
        "waiver.requested": ("waiver requested", "申请豁免"),
        "waiver.revoked": ("waiver revoked", "撤销豁免"),
    },
    "waiver_state": {
        "active": ("active", "生效"),
        "expired": ("expired", "已过期"),
        "revoked": ("revoked", "已撤销"),
        "not yet": ("not yet in force", "尚未生效"),
        "requested": ("requested", "待批准"),
        "rejected": ("rejected", "已驳回"),
    },
    "scope": {
        "record": ("record", "记录"),
        "product_model": ("product model", "产品型号"),
        "vendor": ("vendor", "供应商"),
        "operator": ("operator", "运营者"),
    },
}


def word(lang: str, key: str) -> str:
    """``key`` in ``lang`` (the key itself where no table has it)."""
    return _TABLES.get(lang, _ZH).get(key, key)


def pick_lang(text: str | None) -> str:
    """A language the board speaks: ``text`` if it is one, else the default."""
    return text if text in LANGS else DEFAULT_LANG


def tagged(lang: str, tag: str, key: object) -> str:
    """An id of the store (``tag``: role, event, action, waiver_state, scope) in ``lang``;
    as it is when no table knows it."""
    pair = _TAGGED.get(tag, {}).get(str(key))
    if pair is None:
        return str(key)
    return pair[0] if lang == "en" else pair[1]


#: the board's own refusals in Chinese (pattern of the English, its Chinese)
_SAID_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(english), chinese)
    for english, chinese in (
        (r"(\w+): a date, YYYY-MM-DD", r"\1：须为日期（YYYY-MM-DD）"),
        (r"note: say why \(a note is required\)", "说明：请写明原因（必填）"),
        (r"days: a number of working days", "工作日：请填写工作日数"),
        (r"ref: the notice's reference number", "文号：请填写通知的文号"),
        (r"file: choose a file to upload", "文件：请选择要上传的文件"),
        (r"kind: one of (.*)", r"类型：须为 \1 之一"),
        (r"scope: (.*)", r"范围：须为 \1 之一"),
        (
            r"the form's CSRF token is missing or wrong: reload the page",
            "表单的 CSRF 令牌缺失或有误：请刷新页面后重试",
        ),
        (r"unknown or revoked token", "令牌未知或已吊销"),
        (r"a (\w+) token cannot sign in to the case board", r"\1 令牌不能登录案件看板"),
        (
            r"too many failed sign-ins from this address: try again in (\d+) s",
            r"此地址登录失败次数过多：请 \1 秒后再试",
        ),
        (r"role (\w+) may not (\w+)", r"角色 \1 无权执行 \2"),
        (r"no case '([^']*)'.*", r"没有案件 \1"),
        (r"no action '([^']*)'", r"没有操作 \1"),
    )
)
#: a refusal naming where the store is: the page says less
_NO_CASE = re.compile(r"(no case '[^']*') in .*")


def said(lang: str, message: str) -> str:
    """A refusal's message on a page in ``lang``: the board's own in Chinese from
    :data:`_SAID_ZH`, the tool's through its message catalog (else as it is)."""
    if lang == "en":
        return _NO_CASE.sub(r"\1", message)
    for pattern, chinese in _SAID_ZH:
        if pattern.fullmatch(message):
            return pattern.sub(chinese, message)
    from ...i18n.catalog import gettext_in

    return gettext_in(message, "zh-CN")
