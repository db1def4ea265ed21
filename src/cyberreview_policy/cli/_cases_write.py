"""``cases open``, ``transition``, ``mark-complex``, ``extend``, ``attach`` and
``notice``: what moves a case, each one line on stdout (warnings on stderr)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..env import current_actor
from ..errors import UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import EXIT_OK, note, select_packs
from ._render import printable


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or current_actor())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(
            _("cannot read {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None


def _tail(case: Any, rt: Runtime, on: dt.date) -> str:
    from ..cases.views import running

    if case.state == "supplementing":
        from ..models.measures import measures_on

        which = measures_on(on)
        return (
            "; the clocks stand still until the material is supplied "
            f"({which.cite(which.supplementing)})"
        )
    clock = running(case, rt.calendar, on)
    if clock is None:
        return ""
    mark = " (provisional)" if clock.provisional else ""
    basis = " (projected)" if clock.projected else ""
    return f"; {clock.period}{basis} until {clock.deadline}{mark}"


def run_open(args: argparse.Namespace, rt: Runtime) -> int:
    from ..engine.gatekeeper import Gatekeeper
    from .gate import fetch_one, read_one

    as_of = args.as_of or dt.date.today()
    record = fetch_one(args.source, args.record, rt) if args.source else read_one(args.record, rt)
    engine = rt.engine(select_packs(rt, args.pack, as_of))
    store = rt.store()
    try:
        gatekeeper = Gatekeeper(engine, store, rt.calendar, _actor(args))
        case, created = gatekeeper.open_case(record, args.kind, as_of)
    finally:
        store.close()
    said = "opened" if created else "is open already" if case.is_open else "is"
    said = f"{case.id} ({case.kind}, {case.state}) {said} for {case.record_id}"
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


def run_transition(args: argparse.Namespace, rt: Runtime) -> int:
    from ..cases.views import missing_notice

    store = rt.store()
    try:
        case = store.transition(
            args.case_id,
            args.state,
            on=args.on,
            actor=_actor(args),
            note=args.note,
            complex_review=args.complex,
            conclusion=args.conclusion,
            reason=args.reason,
            planned=args.planned,
        )
    finally:
        store.close()
    planned = " (planned)" if args.planned else ""
    sys.stdout.write(
        f"{case.id} is {case.state} from {args.on}{planned}{_tail(case, rt, args.on)}\n"
    )
    warning = missing_notice(case)
    if warning:
        note(_("warning: {warning}").format(warning=warning))
    return EXIT_OK


def run_mark_complex(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        case = store.mark_complex(
            args.case_id, on=args.on, actor=_actor(args), note=args.note, calendar=rt.calendar
        )
    finally:
        store.close()
    sys.stdout.write(f"{case.id} is a complex review{_tail(case, rt, args.on)}\n")
    return EXIT_OK


def run_extend(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        case = store.extend(
            args.case_id, args.days, args.on, _actor(args), args.note, calendar=rt.calendar
        )
    finally:
        store.close()
    tail = _tail(case, rt, args.on).replace(";", ":", 1)
    sys.stdout.write(f"{case.id} extended by {args.days} working days{tail}\n")
    return EXIT_OK


def run_attach(args: argparse.Namespace, rt: Runtime) -> int:
    content = _read(args.file)
    store = rt.store()
    try:
        material = store.attach(
            args.case_id,
            args.kind,
            args.file.name,
            content,
            on=args.on or dt.date.today(),
            actor=_actor(args),
            answers=args.answers,
        )
    finally:
        store.close()
    answers = f", answering {material.answers}" if material.answers else ""
    sys.stdout.write(
        f"{args.case_id}: {material.kind} on file as {material.name} ({material.size} bytes"
        f"{answers})\n"
    )
    return EXIT_OK


def run_notice(args: argparse.Namespace, rt: Runtime) -> int:
    from ..cases.base import Notice

    content = _read(args.file) if args.file else None
    notice = Notice(
        args.kind,
        args.ref,
        args.on,
        args.note,
        args.file.name if args.file else None,
        content,
        requests=tuple(args.requests or ()),
    )
    store = rt.store()
    try:
        case = store.notice(args.case_id, notice, actor=_actor(args))
    finally:
        store.close()
    kept = case.notices()[-1].details.get("material")
    letter = f"; the letter is on file as {kept}" if kept else ""
    sys.stdout.write(f"{case.id}: {args.kind} notice {notice.ref.strip()} of {args.on}{letter}\n")
    return EXIT_OK
