"""Who holds the action on an open case: the operator, the Office, or the vendor.

The board shows it on every card and the case page (``GET /v1/cases/{id}``
answers it as ``holder``).  It follows from the case's own facts:

- **the Office** while it decides or reviews (``declared``, ``under_review``,
  ``special_review``): the operator waits for its notice;
- **the vendor** while the case waits for material only the provider can give,
  the provider's commitment letter (Measures 2020 / 2021 Art. 6: through the
  procurement documents the operator binds the provider to cooperate with the
  review and to commit not to take user data, not to control user equipment and
  not to cut off supply):

  - a review not yet declared (``open``) of a purchase whose materials of the
    operator's own making (the checklist, :func:`.checklist.checklist`) are all on
    file but the commitment letter is not attached: the declaration waits for it;
  - a review ``supplementing`` whose latest request of the Office for further
    materials named what it wants (``requests``) and every kind it named that is
    not supplied yet is one the vendor supplies;

- **the operator** otherwise: it prepares and declares, supplies what the Office
  asked for, assesses, remedies;
- nobody on a closed case.

What is attached is read from the case's history (its ``attach`` events), so a
case listed without its material (``list_cases``, the board) answers the same
as one read whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from .base import Case
from .checklist import required_materials

Holder = Literal["operator", "office", "vendor"]

#: the material kinds the provider supplies (the others are the operator's own)
VENDOR_MATERIALS: Final = frozenset({"commitment_letter"})
#: while the case is in these states the Office acts
OFFICE_STATES: Final = frozenset({"declared", "under_review", "special_review"})


def holder(case: Case) -> Holder | None:
    """Who must act next on ``case`` (module docstring); ``None`` once it is closed."""
    if not case.is_open:
        return None
    if case.state in OFFICE_STATES:
        return "office"
    if case.kind == "review" and vendor_awaited(case):
        return "vendor"
    return "operator"


def vendor_awaited(case: Case) -> frozenset[str]:
    """The vendor-supplied material kinds an open or supplementing review waits for
    (empty: it waits for nothing from the vendor, or for the operator too)."""
    if case.state == "open":
        return _awaited_for_declaration(case)
    if case.state == "supplementing":
        return _awaited_by_request(case)
    return frozenset()


def _awaited_for_declaration(case: Case) -> frozenset[str]:
    if str(case.summary.get("kind") or "purchase") != "purchase":
        return frozenset()  # a listing or data processing has no provider to commit
    on_file = {kind for kind, _, _ in _attached(case)} | set(case.summary.get("materials") or ())
    if not set(required_materials(case)) <= on_file:
        return frozenset()  # the operator's own material is missing: it acts first
    return VENDOR_MATERIALS - on_file


def requested(case: Case) -> tuple[str | None, frozenset[str]]:
    """The latest request for further materials: its reference and the kinds it named
    that are not supplied yet (attached answering it, or attached on or after its date)."""
    asks = [e for e in case.notices() if e.details.get("notice") == "supplement_request"]
    if not asks:
        return None, frozenset()
    last = asks[-1]
    ref = last.details.get("ref")
    named = frozenset(str(kind) for kind in last.details.get("requests") or ())
    supplied = {kind for kind, on, answers in _attached(case) if answers == ref or on >= last.on}
    return (str(ref) if ref else None), named - supplied


def _attached(case: Case) -> list[tuple[str, dt.date, str | None]]:
    """Each file attached: its kind, date and the request it answers (from the history)."""
    return [
        (str(e.details.get("material")), e.on, e.details.get("answers"))
        for e in case.events
        if e.kind == "attach"
    ]


def _awaited_by_request(case: Case) -> frozenset[str]:
    _, outstanding = requested(case)
    if outstanding and outstanding <= VENDOR_MATERIALS:
        return outstanding
    return frozenset()


__all__ = ["OFFICE_STATES", "VENDOR_MATERIALS", "Holder", "holder", "requested", "vendor_awaited"]
