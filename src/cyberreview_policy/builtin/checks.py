"""Built-in plugin: named Python checks for rules (``{check: NAME}``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..checks import Check
from ..plugin import hookimpl


def certification_valid(record: Any, as_of: dt.date) -> bool:
    """The product holds a certification or security-testing record valid on ``as_of``.

    A record without ``valid_until`` counts as valid (no expiry stated).
    """
    cert = record.product.certification if record.product else None
    if cert is None:
        return False
    return cert.valid_until is None or cert.valid_until >= as_of


def go_live_before_clearance(record: Any, as_of: dt.date) -> bool:
    """The planned go-live comes before the earliest day the review can end
    (``review.earliest_clearance``, from the case store); unknown either way: no."""
    planned = record.deployment.planned_date
    earliest = record.review.earliest_clearance
    return planned is not None and earliest is not None and bool(planned < earliest)


@hookimpl
def cyberreview_register_checks(register: Callable[[Check], None]) -> None:
    register(
        Check(
            "go_live_before_clearance",
            go_live_before_clearance,
            reads=("deployment.planned_date", "review.earliest_clearance"),
            description="the planned go-live comes before the earliest day the review can end",
        )
    )
    register(
        Check(
            "certification_valid",
            certification_valid,
            reads=("product.certification.kind", "product.certification.valid_until"),
            description="the product's certification or security test is valid on the as-of date",
        )
    )
