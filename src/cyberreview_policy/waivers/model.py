"""The pydantic model of a waiver file: what ``waivers import`` reads and ``waivers export``
writes (kept apart so that gates skip pydantic)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ..i18n.catalog import _
from ..models.waiver import MAX_DAYS
from ..policy.schema import ID_PATTERN


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScopeModel(_Strict):
    record: str | None = Field(None, description="One record id.")
    product_model: str | None = Field(None, description="Every record of this product model.")
    vendor: str | None = Field(None, description="Every record of this vendor (by name).")
    operator: str | None = Field(None, description="Every record of this operator (by name).")

    @model_validator(mode="after")
    def _not_empty(self) -> ScopeModel:
        if not any(vars(self).values()):
            raise ValueError(_("a scope names a record, product_model, vendor or operator"))
        return self


class RevokedModel(_Strict):
    on: dt.date
    by: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class WaiverModel(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    rule: str = Field(pattern=ID_PATTERN)
    pack: str | None = Field(None, pattern=ID_PATTERN, description="Only this pack's rule.")
    scope: ScopeModel
    reason: str = Field(min_length=1)
    approver: str | None = Field(
        None, min_length=1, description="Who approved it (an approved waiver has one)."
    )
    ticket: str | None = None
    created: dt.date
    expires: dt.date
    revoked: RevokedModel | None = None
    status: Literal["requested", "approved", "rejected"] = Field(
        "approved", description="A file of an earlier version holds approved waivers only."
    )
    requested_by: str | None = Field(None, min_length=1)
    requested_on: dt.date | None = None
    decided_by: str | None = Field(None, min_length=1, description="Who approved or rejected.")
    decided_on: dt.date | None = None
    decision_note: str | None = None

    @model_validator(mode="after")
    def _decided(self) -> WaiverModel:
        if self.status == "approved" and not self.approver:
            raise PydanticCustomError(
                "waiver_approver", _("an approved waiver names its approver"), {"field": "approver"}
            )
        if self.status != "approved" and self.approver:
            raise PydanticCustomError(
                "waiver_approver",
                _("only an approved waiver has an approver (this one is {status})"),
                {"field": "approver", "status": self.status},
            )
        if self.decided_by and self.decided_by == self.requested_by:
            raise PydanticCustomError(
                "waiver_own_decision",
                _("{who} requested this waiver and cannot also decide on it"),
                {"field": "decided_by", "who": self.decided_by},
            )
        if self.status == "requested" and (self.decided_by or self.decided_on):
            raise PydanticCustomError(
                "waiver_decided",
                _("a waiver still requested has no decision"),
                {"field": "decided_by"},
            )
        return self

    @model_validator(mode="after")
    def _at_most_a_year(self) -> WaiverModel:
        if self.expires < self.created:
            raise PydanticCustomError(
                "waiver_dates",
                _("is before created ({created})"),
                {"field": "expires", "created": str(self.created)},
            )
        if (self.expires - self.created).days > MAX_DAYS:
            raise PydanticCustomError(
                "waiver_too_long",
                _(
                    "{expires} is more than {days} days after created ({created}): renew a "
                    "waiver, do not make it longer"
                ),
                {
                    "field": "expires",
                    "expires": str(self.expires),
                    "days": MAX_DAYS,
                    "created": str(self.created),
                },
            )
        return self


class WaiverFile(_Strict):
    model_config = ConfigDict(extra="forbid", title="cyberreview-policy waivers")
    waivers: list[WaiverModel] = Field(default_factory=list)
