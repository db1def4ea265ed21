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
from ..runtime import Runtime
from ._common import EXIT_OK
from ._render import printable


def _deadline(clock: Any) -> str:
    """A deadline as people read it: provisional past the known official calendar."""
    return f"{clock.deadline} (provisional)" if clock.provisional else str(clock.deadline)


def _list_cells(selected: Any) -> list[str]:
    case, clock, golive = selected.case, selected.clock, selected.golive
    when = ""
    if clock is not None:
        late = " OVERDUE" if clock.elapsed else ""
        projected = " (projected)" if clock.projected else ""
        when = f"{clock.period}{projected} until {_deadline(clock)}{late}"
    plan = ""
    if golive.planned is not None:
        plan = f"go-live {golive.planned}" + (" AT RISK" if golive.at_risk else "")
    summary = case.summary
    cells = [
        case.id,
        case.kind,
        case.state,
        case.record_id,
        case.rule,
        summary.get("operator") or "-",
        summary.get("product") or "-",
        f"opened {case.opened_on}",
        when,
        plan,
    ]
    return [printable(str(cell)) for cell in cells]


def _table(rows: list[list[str]]) -> str:
    """Columns aligned (by characters), trailing blanks dropped."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
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
        rows, _ = select(store, query, rt.calendar, as_of)
    finally:
        store.close()
    if args.format == "json":
        data = [case_row(s.case, s.clock, s.golive) for s in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not rows:
        closed = "" if args.all or args.state else " (closed cases are listed with --all)"
        sys.stdout.write(f"no cases in {redact_url(store.url)}{closed}\n")
        return EXIT_OK
    sys.stdout.write(_table([_list_cells(selected) for selected in rows]))
    return EXIT_OK


_STATUS = {
    "paused": "paused (supplementing)",
    "elapsed": "ELAPSED",
    "not recorded": "end not recorded",
    "not reached": "not reached",
}


def _clock_line(clock: Any) -> str:
    status = _STATUS.get(clock.status, clock.status)
    if clock.status == "ended":
        status = f"ended {clock.ended_on}" + (" (after it)" if clock.elapsed else "")
    basis = "projected" if clock.projected else "actual"
    return (
        f"  {clock.period:<19} {clock.days:>3} days  {basis:<9}  from {clock.started_on}  "
        f"until {_deadline(clock)}  {status}\n"
    )


def _event_line(event: Any) -> str:
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


def _text(data: dict[str, Any], case: Any, clocks: list[Any], materials: bool) -> str:
    golive = data["go_live"]
    plan = golive["planned"] or "-"
    if golive["earliest_clearance"]:
        plan += f" (earliest clearance {golive['earliest_clearance']}"
        plan += ", provisional" if golive["provisional"] else ""
        plan += "; AT RISK)" if golive["at_risk"] else ")"
    rows = [
        ("case", case.id),
        ("kind", case.kind),
        ("state", case.state + (f" ({data['conclusion']})" if data["conclusion"] else "")),
        ("record", f"{case.record_id} ({case.record_key})"),
        ("operator", data["operator"]),
        ("product", data["product"]),
        ("system", data["system"]),
        ("opened by", f"rule {case.rule} of {case.pack or '-'}"),
        ("opened on", case.opened_on.isoformat()),
        ("go-live", plan),
        ("reopens", data["reopens"]),
        ("reopened by", data["reopened_by"]),
        ("record digest", case.record_digest),
    ]
    out = "".join(
        f"{name:<14} {printable(str(value)) if value is not None else '-'}\n"
        for name, value in rows
        if value is not None or name not in ("reopens", "reopened by")
    )
    if clocks:
        out += f"\nclocks (working days, as of {data['as_of']})\n"
        out += "".join(_clock_line(clock) for clock in clocks)
    if case.kind == "review":
        out += f"\nmaterials ({data['checklist_article']})\n"
        for kind, where in data["checklist"].items():
            note = {"attached": "  (attached)", "source": "  (listed by the source)"}.get(
                where or "", ""
            )
            out += f"  [{'x' if where else ' '}] {kind}{note}\n"
    if data["notices"]:
        out += "\nnotices of the Office\n"
        for notice in data["notices"]:
            answered = ", ".join(notice["answered_by"])
            tail = f"  answered by {answered}" if answered else ""
            out += printable(f"  {notice['on']}  {notice['kind']:<19} {notice['ref']}{tail}") + "\n"
    if materials and case.materials:
        out += "\nattached files (confidential)\n"
        for item in case.materials:
            answers = f"  answers {item.answers}" if item.answers else ""
            line = (
                f"  {item.name:<24} {item.filename}  {item.size} bytes  "
                f"sha256:{item.sha256[:16]}  {item.attached_on} by {item.actor}{answers}"
            )
            out += printable(line) + "\n"
    out += "\nhistory\n" + "".join(_event_line(event) for event in case.events)
    for warning in data["warnings"]:
        out += f"\nwarning: {printable(warning)}\n"
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
        raise UsageError(f"--output {args.output} exists: give a new file") from None
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "wb") as stream:
        stream.write(content)
    sys.stdout.write(
        f"{args.case_id}: {material.name} ({material.size} bytes, sha256 "
        f"{material.sha256[:16]}) written to {args.output}\n"
    )
    return EXIT_OK
