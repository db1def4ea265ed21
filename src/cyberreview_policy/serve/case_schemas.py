"""The bodies of the case routes beyond a transition: opening a case, marking it
complex, extending it, recording a notice (the material upload is a form)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..cases.base import MATERIAL_KINDS, NOTICE_KINDS
from ..models.record import IsoDate

CaseKindField = Literal["assessment", "review", "remediation"]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpenCaseRequest(_Closed):
    """Open a case of a kind for a record, as ``cyberreview cases open`` does: the record
    itself, or a configured source and the record's id there."""

    kind: CaseKindField
    record: dict[str, Any] | None = Field(None, description="A canonical record.")
    source: str | None = Field(None, min_length=1, max_length=200)
    id: str | None = Field(None, min_length=1, max_length=500)
    as_of: IsoDate | None = Field(None, description="Decide under the law of this date.")


class ComplexRequest(_Closed):
    """The Office says the review is complex: +15 working days of preliminary review."""

    on: IsoDate
    note: str | None = Field(None, max_length=2000)


class ExtendRequest(_Closed):
    """The Office extends the special review."""

    days: int = Field(gt=0, le=365, description="Working days.")
    on: IsoDate
    note: str = Field(min_length=1, max_length=2000, description="The Office's notice.")


class NoticeRequest(_Closed):
    """A notice of the Office (as JSON; with its letter, as a form with a file)."""

    kind: Literal[NOTICE_KINDS]  # type: ignore[valid-type]
    ref: str = Field(min_length=1, max_length=200, description="Its reference number.")
    on: IsoDate
    note: str | None = Field(None, max_length=2000)
    requests: tuple[Literal[MATERIAL_KINDS], ...] = Field(  # type: ignore[valid-type]
        (),
        max_length=len(MATERIAL_KINDS),
        description="A supplement request: the material kinds the Office asks for "
        "(in a form: comma-separated). Who supplies them says who holds the action.",
    )


BODIES: dict[str, type[BaseModel]] = {
    "OpenCaseRequest": OpenCaseRequest,
    "ComplexRequest": ComplexRequest,
    "ExtendRequest": ExtendRequest,
    "NoticeRequest": NoticeRequest,
}
