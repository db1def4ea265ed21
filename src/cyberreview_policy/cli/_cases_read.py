"""``cases list``, ``cases show`` and ``cases material``: reading cases (and, for
``material``, writing one file out byte for byte)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Any

from ..env import redact_url
from ..errors import UsageError
from ..i18n import N_, _, current_lang, pad, word
from ..runtime import Runtime
from ._common import EXIT_OK
from ._render import printable


def _deadline(clock: Any) -> str:
    """A deadline as people read it: provisional past the known official calendar."""
    shown = _date(clock.deadline)
    return _("{date} (provisional)").format(date=shown) if clock.provisional else shown


def _date(value: dt.date | None) -> str:
    from ..i18n import date

    lang = current_lang()
    return str(value) if value is None or lang == "en" else date(value, lang)


def _word(kind: str, value: Any) -> str:
    """A value as a word in a language other than English (English keeps the value)."""
    lang = current_lang()
    return str(value) if lang == "en" or value is None else word(kind, value, "zh-CN")


def _list_cells(selected: Any) -> list[str]:
    case, clock, golive = selected.case, selected.clock, selected.golive
    when = ""
    if clock is not None:
        late = _(" OVERDUE") if clock.elapsed else ""
        projected = _(" (projected)") if clock.projected else ""
        when = _("{period}{projected} until {deadline}{late}").format(
            period=_word("period", clock.period),
            projected=projected,
            deadline=_deadline(clock),
            late=late,
        )
    plan = ""
    if golive.planned is not None:
        plan = _("go-live {date}").format(date=_date(golive.planned))
        plan += _(" AT RISK") if golive.at_risk else ""
    summary = case.summary
    cells = [
        case.id,
        _word("case_kind", case.kind),
        _word("case_state", case.state),
        case.record_id,
        case.rule,
        summary.get("operator") or "-",
        summary.get("product") or "-",
        _("opened {date}").format(date=_date(case.opened_on)),
        when,
        plan,
    ]
    return [printable(str(cell)) for cell in cells]


def _table(rows: list[list[str]]) -> str:
    """Columns aligned (by characters), trailing blanks dropped."""
    from ..i18n import width as columns

    widths = [max(columns(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    from ..cases.query import CaseQuery, select
    from ..cases.views import case_row

    as_of = args.as_of or dt.date.today()
    query = CaseQuery(
        state=args.state,
        kind=args.kind,
        record=args.record,
        operator=args.operator,
        system=args.system,
        overdue=True if args.overdue else None,
        go_live_at_risk=True if args.go_live_at_risk else None,
        include_closed=args.all,
    )
    store = rt.store()
    try:
        rows, _more = select(store, query, rt.calendar, as_of)
    finally:
        store.close()
    if args.format == "json":
        data = [case_row(s.case, s.clock, s.golive) for s in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not rows:
        closed = "" if args.all or args.state else _(" (closed cases are listed with --all)")
        none = _("no cases in {store}").format(store=redact_url(store.url))
        sys.stdout.write(f"{none}{closed}\n")
        return EXIT_OK
    sys.stdout.write(_table([_list_cells(selected) for selected in rows]))
    return EXIT_OK


_STATUS = {
    "paused": N_("paused (supplementing)"),
    "elapsed": N_("ELAPSED"),
    "not recorded": N_("end not recorded"),
    "not reached": N_("not reached"),
    "running": N_("running"),
    "to come": N_("to come"),
}


def _clock_line(clock: Any) -> str:
    status = _(_STATUS.get(clock.status, clock.status))
    if clock.status == "ended":
        status = _("ended {date}").format(date=_date(clock.ended_on))
        status += _(" (after it)") if clock.elapsed else ""
    basis = _("projected") if clock.projected else _("actual")
    if current_lang() == "en":
        return (
            f"  {clock.period:<19} {clock.days:>3} days  {basis:<9}  from {clock.started_on}  "
            f"until {_deadline(clock)}  {status}\n"
        )
    period = pad(_word("period", clock.period), 19)
    return (
        f"  {period} "
        + _("{days} working days").format(days=f"{clock.days:>3}")
        + f"  {pad(basis, 9)}  "
        + _("from {start} until {deadline}").format(
            start=_date(clock.started_on), deadline=_deadline(clock)
        )
        + f"  {status}\n"
    )


_EVENTS = {
    "opened": N_("opened"),
    "extend": N_("extended"),
    "attach": N_("material attached"),
    "complex": N_("complex review"),
    "notice": N_("notice of the Office"),
    "note": N_("note"),
    "reopened": N_("reopened"),
}


def _event_line(event: Any) -> str:
    if current_lang() != "en":
        return _event_line_local(event)
    step = f"{event.from_state} -> {event.to_state}" if event.kind == "transition" else event.kind
    details = event.details
    extra = ""
    if details.get("complex"):
        extra = " (complex)"
    elif event.kind == "extend":
        extra = f" (+{details.get('days')} working days)"
    elif event.kind == "attach":
        extra = f" ({details.get('material')}@{details.get('version', 1)})"
    elif event.kind == "notice":
        extra = f" ({details.get('notice')} {details.get('ref')})"
    for key in ("conclusion", "reason", "reopens", "reopened_by"):
        if key in details:
            extra += f" ({key.replace('_', ' ')}: {details[key]})"
    if details.get("planned"):
        extra += " (planned)"
    if details.get("recorded") is False:
        extra += " (date not recorded: projected)"
    note = f": {event.note}" if event.note else ""
    return printable(f"  {event.on}  {step}{extra} by {event.actor}{note}") + "\n"


def _event_line_local(event: Any) -> str:
    """A step of the history in the language of this context: states as words."""
    if event.kind == "transition":
        step = f"{_word('case_state', event.from_state)} → {_word('case_state', event.to_state)}"
    else:
        step = _(_EVENTS.get(event.kind, event.kind))
    details = event.details
    extra = ""
    if event.kind == "attach":
        extra = f"（{_word('material', details.get('material'))}@{details.get('version', 1)}）"
    elif event.kind == "notice":
        extra = f"（{_word('notice', details.get('notice'))} {details.get('ref')}）"
    elif event.kind == "extend":
        extra = "（+" + _("{days} working days").format(days=details.get("days")) + "）"
    if "conclusion" in details:
        extra += f"（{_word('conclusion', details['conclusion'])}）"
    if "reason" in details:
        extra += f"（{_word('withdraw_reason', details['reason'])}）"
    if details.get("planned"):
        extra += _(" (planned)")
    if details.get("recorded") is False:
        extra += _(" (date not recorded: projected)")
    by = _(" by {actor}").format(actor=event.actor)
    note = f"：{event.note}" if event.note else ""
    return printable(f"  {_date(event.on)}  {step}{extra}{by}{note}") + "\n"


def _text(data: dict[str, Any], case: Any, clocks: list[Any], materials: bool) -> str:
    golive = data["go_live"]
    planned = golive["planned"]
    plan = "-" if not planned else _date(dt.date.fromisoformat(str(planned)))
    if golive["earliest_clearance"]:
        earliest = _date(dt.date.fromisoformat(str(golive["earliest_clearance"])))
        plan += _(" (earliest clearance {date}").format(date=earliest)
        plan += _(", provisional") if golive["provisional"] else ""
        plan += _("; AT RISK)") if golive["at_risk"] else _(")")
    conclusion = data["conclusion"]
    state = _word("case_state", case.state)
    rows = [
        (N_("case"), case.id),
        (N_("kind"), _word("case_kind", case.kind)),
        (N_("state"), state + (f" ({_word('conclusion', conclusion)})" if conclusion else "")),
        (N_("record"), f"{case.record_id} ({case.record_key})"),
        (N_("operator"), data["operator"]),
        (N_("product"), data["product"]),
        (N_("system"), data["system"]),
        (N_("opened by"), _("rule {rule} of {pack}").format(rule=case.rule, pack=case.pack or "-")),
        (N_("opened on"), _date(case.opened_on)),
        (N_("go-live"), plan),
        (N_("reopens"), data["reopens"]),
        (N_("reopened by"), data["reopened_by"]),
        (N_("record digest"), case.record_digest),
    ]
    out = "".join(
        f"{pad(_(name), 14)} {printable(str(value)) if value is not None else '-'}\n"
        for name, value in rows
        if value is not None or name not in ("reopens", "reopened by")
    )
    if clocks:
        out += "\n" + _("clocks (working days, as of {date})").format(date=data["as_of"]) + "\n"
        out += "".join(_clock_line(clock) for clock in clocks)
    if case.kind == "review":
        out += "\n" + _("materials ({article})").format(article=data["checklist_article"]) + "\n"
        for kind, where in data["checklist"].items():
            note = {"attached": _("  (attached)"), "source": _("  (listed by the source)")}.get(
                where or "", ""
            )
            out += f"  [{'x' if where else ' '}] {_word('material', kind)}{note}\n"
    if data["notices"]:
        out += "\n" + _("notices of the Office") + "\n"
        for notice in data["notices"]:
            answered = ", ".join(notice["answered_by"])
            tail = _("  answered by {cases}").format(cases=answered) if answered else ""
            kind = pad(_word("notice", notice["kind"]), 19)
            out += printable(f"  {notice['on']}  {kind} {notice['ref']}{tail}") + "\n"
    if materials and case.materials:
        out += "\nattached files (confidential)\n"
        for item in case.materials:
            answers = f"  answers {item.answers}" if item.answers else ""
            line = (
                f"  {item.name:<24} {item.filename}  {item.size} bytes  "
                f"sha256:{item.sha256[:16]}  {item.attached_on} by {item.actor}{answers}"
            )
            out += printable(line) + "\n"
    out += "\n" + _("history") + "\n" + "".join(_event_line(event) for event in case.events)
    for warning in data["warnings"]:
        out += "\n" + _("warning: {text}").format(text=printable(warning)) + "\n"
    return out


def run_show(args: argparse.Namespace, rt: Runtime) -> int:
    from ..cases.views import case_detail, clocks

    as_of = args.as_of or dt.date.today()
    store = rt.store()
    try:
        case = store.get(args.case_id)
    finally:
        store.close()
    data = case_detail(case, rt.calendar, as_of, materials=args.materials)
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        if rt.lang != "en":  # the article as cited in the language asked
            article = rt.catalog.law.cite_in(data["checklist_article"], rt.lang)
            data = {**data, "checklist_article": article, "as_of": _date(as_of)}
        sys.stdout.write(_text(data, case, clocks(case, rt.calendar, as_of), args.materials))
    return EXIT_OK


def run_material(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        material, content = store.material_named(args.case_id, args.name)
    finally:
        store.close()
    try:  # owner-only, and never over a file that exists (confidential, Art. 16)
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(
            _("--output {output} exists: give a new file").format(output=args.output)
        ) from None
    except OSError as exc:
        raise UsageError(
            _("cannot write {output}: {value}").format(
                output=args.output, value=exc.strerror or exc
            )
        ) from None
    with os.fdopen(fd, "wb") as stream:
        stream.write(content)
    sys.stdout.write(
        f"{args.case_id}: {material.name} ({material.size} bytes, sha256 "
        f"{material.sha256[:16]}) written to {args.output}\n"
    )
    return EXIT_OK
