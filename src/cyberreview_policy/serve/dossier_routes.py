"""``GET /v1/cases/{id}/dossier``: the declaration dossier of a case, as
``cyberreview cases dossier`` builds it, for reviewers and auditors (it holds the
case's material: gate tokens never get it).  Building one is audited."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
import importlib.util
import urllib.parse
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from ..errors import DossierError, Refusal
from ..i18n.catalog import _
from .auth import Principal

QUERY = ("lang", "source")


def dossier_route(app: FastAPI, service: Any, in_store: Any, refused: Any) -> None:
    from ..dossier import DEFAULT_LANG, EXTRA_HINT, LANGS, ZIP_TYPE

    @app.get(
        "/v1/cases/{case_id}/dossier",
        tags=["cases"],
        responses=refused
        | {
            200: {"content": {ZIP_TYPE: {}}, "description": "The dossier, a ZIP file"},
            413: {"description": "More material than a dossier holds"},
            501: {"description": "The service lacks the dossier extra"},
        },
    )
    async def dossier(
        case_id: str,
        request: Request,
        who: Annotated[Principal, Depends(service.permit("read_material"))],
        lang: str = DEFAULT_LANG,
        source: str | None = None,
    ) -> Response:
        """The declaration dossier (a ZIP): draft declaration form and analysis report
        (.docx, ``lang`` zh-CN by default, or en), the latest materials, the Office's
        letters, timeline, audit extract, index and manifest.  With ``source``, the
        record is fetched from that configured source to fill the forms and list the
        findings; without it, the forms hold what the case keeps and marked blanks."""
        unknown = sorted(set(request.query_params) - set(QUERY))
        if unknown:
            raise Refusal(
                400,
                "invalid_request",
                _("{unknown}: unknown query parameter (known: lang, source)").format(
                    unknown=unknown[0]
                ),
            )
        if lang not in LANGS:
            raise Refusal(
                400, "invalid_request", _("lang: one of {value}").format(value=", ".join(LANGS))
            )
        if importlib.util.find_spec("docx") is None:
            raise Refusal(
                501,
                "dossier_unavailable",
                _("the service cannot build it: {EXTRA_HINT}").format(EXTRA_HINT=EXTRA_HINT),
            )
        as_of = dt.date.today()

        def build(store: Any) -> Any:
            from ..dossier import build_dossier

            case = store.get(case_id)
            record = _fetch(service, source, case.record_id) if source else None
            engine = service.engines.for_date(as_of, store) if record is not None else None

            def decide(found: Any) -> list[dict[str, Any]]:
                assert engine is not None
                decision = engine.decide(found, as_of)
                if lang != "en":
                    decision = engine.localized(decision, found, lang)
                return list(decision["findings"])

            try:
                return build_dossier(
                    store,
                    case.id,
                    calendar=service.rt.calendar,
                    as_of=as_of,
                    actor=who.actor,
                    lang=lang,
                    record=record,
                    decide=decide if engine is not None else None,
                )
            except DossierError as exc:
                raise Refusal(413, "dossier_too_large", str(exc)) from None

        return dossier_response(await in_store(build))


def dossier_response(built: Any) -> Response:
    """A built dossier as a ZIP attachment (for the API and the case board alike)."""
    from ..dossier import ZIP_TYPE

    name = f"{built.case_id}-dossier.zip"
    return Response(
        built.content,
        media_type=ZIP_TYPE,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{name}\"; filename*=UTF-8''"
                f"{urllib.parse.quote(name, safe='')}"
            ),
            "X-Content-SHA256": built.sha256,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def _fetch(service: Any, source: str, record_id: str) -> Any:
    got = service.decider._fetch(source, record_id)
    if isinstance(got, tuple):
        code, message = got[0], got[1]
        raise Refusal(502 if code == "source_unavailable" else 400, code, message)
    return got
