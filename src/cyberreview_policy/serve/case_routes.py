"""``/v1/cases``: everything ``cyberreview cases`` does, for reviewers (and, reading,
auditors); the gate's tokens never see a case.

- ``GET /v1/cases``: filtered (state, kind, operator, system, record, overdue,
  go_live_at_risk, all), paged after a cursor (the ``Link`` and ``X-Next-Cursor``
  headers give the next page); an unknown query parameter is 400.
- ``POST /v1/cases``: open one by hand; ``.../transitions``, ``.../complex``,
  ``.../extensions``, ``.../notices``; ``.../materials`` (a multipart form);
  ``GET .../materials/{name}``: the file, byte for byte.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from ..cases.base import MATERIAL_KINDS, MAX_MATERIAL_BYTES
from ..cases.lifecycle import STATES
from ..errors import Refusal
from ..i18n.catalog import _
from .auth import Principal
from .openapi import form_body, json_body
from .schemas import ErrorResponse, TransitionRequest

InStore = Callable[[Callable[..., Any]], Awaitable[Any]]
QUERY = ("state", "kind", "operator", "system", "record", "overdue", "go_live_at_risk", "all")
PAGING = ("cursor", "limit", "as_of")
DEFAULT_PAGE = 100
KINDS = ("assessment", "review", "remediation")
_CASE_ID = re.compile(r"^CR-\d{1,12}$")
#: the routes that take a file: their bodies may be as large as material
UPLOADS = re.compile(r"^/v1/cases/[^/]+/(materials|notices)$")
UPLOAD_LIMIT = MAX_MATERIAL_BYTES + 256 * 1024


def _bad(name: str, message: str) -> Refusal:
    return Refusal(
        400, "invalid_request", f"{name}: {message}", [{"path": name, "message": message}]
    )


def _one_of(values: Any) -> str:
    """What a parameter that takes one of ``values`` is told."""
    return _("one of {values}").format(values=", ".join(values))


def _a_date() -> str:
    """What a parameter that takes a date is told."""
    return _("a date, YYYY-MM-DD")


def _flag(value: str, name: str) -> bool:
    if value not in ("true", "false"):
        raise _bad(name, _("true or false"))
    return value == "true"


def case_query(request: Request) -> tuple[Any, dt.date]:
    """The query of ``GET /v1/cases``: every parameter checked, none ignored."""
    from ..cases.query import MAX_PAGE, CaseQuery

    params = request.query_params
    unknown = sorted(set(params) - {*QUERY, *PAGING})
    if unknown:
        known = ", ".join((*QUERY, *PAGING))
        raise _bad(unknown[0], _("unknown query parameter (known: {known})").format(known=known))
    state, kind = params.get("state"), params.get("kind")
    if state is not None and state not in STATES:
        raise _bad("state", _one_of(STATES))
    if kind is not None and kind not in KINDS:
        raise _bad("kind", _one_of(KINDS))
    cursor = params.get("cursor")
    if cursor is not None and not _CASE_ID.match(cursor):
        raise _bad("cursor", _("a case id, as the previous page's X-Next-Cursor gave it"))
    limit = params.get("limit", str(DEFAULT_PAGE))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE:
        raise _bad("limit", _("a number from 1 to {maximum}").format(maximum=MAX_PAGE))
    try:
        as_of = dt.date.fromisoformat(params["as_of"]) if "as_of" in params else dt.date.today()
    except ValueError:
        raise _bad("as_of", _a_date()) from None
    flags = {
        name: _flag(params[name], name)
        for name in ("overdue", "go_live_at_risk", "all")
        if name in params
    }
    query = CaseQuery(
        state=state,
        kind=kind,
        record=params.get("record"),
        operator=params.get("operator"),
        system=params.get("system"),
        overdue=flags.get("overdue"),
        go_live_at_risk=flags.get("go_live_at_risk"),
        include_closed=flags.get("all", False),
        after=cursor,
        limit=int(limit),
    )
    return query, as_of


def _parsed(model: Any, body: bytes) -> Any:
    """The JSON body as ``model``, checked whole first (a key given twice, NaN, NUL)."""
    from .bodies import parsed_body

    return parsed_body(model, body)


def _filename(name: str | None, fallback: str) -> str:
    """An uploaded file's name as kept: its last part, printable, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or fallback


def _download(material: Any, content: bytes) -> Response:
    """The file as an attachment (never rendered by a browser), named safely."""
    ascii_name = f"{material.kind}-v{material.version}"
    quoted = urllib.parse.quote(material.filename, safe="")
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
            ),
            "X-Content-SHA256": material.sha256,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


async def _form(request: Request) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """A multipart form: its text fields, and its one ``file`` (name, bytes) if any."""
    fields: dict[str, str] = {}
    upload: tuple[str, bytes] | None = None
    try:
        async with request.form(max_files=1, max_fields=20, max_part_size=UPLOAD_LIMIT) as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    fields[name] = value
                elif name == "file":
                    upload = (value.filename or "", await value.read())
                else:
                    raise _bad(name, _("the file goes in the part named file"))
    except Refusal:
        raise
    except Exception as exc:  # a malformed form: the parser's own error, said plainly
        raise Refusal(
            400, "invalid_request", _("the form cannot be read: {error}").format(error=exc)
        ) from None
    return fields, upload


def case_routes(
    app: FastAPI, service: Any, in_store: InStore, errors: dict[int | str, dict[str, Any]]
) -> None:
    """The routes; ``in_store(fn)`` runs ``fn(store)`` on a worker, refusals mapped;
    ``errors``: the refusals every route may give, for the description."""
    rt = service.rt
    refused = errors | {
        404: {"model": ErrorResponse, "description": "No such case (or material)"},
        409: {"model": ErrorResponse, "description": "Refused by the procedure"},
    }

    @app.get("/v1/cases", tags=["cases"], responses=refused)
    async def list_cases(
        request: Request, who: Annotated[Principal, Depends(service.permit("read_cases"))]
    ) -> Response:
        """Cases, oldest first, open ones unless ``all=true`` (or a ``state``), with the
        period running on ``as_of`` (default today) and the go-live; filtered by state,
        kind, record, operator, system, overdue, go_live_at_risk; a page of ``limit``
        (default 100) after ``cursor``.  An unknown parameter is 400."""
        from ..cases.query import select
        from ..cases.views import case_row

        query, as_of = case_query(request)
        rows, cursor = await in_store(lambda store: select(store, query, rt.calendar, as_of))
        response = _json([case_row(s.case, s.clock, s.golive) for s in rows])
        if cursor is not None:
            following = request.url.include_query_params(cursor=cursor)
            response.headers["Link"] = f'<{following}>; rel="next"'
            response.headers["X-Next-Cursor"] = cursor
        return response

    _open_route(app, service, in_store, refused)
    _step_routes(app, service, in_store, refused)
    _material_routes(app, service, in_store, refused)


def _detail(service: Any, case: Any, as_of: dt.date | None = None, **extra: Any) -> dict[str, Any]:
    from ..cases.views import case_detail

    return {**case_detail(case, service.rt.calendar, as_of or dt.date.today()), **extra}


def _open_route(app: FastAPI, service: Any, in_store: InStore, refused: Any) -> None:
    rt = service.rt

    @app.post(
        "/v1/cases",
        tags=["cases"],
        status_code=201,
        responses=refused,
        openapi_extra=json_body("OpenCaseRequest"),
    )
    async def open_case(
        request: Request, who: Annotated[Principal, Depends(service.permit("open_case"))]
    ) -> Response:
        """Open a case of a kind for a record (given, or fetched from a configured
        source), as ``cyberreview cases open`` does: 201 when opened (a running review
        adopted with the record's dates), 200 with the open one."""
        from .case_schemas import OpenCaseRequest

        ask = _parsed(OpenCaseRequest, await request.body())
        as_of = ask.as_of or dt.date.today()
        record = _record(service, ask)

        def run(store: Any) -> Any:
            from ..engine.gatekeeper import Gatekeeper

            engine = service.engines.for_date(as_of, store)
            return Gatekeeper(engine, store, rt.calendar, who.actor).open_case(
                record, ask.kind, as_of
            )

        case, created = await in_store(run)
        return _json(_detail(service, case, as_of, created=created), 201 if created else 200)

    @app.get("/v1/cases/{case_id}", tags=["cases"], responses=refused)
    async def show_case(
        case_id: str,
        who: Annotated[Principal, Depends(service.permit("read_cases"))],
        materials: bool = False,
    ) -> Response:
        """One case: clocks (actual or projected), the checklist, notices, its history
        (the attached files' names and versions only with ``materials=true``; their
        content only from ``/materials/{name}``)."""
        from ..cases.views import case_detail

        case = await in_store(lambda store: store.get(case_id))
        return _json(case_detail(case, rt.calendar, dt.date.today(), materials=materials))


def _step_routes(app: FastAPI, service: Any, in_store: InStore, refused: Any) -> None:
    rt = service.rt

    @app.post(
        "/v1/cases/{case_id}/transitions",
        tags=["cases"],
        responses=refused,
        openapi_extra=json_body("TransitionRequest"),
    )
    async def transition(
        case_id: str,
        request: Request,
        who: Annotated[Principal, Depends(service.permit("transition"))],
    ) -> Response:
        """Move a case through the procedure, as ``cyberreview cases transition`` does
        (``warnings``: a closed review without the Office's notice)."""
        step = _parsed(TransitionRequest, await request.body())
        case = await in_store(
            lambda store: store.transition(
                case_id,
                step.to,
                on=step.on,
                actor=who.actor,
                note=step.note,
                complex_review=step.complex,
                conclusion=step.conclusion,
                reason=step.reason,
                planned=step.planned,
            )
        )
        return _json(_detail(service, case, step.on))

    from .case_schemas import ComplexRequest, ExtendRequest

    def mark(store: Any, case_id: str, ask: Any, actor: str) -> Any:
        """Mark a review complex before its preliminary review ends."""
        return store.mark_complex(
            case_id, on=ask.on, actor=actor, note=ask.note, calendar=rt.calendar
        )

    def extend(store: Any, case_id: str, ask: Any, actor: str) -> Any:
        """Extend a running special review (refused once it has run out)."""
        return store.extend(case_id, ask.days, ask.on, actor, ask.note, calendar=rt.calendar)

    for route_of in (("complex", ComplexRequest, mark), ("extensions", ExtendRequest, extend)):
        _json_step(app, service, in_store, refused, route_of)

    @app.post(
        "/v1/cases/{case_id}/notices",
        tags=["cases"],
        status_code=201,
        responses=refused,
        openapi_extra=form_body(
            {
                "kind": "accepted, review_decision, supplement_request, conclusion",
                "ref": "its reference number",
                "on": "YYYY-MM-DD",
                "note": "a line",
                "requests": "supplement_request: the material kinds asked for, comma-separated",
            },
            json="NoticeRequest",
        ),
    )
    async def notice(
        case_id: str,
        request: Request,
        who: Annotated[Principal, Depends(service.permit("transition"))],
    ) -> Response:
        """Record a notice of the Office: JSON, or a form with the letter as ``file``."""
        from ..cases.base import Notice
        from .case_schemas import NoticeRequest

        upload = None
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            fields, upload = await _form(request)
            import json

            data: dict[str, Any] = dict(fields)
            if "requests" in fields:
                data["requests"] = [k.strip() for k in fields["requests"].split(",") if k.strip()]
            ask = _parsed(NoticeRequest, json.dumps(data).encode())
        else:
            ask = _parsed(NoticeRequest, await request.body())
        name = _filename(upload[0], f"{ask.ref}.pdf") if upload else None
        letter = Notice(
            ask.kind,
            ask.ref,
            ask.on,
            ask.note,
            name,
            upload[1] if upload else None,
            requests=tuple(ask.requests),
        )
        case = await in_store(lambda store: store.notice(case_id, letter, actor=who.actor))
        return _json(_detail(service, case, ask.on), 201)


def _json_step(
    app: FastAPI,
    service: Any,
    in_store: InStore,
    refused: Any,
    route_of: tuple[str, Any, Callable[[Any, str, Any, str], Any]],
) -> None:
    """``POST /v1/cases/{case_id}/<path>`` with a ``model`` body: ``call(store, case_id,
    body, actor)`` as a reviewer; the case after it (``route_of``: path, model, call)."""
    path, model, call = route_of

    async def route(
        case_id: str,
        request: Request,
        who: Annotated[Principal, Depends(service.permit("transition"))],
    ) -> Response:
        ask = _parsed(model, await request.body())
        case = await in_store(lambda store: call(store, case_id, ask, who.actor))
        return _json(_detail(service, case, ask.on))

    app.post(
        f"/v1/cases/{{case_id}}/{path}",
        tags=["cases"],
        responses=refused,
        openapi_extra=json_body(model.__name__),
        summary=(call.__doc__ or "").strip(),
        name=path,
    )(route)


def _material_routes(app: FastAPI, service: Any, in_store: InStore, refused: Any) -> None:
    @app.post(
        "/v1/cases/{case_id}/materials",
        tags=["cases"],
        status_code=201,
        responses=refused | {413: {"model": ErrorResponse}},
        openapi_extra=form_body(
            {
                "kind": ", ".join(MATERIAL_KINDS),
                "on": "YYYY-MM-DD (default today)",
                "answers": "the supplement request it answers",
            }
        ),
    )
    async def attach(
        case_id: str, request: Request, who: Annotated[Principal, Depends(service.permit("attach"))]
    ) -> Response:
        """Attach a file (a multipart form: ``kind``, ``file``, optionally ``on`` and
        ``answers``); a second file of a kind is its next version."""
        fields, upload = await _form(request)
        kind = fields.get("kind", "")
        if kind not in MATERIAL_KINDS:
            raise _bad("kind", _one_of(MATERIAL_KINDS))
        if upload is None:
            raise _bad("file", _("the file to attach, as the form's file part"))
        try:
            on = dt.date.fromisoformat(fields["on"]) if fields.get("on") else dt.date.today()
        except ValueError:
            raise _bad("on", _a_date()) from None
        name = _filename(upload[0], kind)
        material = await in_store(
            lambda store: store.attach(
                case_id,
                kind,
                name,
                upload[1],
                on=on,
                actor=who.actor,
                answers=fields.get("answers") or None,
            )
        )
        return _json(material.to_json(), 201)

    @app.get("/v1/cases/{case_id}/materials/{name}", tags=["cases"], responses=refused)
    async def material(
        case_id: str, name: str, who: Annotated[Principal, Depends(service.permit("read_material"))]
    ) -> Response:
        """An attached file, byte for byte: ``name`` is a kind (its newest version) or
        ``KIND@VERSION``; ``X-Content-SHA256`` is its digest."""
        found, content = await in_store(lambda store: store.material_named(case_id, name))
        return _download(found, content)


def _record(service: Any, ask: Any) -> Any:
    """The record of an open request: given, or fetched from the source."""
    import json

    from ..models.jsonout import json_default
    from ..models.validate import ValidationError, from_json
    from .decisions import _problems, invalid_request

    if (ask.record is None) == (ask.source is None):
        raise _bad("record", _("give the record, or source and id"))
    if ask.record is not None:
        text = json.dumps(ask.record, default=json_default)
        try:
            return from_json(text)
        except ValidationError as exc:
            raise invalid_request(_problems(exc, text, ("record",))) from None
    if not ask.id:
        raise _bad("id", _("the record's id in the source"))
    got = service.decider._fetch(ask.source, ask.id)
    if isinstance(got, tuple):
        code, message = got
        raise Refusal(502 if code == "source_unavailable" else 400, code, message)
    return got


def _json(data: Any, status: int = 200) -> Response:
    from ..models.jsonout import dumps

    return Response(dumps(data), status_code=status, media_type="application/json")
