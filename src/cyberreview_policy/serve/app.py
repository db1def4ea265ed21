"""The FastAPI application: routes, access control, error shapes, OpenAPI.

Every route but ``/v1/healthz`` and the API description needs a bearer token
whose role allows it (:data:`.auth.PERMISSIONS`); every refusal is
``{"error": {"code", "message"}}``.  The blocking work runs on the
:class:`.pool.Workers` threads.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..cases.servestate import serve_store
from ..env import redact_url
from ..errors import (
    AuthUnavailable,
    CaseStoreError,
    MaterialError,
    Refusal,
    UnknownCaseError,
    UnknownMaterialError,
)
from ..i18n.catalog import _
from ..i18n.lang import Lang
from .auth import Principal, Tokens, store_loader
from .decisions import RequestDecider
from .engines import Engines
from .fastpath import FastDecisions
from .gcsettle import settle
from .groupcommit import GroupCommit
from .language import RequestLanguage, http_detail
from .limits import BodyLimit
from .metrics import Metrics
from .openapi import describe, json_body
from .origin import check_anonymous, served_hosts
from .pool import Workers
from .schemas import ErrorResponse, Health, ServedDecision
from .settings import Settings

log = logging.getLogger("cyberreview.serve")
bearer = HTTPBearer(auto_error=False, description="A token from `cyberreview tokens create`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "Malformed request: the field errors"),
        (401, "No token, or an unknown or revoked one"),
        (403, "The token's role does not allow this"),
        (413, "The body is larger than the limit"),
        (415, "An anonymous request that changes state without a JSON content type"),
        (503, "The token table cannot be read (store unreachable since start)"),
    )
}


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"code": code, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


class Service:
    """One process's state: runtime, engines, worker threads, tokens, metrics."""

    def __init__(self, settings: Settings):
        from ..env import register_secrets, url_secrets

        self.settings = settings
        self.rt = settings.runtime()
        #: the language of a request that names none (``serve --lang``, the config's ``lang:``)
        self.default_lang: Lang = self.rt.service_lang(settings.lang)
        self.store_url = self.rt.store_url_in_use()
        register_secrets(url_secrets(self.store_url))
        self.hosts = served_hosts(settings.host, settings.allowed_hosts)
        self.engines = Engines(self.rt, settings.packs)
        self.workers = Workers(settings.threads, lambda: self.rt.store(self.store_url))
        self.tokens = Tokens(
            store_loader(lambda: self.rt.store(self.store_url)), settings.token_refresh
        )
        self.metrics = Metrics()
        self.commits = GroupCommit(lambda: self.rt.store(self.store_url))
        self.decider = RequestDecider(
            self.rt, self.engines, self.workers, self.metrics, self.commits
        )

    async def principal(
        self,
        token: str | None,
        permission: str,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Principal:
        """Who sends ``token`` (``None``: none was sent), if they may ``permission``; an
        anonymous request (``--allow-anonymous``) is checked for where it comes from
        (``method`` and ``headers``: :func:`.origin.check_anonymous`)."""
        who = await self._principal(token, method, headers)
        if not who.may(permission):
            raise Refusal(
                403,
                "forbidden",
                _("role {role} may not {permission}").format(role=who.role, permission=permission),
            )
        return who

    async def _principal(
        self, token: str | None, method: str | None, headers: Mapping[str, str] | None
    ) -> Principal:
        if not token:
            role = self.settings.allow_anonymous
            if role and method is not None:
                check_anonymous(method, headers or {}, self.hosts)
                return Principal("anonymous", role)
            raise Refusal(401, "unauthenticated", _("a bearer token is required"))
        found = self.tokens.cached(token)
        if found is None:
            try:
                found = await self.workers.run(self.tokens.find, token)
            except AuthUnavailable as exc:
                raise Refusal(
                    503, "store_unavailable", _("cannot check tokens: {exc}").format(exc=exc)
                ) from None
        if found is None:
            raise Refusal(401, "unauthenticated", _("unknown or revoked token"))
        return Principal(found.name, found.role, found.id, found.allow_as_of)

    async def known(self, credentials: HTTPAuthorizationCredentials) -> bool:
        """Whether ``credentials`` are a valid token (for what only tokens may see)."""
        try:
            who = await self._principal(credentials.credentials, None, None)
        except Refusal:
            return False
        return who.token_id is not None

    async def decide_request(
        self, body: bytes, who: Principal, key: str | None, lang: str = "en"
    ) -> tuple[int, str]:
        """``POST /v1/decisions`` for ``who``: status and JSON text (:class:`Refusal` for
        4xx), timed for the metrics.  (Answered by :mod:`.fastpath`, past FastAPI.)"""
        started = time.perf_counter()
        key = key or None
        if key is not None and not 0 < len(key) <= 200:
            raise Refusal(400, "invalid_request", _("Idempotency-Key: 1 to 200 characters"))
        status = 400
        try:
            status, text = await self.workers.run(self.decider.handle, body, who, key, lang)
        finally:
            self.metrics.observe("/v1/decisions", status, time.perf_counter() - started)
        return status, text

    def permit(self, permission: str) -> Callable[[Request, Credentials], Awaitable[Principal]]:
        async def dependency(request: Request, credentials: Credentials) -> Principal:
            token = credentials.credentials if credentials else None
            return await self.principal(token, permission, request.method, request.headers)

        return dependency


def create_app(settings: Settings) -> FastAPI:
    service = Service(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.workers.run(service.engines.warm)
        if settings.settle_gc:
            settle()  # what the start loaded stays out of the collector's way
        log.info("serving decisions; case store %s", redact_url(service.store_url))
        purger = asyncio.create_task(_purge_loop(service))
        try:
            yield
        finally:
            purger.cancel()
            service.workers.close()
            service.commits.close()

    app = FastAPI(
        title="cyberreview-policy decision service",
        version=__version__,
        description="May this network product be put into use? Decisions under the PRC "
        "Cybersecurity Review policy packs, with review cases. See docs/serve.md.",
        lifespan=lifespan,
        docs_url=None,  # served from local files (swagger.py), never from a CDN
        openapi_url="/openapi.json",
    )
    app.state.service = service
    _handlers(app)
    _routes(app, service)
    from .swagger import mount_docs
    from .ui import mount

    mount_docs(app)
    mount(app, service, _in_store(service))
    app.openapi = lambda: describe(app)  # type: ignore[method-assign]
    from .case_routes import UPLOAD_LIMIT, UPLOADS

    app.add_middleware(FastDecisions, service=service)
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body,
        larger=(UPLOADS, max(UPLOAD_LIMIT, settings.max_body)),
    )
    app.add_middleware(RequestLanguage, default=service.default_lang)  # outermost: all answers
    return app


async def _purge_loop(service: Service) -> None:
    """Forget idempotent responses older than the configured hours, now and then."""
    keep = dt.timedelta(hours=service.settings.keep_responses_hours)

    def purge() -> None:
        with service.workers.store() as store:
            serve_store(store).purge_responses(dt.datetime.now(dt.UTC) - keep)
            store.purge_sessions(dt.datetime.now(dt.UTC) - keep)  # type: ignore[attr-defined]

    while True:
        with contextlib.suppress(CaseStoreError):
            await service.workers.run(purge)
        await asyncio.sleep(600)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        if request.url.path.startswith("/ui/"):  # a person reads it: a page, not JSON
            from .ui.render import error_page

            return error_page(exc.status, exc.message, request.cookies.get("crp_lang"))
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        from ..errors import dotted, message_of

        problems = [
            {"path": dotted([p for p in e["loc"] if p != "body"]), "message": message_of(e)}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"path": "", "message": _("invalid")}
        message = f"{first['path']}: {first['message']}"
        return _error(400, "invalid_request", message, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, http_detail(str(exc.detail)))


def _json(data: Any, status: int = 200) -> Response:
    from ..models.jsonout import dumps

    return Response(dumps(data), status_code=status, media_type="application/json")


def _routes(app: FastAPI, service: Service) -> None:
    _decision_routes(app, service)
    _case_routes(app, service)
    _operation_routes(app, service)


def _in_store(service: Service) -> Callable[..., Awaitable[Any]]:
    """``await in_store(fn)``: ``fn(store)`` on a worker thread; store errors as refusals."""

    async def in_store(fn: Callable[..., Any]) -> Any:
        def call() -> Any:
            with service.workers.store() as store:
                return fn(store)

        try:
            return await service.workers.run(call)
        except UnknownCaseError as exc:  # where the store is, a client is not told
            said = str(exc) if exc.case_id is None else _("no case {id}").format(id=exc.case_id)
            raise Refusal(404, "not_found", said) from None
        except UnknownMaterialError as exc:
            raise Refusal(404, "not_found", str(exc)) from None
        except MaterialError as exc:
            raise Refusal(400, "material_refused", str(exc)) from None
        except CaseStoreError as exc:
            if type(exc) is not CaseStoreError:  # the procedure refused (TransitionError)
                raise Refusal(409, "transition_refused", str(exc)) from None
            raise Refusal(503, "store_unavailable", str(exc)) from None

    return in_store


def _decision_routes(app: FastAPI, service: Service) -> None:

    @app.post(
        "/v1/decisions",
        tags=["decisions"],
        summary="Decide one record, several, or one fetched from a configured source",
        response_model=ServedDecision | list[ServedDecision],
        responses=ERRORS | {422: {"model": ErrorResponse, "description": "Key reused"}},
        openapi_extra=json_body("DecisionRequest"),
    )
    async def decisions(
        request: Request, who: Annotated[Principal, Depends(service.permit("decide"))]
    ) -> Response:
        """The gate's decision (docs/record-v1.md), opening review cases as the command-line
        gate does.  A source or store the service cannot reach gives ``block`` with an
        ``error`` code (HTTP 200): never ``allow``.  Same ``Idempotency-Key`` header (or
        ``request_id``), same answer, on every replica."""
        from .language import request_lang

        body = await request.body()
        key = request.headers.get("idempotency-key")
        lang = request_lang(
            request.url.query, request.headers.get("accept-language"), service.default_lang
        )
        status, text = await service.decide_request(body, who, key, lang)
        return Response(text, status_code=status, media_type="application/json")


def _case_routes(app: FastAPI, service: Service) -> None:
    from .case_routes import case_routes
    from .dossier_routes import dossier_route

    in_store = _in_store(service)
    case_routes(app, service, in_store, ERRORS)
    dossier_route(
        app, service, in_store, ERRORS | {404: {"model": ErrorResponse, "description": "No case"}}
    )

    from .waiver_routes import waiver_routes

    waiver_routes(app, service, in_store, ERRORS)

    @app.get("/v1/audit", tags=["cases"], responses=ERRORS)
    async def audit(
        who: Annotated[Principal, Depends(service.permit("read_audit"))],
        since: dt.date | None = None,
    ) -> Response:
        """The hash-chained audit trail, oldest first."""
        entries = await in_store(lambda store: [e.to_json() for e in store.audit_entries(since)])
        return _json(entries)


def _operation_routes(app: FastAPI, service: Service) -> None:
    in_store = _in_store(service)

    @app.get("/v1/healthz", tags=["operations"], response_model=Health)
    async def healthz(credentials: Credentials) -> Response:
        """Whether the case store answers: ``ok`` or ``unavailable`` (503) to anyone, for
        probes and load balancers; why, only to a valid token of any role."""
        from ..env import redact

        try:
            await in_store(lambda store: store.audit_head())
            data: dict[str, Any] = {"status": "ok", "store": "reachable", "message": None}
        except Refusal as exc:
            data = {"status": "unavailable", "store": "unreachable", "message": redact(exc.message)}
        status = 200 if data["status"] == "ok" else 503
        if credentials is None or not await service.known(credentials):
            data = {"status": data["status"]}
        return JSONResponse(data, status_code=status)

    @app.get("/metrics", tags=["operations"], responses=ERRORS)
    async def metrics(who: Annotated[Principal, Depends(service.permit("metrics"))]) -> Response:
        """Prometheus text: decisions by outcome and code, latency, source and store errors."""
        body, content_type = service.metrics.exposition()
        return Response(body, media_type=content_type)


def app_from_env() -> FastAPI:
    """For uvicorn workers (``factory=True``): the settings ``cyberreview serve`` passed.
    Our log lines go where uvicorn's go (stderr), at its level; every log line of the
    process is masked of known secrets (the store URL's password among them)."""
    from ..connectors.redact import install

    install()
    ours, theirs = logging.getLogger("cyberreview"), logging.getLogger("uvicorn")
    if not ours.handlers:
        for handler in theirs.handlers:
            ours.addHandler(handler)
        ours.setLevel(theirs.level or logging.INFO)
        ours.propagate = False
    return create_app(Settings.from_env())
