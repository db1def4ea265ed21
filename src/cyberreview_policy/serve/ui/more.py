"""``/ui/waivers`` (the register), ``/ui/sweeps`` (their history, with a chart) and
``/ui/audit`` (the audit trail, for auditors)."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
import json
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request

from ...i18n.catalog import _
from .pages import UiContext

_COLORS = {"block": "#c0392b", "warn": "#e6a817", "allow": "#2e8b57"}


def waiver_rows(store: Any, today: dt.date) -> list[dict[str, Any]]:
    """Every waiver of the store as ``GET /v1/waivers`` lists it (its state today, a
    warning when it expires within 30 days)."""
    from ...waivers.admin import listing

    return listing(store, today)


def _waiver_call(service: Any, who: Any, action: str, fields: dict[str, str]) -> Any:
    """``fn(store)``: request, approve or reject a waiver, as the API's routes do."""
    from pydantic import ValidationError

    from ...errors import Refusal
    from ..schemas import WaiverDecision, WaiverRequest
    from ..waiver_routes import decided, requested

    try:
        if action == "request":
            scope = fields.get("scope_kind", "record")
            if scope not in ("record", "product_model", "vendor", "operator"):
                raise Refusal(
                    400,
                    "invalid_waiver",
                    _("scope: one of {value}").format(
                        value="record, product_model, vendor, operator"
                    ),
                )
            ask = WaiverRequest.model_validate_json(  # as the API reads its JSON body
                json.dumps(
                    {
                        "rule": fields.get("rule", ""),
                        "reason": fields.get("reason", ""),
                        "ticket": fields.get("ticket") or None,
                        "expires": fields.get("expires", ""),
                        scope: fields.get("scope_value") or None,
                    }
                )
            )
            return lambda store: requested(service, who, ask, store)
        decision = WaiverDecision(note=fields.get("note") or None)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        raise Refusal(400, "invalid_waiver", message) from None
    waiver_id = fields.get("id", "")
    return lambda store: decided(who, waiver_id, action == "approve", decision, store)


def decisions_chart(runs: list[dict[str, Any]], lang: str) -> str:
    """Decisions of each sweep, oldest left, as stacked columns (inline SVG, no script)."""
    from html import escape

    from .words import word

    shown = list(reversed(runs[:30]))
    if not shown:
        return ""
    totals = [sum((r["summary"].get("decisions") or {}).values()) for r in shown]
    top = max(totals) or 1
    width, height, bar = 640, 200, max(8, min(40, 600 // len(shown) - 4))
    parts = []
    for index, run in enumerate(shown):
        x = 30 + index * (bar + 4)
        y = float(height - 20)
        counts = run["summary"].get("decisions") or {}
        for outcome in ("allow", "warn", "block"):
            count = int(counts.get(outcome, 0))
            tall = (height - 40) * count / top
            if tall:
                y -= tall
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{tall:.1f}" '
                    f'fill="{_COLORS[outcome]}"><title>{escape(str(run["as_of"]))} '
                    f"{escape(word(lang, outcome))}: {count:,}</title></rect>"
                )
        parts.append(
            f'<text x="{x}" y="{height - 5}" font-size="9">{escape(str(run["as_of"])[5:])}</text>'
        )
    legend = "".join(
        f'<rect x="{30 + i * 90}" y="0" width="10" height="10" fill="{_COLORS[o]}"/>'
        f'<text x="{44 + i * 90}" y="10" font-size="11">{escape(word(lang, o))}</text>'
        for i, o in enumerate(("allow", "warn", "block"))
    )
    return (
        f'<svg role="img" aria-label="{escape(word(lang, "decisions"))}" '
        f'viewBox="0 0 {width} {height}" width="100%" font-family="sans-serif">'
        f"{legend}{''.join(parts)}</svg>"
    )


def routes(app: FastAPI, ui: UiContext) -> None:
    async def waivers_page(request: Request, status: int = 200, error: str = "") -> Any:
        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_waivers")
        today = dt.date.today()
        rows = await ui.in_store(lambda store: waiver_rows(store, today))
        return ui.show(
            visitor,
            "waivers.html",
            status,
            waivers=rows,
            error=error,
            actor=visitor.principal.actor,
            today=today.isoformat(),
            here="/ui/waivers",
        )

    @app.get("/ui/waivers", include_in_schema=False)
    async def waivers(request: Request) -> Any:
        return await waivers_page(request)

    @app.post("/ui/waivers/{action}", include_in_schema=False)
    async def waiver_action(request: Request, action: str) -> Any:
        from starlette.responses import RedirectResponse

        from ...errors import Refusal

        if action not in ("request", "approve", "reject"):
            raise Refusal(404, "not_found", _("no action {action}").format(action=repr(action)))

        def decided(visitor: Any, fields: dict[str, str]) -> Any:
            ui.service.engines.forget_waivers()
            return RedirectResponse("/ui/waivers", status_code=303)

        return await ui.submit(
            request,
            lambda visitor, fields, _: _waiver_call(ui.service, visitor.principal, action, fields),
            decided,
            permission="waive",
            reshow=lambda status, message: waivers_page(request, status, message),
            shown=(400, 403, 404, 409),
        )

    @app.get("/ui/sweeps", include_in_schema=False)
    async def sweeps(request: Request) -> Any:
        from markupsafe import Markup

        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_cases")

        def read(store: Any) -> tuple[list[dict[str, Any]], list[dict[str, str]], dict[str, str]]:
            runs = store.sweep_history()
            new = store.findings_new_on(runs[0]["as_of"]) if runs else []
            cases = {
                c.record_id: c.id for c in store.list_cases(open_only=True) if c.kind == "review"
            }
            return runs, new, cases

        runs, new, cases = await ui.in_store(read)
        chart = Markup(decisions_chart(runs, visitor.lang))  # escaped as it is built
        return ui.show(
            visitor,
            "sweeps.html",
            runs=runs,
            chart=chart,
            new=new,
            cases=cases,
            here="/ui/sweeps",
        )

    @app.get("/ui/audit", include_in_schema=False)
    async def audit(request: Request) -> Any:
        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_audit")
        since = dt.date.today() - dt.timedelta(days=30)
        entries = await ui.in_store(lambda store: [e.to_json() for e in store.audit_entries(since)])
        return ui.show(visitor, "audit.html", entries=entries[-500:], here="/ui/audit")
