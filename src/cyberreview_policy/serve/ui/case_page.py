"""The case page ``/ui/cases/{id}`` and what a reviewer does there.

The page shows :func:`~cyberreview_policy.cases.views.case_detail` (what ``GET
/v1/cases/{id}`` answers) with the finding that opened the case; the forms post
to the same store calls as ``/v1/cases/{id}/...``.  A refusal of the procedure
(a state it cannot go to, a date after today) is shown on the page, with the
form as it was sent.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
import functools
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request

from ...errors import Refusal
from ...i18n.catalog import _
from .pages import UiContext, _see
from .words import word

#: the actions of the page: path, the permission they need
ACTIONS = ("transition", "notice", "materials", "complex", "extend")


def _date(fields: dict[str, str], name: str = "on") -> dt.date:
    try:
        return dt.date.fromisoformat(fields.get(name, ""))
    except ValueError:
        raise Refusal(
            400, "invalid_request", _("{name}: a date, YYYY-MM-DD").format(name=name)
        ) from None


def _note(fields: dict[str, str]) -> str:
    note = fields.get("note", "").strip()
    if not note:
        raise Refusal(400, "invalid_request", _("note: say why (a note is required)"))
    return note


@functools.lru_cache(maxsize=256)
def _rule(rt: Any, pack: str, rule: str, on: dt.date, lang: str) -> tuple[str, str | None]:
    """The title and the fix of the rule that opened a case, as its pack says on ``on``,
    in ``lang`` when the pack writes it in that language (its ``translations``, as the
    gate's ``*_localized`` fields), else in English."""
    try:
        for loaded in rt.packs([pack], on):
            for item in loaded.rules:
                if item.id == rule:
                    local = item.text_in(lang) if lang != "en" else None
                    if local is not None:
                        return local.title, local.remediation_on(on)
                    return item.title, item.remediation_on(on)
    except Exception:  # a pack no longer installed: the rule's id is all there is
        pass
    return rule, None


def view(ui: UiContext, case: Any, lang: str) -> dict[str, Any]:
    """What the case page shows of ``case``, in ``lang``."""
    from ...cases.lifecycle import next_states
    from ...cases.views import case_detail

    rt = ui.service.rt
    today = dt.date.today()
    detail = case_detail(case, rt.calendar, today, materials=True)
    by_hand = case.rule in ("manual", "adopted")  # opened by hand, adopted from a source
    title, fix = (word(lang, f"opened_{case.rule}") if by_hand else case.rule, None)
    if case.pack and not by_hand:
        title, fix = _rule(rt, case.pack, case.rule, case.opened_on, lang)
    return {
        "case": detail,
        "warnings": _warnings(case, detail, lang),
        "checklist_article": _cited(rt, detail["checklist_article"], lang),
        "finding": {"rule": case.rule, "title": title, "fix": fix, "pack": case.pack},
        "next": next_states(case.kind, case.state, case.events) if case.is_open else (),
        "is_open": case.is_open,
        "today": today.isoformat(),
    }


def _warnings(case: Any, detail: dict[str, Any], lang: str) -> list[str]:
    """The case's warnings (:func:`...cases.views.case_detail`) in ``lang``."""
    from ...cases.views import wanted_notice
    from ...i18n.words import word as value_word

    if lang == "en":
        return list(detail["warnings"])
    wanted = wanted_notice(case)
    if wanted is None:
        return []
    notice = value_word("notice", wanted, "zh-CN")  # the board speaks zh-CN or en
    state = value_word("case_state", case.state, "zh-CN")
    return [word(lang, "missing_notice").format(case=case.id, state=state, notice=notice)]


def _cited(rt: Any, citation: str, lang: str) -> str:
    """A citation of the Measures (``Measures 2021 Art. 8``) as the law texts write it in
    ``lang`` (《网络安全审查办法》第八条); as it is where they cannot."""
    if lang == "en":
        return citation
    try:
        return str(rt.catalog.law.cite_in(citation, lang))
    except Exception:  # no law texts loaded: the citation as it is
        return citation


def routes(app: FastAPI, ui: UiContext) -> None:
    from ...cases.base import MATERIAL_KINDS, NOTICE_KINDS

    async def show(request: Request, case_id: str, status: int = 200, error: str = "") -> Any:
        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_cases")
        case = await ui.in_store(lambda store: store.get(case_id))
        return ui.show(
            visitor,
            "case.html",
            status,
            here=f"/ui/cases/{case.id}",
            error=error,
            material_kinds=MATERIAL_KINDS,
            notice_kinds=NOTICE_KINDS,
            dossier=_dossier_available(),
            **view(ui, case, visitor.lang),
        )

    _dossier_route(app, ui)

    @app.get("/ui/cases/{case_id}", include_in_schema=False)
    async def case_page(request: Request, case_id: str) -> Any:
        return await show(request, case_id)

    @app.get("/ui/cases/{case_id}/materials/{name}", include_in_schema=False)
    async def material(request: Request, case_id: str, name: str) -> Any:
        from ..case_routes import _download

        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_material")
        found, content = await ui.in_store(lambda store: store.material_named(case_id, name))
        return _download(found, content)

    @app.post("/ui/cases/{case_id}/{action}", include_in_schema=False)
    async def act(request: Request, case_id: str, action: str) -> Any:
        if action not in ACTIONS:
            raise Refusal(404, "not_found", _("no action {action}").format(action=repr(action)))
        return await ui.submit(
            request,
            lambda visitor, fields, upload: _call(
                ui,
                action,
                case_id=case_id,
                fields=fields,
                upload=upload,
                actor=visitor.principal.actor,
            ),
            lambda visitor, fields: _see(f"/ui/cases/{case_id}"),
            permission="attach" if action == "materials" else "transition",
            reshow=lambda status, message: show(request, case_id, status, message),
            shown=(400, 409),
        )


def _dossier_route(app: FastAPI, ui: UiContext) -> None:
    @app.get("/ui/cases/{case_id}/dossier", include_in_schema=False)
    async def dossier(request: Request, case_id: str) -> Any:
        """The declaration dossier, in the page's language (as ``GET /v1/cases/{id}/dossier``)."""
        from ..dossier_routes import dossier_response

        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        who = visitor.require("read_material")
        if not _dossier_available():
            raise Refusal(501, "dossier_unavailable", "the service lacks the dossier extra")
        today = dt.date.today()

        def build(store: Any) -> Any:
            from ...dossier import build_dossier
            from ...errors import DossierError

            try:
                return build_dossier(
                    store,
                    case_id,
                    calendar=ui.service.rt.calendar,
                    as_of=today,
                    actor=who.actor,
                    lang=visitor.lang,
                )
            except DossierError as exc:
                raise Refusal(413, "dossier_too_large", str(exc)) from None

        return dossier_response(await ui.in_store(build))


def _call(
    ui: UiContext,
    action: str,
    *,
    case_id: str,
    fields: dict[str, str],
    upload: tuple[str, bytes] | None,
    actor: str,
) -> Any:
    """``fn(store)`` doing ``action`` as the API's route for it does."""
    from ...cases.base import MATERIAL_KINDS, NOTICE_KINDS, Notice
    from ..case_routes import _filename

    calendar = ui.service.rt.calendar
    if action == "transition":
        on, note = _date(fields), _note(fields)
        return lambda store: store.transition(
            case_id,
            fields.get("to", ""),
            on=on,
            actor=actor,
            note=note,
            conclusion=fields.get("conclusion") or None,
            reason=fields.get("reason") or None,
        )
    if action == "complex":
        on, note = _date(fields), _note(fields)
        return lambda store: store.mark_complex(
            case_id, on=on, actor=actor, note=note, calendar=calendar
        )
    if action == "extend":
        on, note = _date(fields), _note(fields)
        days = fields.get("days", "")
        if not days.isdigit() or not 1 <= int(days) <= 365:
            raise Refusal(400, "invalid_request", _("days: a number of working days"))
        return lambda store: store.extend(case_id, int(days), on, actor, note, calendar=calendar)
    if action == "notice":
        if fields.get("kind") not in NOTICE_KINDS:
            raise Refusal(
                400,
                "invalid_request",
                _("kind: one of {value}").format(value=", ".join(NOTICE_KINDS)),
            )
        on, ref = _date(fields), fields.get("ref", "").strip()
        if not ref:
            raise Refusal(400, "invalid_request", _("ref: the notice's reference number"))
        name = _filename(upload[0], f"{ref}.pdf") if upload and upload[1] else None
        asked = tuple(k for k in MATERIAL_KINDS if fields.get(f"request_{k}"))
        letter = Notice(
            fields.get("kind", ""),
            ref,
            on,
            fields.get("note") or None,
            name,
            upload[1] if name and upload else None,
            requests=asked,
        )
        return lambda store: store.notice(case_id, letter, actor=actor)
    # materials
    if fields.get("kind") not in MATERIAL_KINDS:
        raise Refusal(
            400,
            "material_refused",
            _("kind: one of {value}").format(value=", ".join(MATERIAL_KINDS)),
        )
    if upload is None or not upload[1]:
        raise Refusal(400, "material_refused", _("file: choose a file to upload"))
    on = _date(fields) if fields.get("on") else dt.date.today()
    filename, content = _filename(upload[0], "upload.bin"), upload[1]
    return lambda store: store.attach(
        case_id,
        fields.get("kind", ""),
        filename,
        content,
        on=on,
        actor=actor,
        answers=fields.get("answers") or None,
    )


def _dossier_available() -> bool:
    """Whether the service can build dossiers (the ``dossier`` extra: python-docx)."""
    import importlib.util

    return importlib.util.find_spec("docx") is not None
