"""``/v1/waivers``: reviewers grant waivers, reviewers and auditors list them.

Waivers live in the case store, as ``cyberreview waivers`` keeps them: every
replica on the store sees the same ones, and the store numbers them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import Refusal, UsageError, WaiverError
from ..waivers import Scope

if TYPE_CHECKING:
    from ..cases.base import CaseStore
    from .app import Service
    from .auth import Principal
    from .schemas import WaiverRequest


def grant(service: Service, who: Principal, body: bytes, store: CaseStore) -> dict[str, Any]:
    """The new waiver (on a worker thread); :class:`Refusal` when it cannot be granted."""
    from pydantic import ValidationError

    from ..waivers.admin import add_waiver
    from .decisions import check_body, invalid_body
    from .schemas import WaiverRequest

    check_body(body)
    try:
        ask: WaiverRequest = WaiverRequest.model_validate_json(body)
    except ValidationError as exc:
        raise invalid_body(exc, body) from None
    try:
        waiver = add_waiver(
            service.rt.catalog,
            store,
            rule=ask.rule,
            scope=Scope(ask.record, ask.product_model, ask.vendor, ask.operator),
            reason=ask.reason,
            approver=ask.approver,
            expires=ask.expires,
            actor=who.actor,
            ticket=ask.ticket,
            pack=ask.pack,
        )
    except (UsageError, WaiverError) as exc:
        raise Refusal(400, "invalid_waiver", str(exc)) from None
    return waiver.to_yaml()


def listing(store: CaseStore) -> list[dict[str, Any]]:
    """Every waiver of the store, with its state today."""
    today = dt.date.today()
    return [{**w.to_yaml(), "state": w.state(today)} for w in store.waivers()]
