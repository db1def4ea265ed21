"""``/v1/waivers``: reviewers request waivers and approve or reject the requests of
other tokens; reviewers and auditors list them.

- ``POST /v1/waivers``: a request, as the calling token (a body naming an
  ``approver`` is refused: another token approves);
- ``POST /v1/waivers/{id}/approve``, ``POST /v1/waivers/{id}/reject``: by a token
  other than the requester's (403 ``own_request``); once (409 ``waiver_conflict``);
- ``GET /v1/waivers``: every waiver with its state today and a ``warning`` when it
  expires within 30 days.

The same service functions as ``cyberreview waivers`` (waivers/admin.py), on the
same case store: every replica sees the same waivers, and the store numbers them.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from ..errors import (
    Refusal,
    SelfApprovalError,
    UnknownWaiverError,
    UsageError,
    WaiverConflictError,
    WaiverError,
)
from ..i18n.catalog import N_, _
from ..waivers import Scope
from .auth import Principal
from .openapi import json_body
from .schemas import ErrorResponse, WaiverDecision, WaiverRequest

InStore = Callable[[Callable[..., Any]], Awaitable[Any]]
#: what a waiver id can be (a waiver file's pattern): anything else is not found
_WAIVER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
_NO_APPROVER = N_(
    "a waiver request names no approver: another token approves it "
    "(POST /v1/waivers/{{id}}/approve)"
)


def _refused(exc: Exception) -> Refusal:
    """A waiver the service functions refused, as the API says so."""
    if isinstance(exc, UnknownWaiverError):
        return Refusal(404, "not_found", str(exc))
    if isinstance(exc, SelfApprovalError):
        return Refusal(403, "own_request", str(exc))
    if isinstance(exc, WaiverConflictError):
        return Refusal(409, "waiver_conflict", str(exc))
    return Refusal(400, "invalid_waiver", str(exc))


def _body(model: Any, body: bytes) -> Any:
    """The JSON body as ``model`` (an empty body is ``{}``), checked whole first."""
    from .bodies import parsed_body
    from .decisions import check_body

    body = body if body.strip() else b"{}"
    check_body(body)
    try:
        data = json.loads(body)
    except ValueError:
        data = None  # the model says what is wrong with it
    if model is WaiverRequest and isinstance(data, dict) and "approver" in data:
        said = _(_NO_APPROVER).format()
        raise Refusal(
            400, "invalid_waiver", f"approver: {said}", [{"path": "approver", "message": said}]
        )
    return parsed_body(model, body, checked=True)


def requested(service: Any, who: Principal, ask: WaiverRequest, store: Any) -> dict[str, Any]:
    """The waiver requested (on a worker thread)."""
    from ..waivers.admin import request_waiver

    try:
        waiver = request_waiver(
            service.rt.catalog,
            store,
            rule=ask.rule,
            scope=Scope(ask.record, ask.product_model, ask.vendor, ask.operator),
            reason=ask.reason,
            expires=ask.expires,
            actor=who.actor,
            created=ask.created,
            ticket=ask.ticket,
            pack=ask.pack,
        )
    except (UsageError, WaiverError) as exc:
        raise _refused(exc) from None
    return {**waiver.to_yaml(), "state": waiver.state(dt.date.today())}


def decided(
    who: Principal, waiver_id: str, approve: bool, ask: WaiverDecision, store: Any
) -> dict[str, Any]:
    """The waiver approved or rejected (on a worker thread)."""
    from ..cases.waiverstate import no_waiver
    from ..waivers.admin import approve_waiver, reject_waiver

    if not _WAIVER_ID.fullmatch(waiver_id):
        shown = waiver_id if len(waiver_id) <= 40 else waiver_id[:40] + "..."
        raise Refusal(404, "not_found", no_waiver(shown))

    try:
        if approve:
            waiver = approve_waiver(store, waiver_id, actor=who.actor, note=ask.note)
        else:
            waiver = reject_waiver(store, waiver_id, actor=who.actor, note=ask.note or "")
    except (UsageError, WaiverError) as exc:
        raise _refused(exc) from None
    return {**waiver.to_yaml(), "state": waiver.state(dt.date.today())}


def waiver_routes(
    app: FastAPI, service: Any, in_store: InStore, errors: dict[int | str, dict[str, Any]]
) -> None:
    """The routes; ``in_store(fn)`` runs ``fn(store)`` on a worker, refusals mapped."""
    from ..models.jsonout import dumps

    def answer(data: Any, status: int = 200) -> Response:
        return Response(dumps(data), status_code=status, media_type="application/json")

    refused = errors | {400: {"model": ErrorResponse, "description": "Refused"}}
    deciding = refused | {
        403: {"model": ErrorResponse, "description": "Not a reviewer, or its own request"},
        404: {"model": ErrorResponse, "description": "No such waiver"},
        409: {"model": ErrorResponse, "description": "Decided already, or revoked"},
    }

    @app.post(
        "/v1/waivers",
        tags=["waivers"],
        status_code=201,
        responses=refused,
        openapi_extra=json_body("WaiverRequest"),
    )
    async def request_waiver(
        request: Request, who: Annotated[Principal, Depends(service.permit("waive"))]
    ) -> Response:
        """Request a waiver of an overridable rule as this token (checked against the
        packs, numbered by the store, audited): ``status`` ``requested``.  It sets nothing
        aside until another token approves it."""
        ask = _body(WaiverRequest, await request.body())
        waiver = await in_store(lambda store: requested(service, who, ask, store))
        service.engines.forget_waivers()
        return answer(waiver, 201)

    for verb in ("approve", "reject"):
        _decision_route(app, service, in_store, deciding, verb=verb, answer=answer)

    @app.get("/v1/waivers", tags=["waivers"], responses=errors)
    async def list_waivers(
        who: Annotated[Principal, Depends(service.permit("read_waivers"))],
    ) -> Response:
        """Every waiver with its status (requested, approved, rejected), requester,
        approver, its state today (requested, rejected, active, expired, revoked, not yet)
        and a ``warning`` when it expires within 30 days (else null)."""
        from ..waivers.admin import listing

        return answer(await in_store(lambda store: listing(store, dt.date.today())))


def _decision_route(
    app: FastAPI,
    service: Any,
    in_store: InStore,
    responses: dict[int | str, dict[str, Any]],
    *,
    verb: str,
    answer: Callable[..., Response],
) -> None:
    approve = verb == "approve"

    async def route(
        waiver_id: str,
        request: Request,
        who: Annotated[Principal, Depends(service.permit("waive"))],
    ) -> Response:
        ask = _body(WaiverDecision, await request.body())
        waiver = await in_store(lambda store: decided(who, waiver_id, approve, ask, store))
        service.engines.forget_waivers()
        return answer(waiver)

    route.__name__ = f"{verb}_waiver"
    route.__doc__ = (
        "Approve a requested waiver, as a token other than the one that asked: from then "
        "on, until it expires, decisions set its rule's findings aside."
        if approve
        else "Reject a requested waiver, as a token other than the one that asked; the "
        "``note`` says why."
    )
    app.post(
        f"/v1/waivers/{{waiver_id}}/{verb}",
        tags=["waivers"],
        responses=responses,
        openapi_extra=json_body("WaiverDecision"),
    )(route)
