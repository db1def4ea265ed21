"""The service's request and response shapes, as pydantic types: they validate the
requests and generate the OpenAPI description, so the two cannot drift apart.

``POST /v1/decisions`` takes one of four bodies, told apart by their shape
(a tagged union, so a mistake is reported against the shape that was meant,
not against all four):

- a canonical record (``docs/record-v1.md``);
- a list of records;
- ``{"records": [...], "as_of": ..., "request_id": ...}``;
- ``{"source": NAME, "id": ID, "as_of": ..., "request_id": ...}``: fetch the
  record from a configured source.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter
from typing_extensions import TypedDict

from ..cases.lifecycle import CONCLUSIONS, STATES, WITHDRAW_REASONS
from ..models.decision import Decision
from ..models.record import IsoDate, Record

MAX_RECORDS = 1000
SHAPE_TAGS = ("record", "list", "records", "fetch")

RequestId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="Idempotency key; the Idempotency-Key header does the same.",
    ),
]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordsRequest(_Closed):
    """Several records, decided as of one date."""

    records: list[Record] = Field(min_length=1, max_length=MAX_RECORDS)
    as_of: IsoDate | None = Field(None, description="Decide under the law of this date.")
    request_id: RequestId | None = None


class FetchRequest(_Closed):
    """A record to fetch from a source configured in cyberreview.yaml."""

    source: str = Field(min_length=1, max_length=200, description="The configured source.")
    id: str = Field(min_length=1, max_length=500, description="The record's id in that source.")
    as_of: IsoDate | None = Field(None, description="Decide under the law of this date.")
    request_id: RequestId | None = None


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        if "records" in value:
            return "records"
        if isinstance(value.get("source"), str):
            return "fetch"
    return "record"


def _request(record: Any, records: type[RecordsRequest]) -> Any:
    """The four body shapes, told apart by :func:`_shape`, with records of type ``record``."""
    return Annotated[
        Annotated[record, Tag("record")]
        | Annotated[list[record], Field(min_length=1, max_length=MAX_RECORDS), Tag("list")]
        | Annotated[records, Tag("records")]
        | Annotated[FetchRequest, Tag("fetch")],
        Discriminator(_shape),
    ]


#: a record as the body holds it, before the record validator judges it
RawRecord = dict[str, Any]


class RawRecordsRequest(RecordsRequest):
    records: list[RawRecord] = Field(min_length=1, max_length=MAX_RECORDS)  # type: ignore[assignment]


#: what the OpenAPI description shows: records in full
DecisionRequest = _request(Record, RecordsRequest)
#: what the service parses: the same shapes, each record left to the one record
#: validator (``models/validate.py``)
ParsedRequest = _request(RawRecord, RawRecordsRequest)


@cache
def request_adapter() -> TypeAdapter[Any]:
    """The request's shapes with records in full: for the OpenAPI description."""
    return TypeAdapter(DecisionRequest)


@cache
def parse_adapter() -> TypeAdapter[Any]:
    """The request's shapes with records as JSON objects: the records are validated
    one by one by the one record validator (``models/validate.py``)."""
    return TypeAdapter(ParsedRequest)


class ErrorInfo(TypedDict):
    """Why the service could not decide: the decision is then ``block``."""

    code: Annotated[
        str,
        Field(
            description="source_unavailable, record_not_found, source_record_invalid, "
            "store_unavailable, policy_unavailable, plugin_unavailable, evaluation_failed, "
            "internal_error"
        ),
    ]
    message: str


class ServedDecision(Decision):
    """A decision as in record-v1.md; ``error`` only when the service failed closed."""

    error: NotRequired[ErrorInfo]


class Problem(BaseModel):
    path: str = Field(description="Where in the body: product.category, [2].id, ...")
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    problems: list[Problem] | None = None


class ErrorResponse(BaseModel):
    """Every refusal (4xx, 503): a machine code and a one-line message."""

    error: ErrorDetail


class TransitionRequest(_Closed):
    """Move a case to its next state, as ``cyberreview cases transition`` does."""

    to: Literal[STATES] = Field(description="The state to move to.")  # type: ignore[valid-type]
    on: IsoDate = Field(description="The date the step happened (or, planned, will).")
    note: str | None = Field(None, max_length=2000, description="Required with remediated.")
    complex: bool = Field(False, description="With under_review: a complex case (+15 days).")
    conclusion: Literal[CONCLUSIONS] | None = Field(  # type: ignore[valid-type]
        None, description="With assessed: the risk the operator anticipated."
    )
    reason: Literal[WITHDRAW_REASONS] | None = Field(  # type: ignore[valid-type]
        None, description="With withdrawn: the purchase was cancelled, or superseded."
    )
    planned: bool = Field(False, description="A step still to come (a date after today).")


class WaiverRequest(_Closed):
    """Request a waiver of an overridable rule, as the calling token; another token
    approves it (``POST /v1/waivers/{id}/approve``).  It names no approver."""

    rule: str = Field(min_length=1, max_length=200)
    pack: str | None = Field(None, max_length=200, description="Only this pack's rule.")
    record: str | None = Field(None, max_length=500, description="Scope: one record id.")
    product_model: str | None = Field(None, max_length=500)
    vendor: str | None = Field(None, max_length=500)
    operator: str | None = Field(None, max_length=500)
    reason: str = Field(min_length=1, max_length=2000)
    ticket: str | None = Field(None, max_length=200)
    expires: IsoDate
    created: IsoDate | None = Field(None, description="When it starts (default today).")


class WaiverDecision(_Closed):
    """Approve or reject a requested waiver, as a token other than the one that asked
    (a rejection says why)."""

    note: str | None = Field(None, max_length=2000, description="Required to reject.")


class Health(BaseModel):
    """``status`` for everyone; ``store`` and ``message`` only with a valid token."""

    status: Literal["ok", "unavailable"]
    store: str | None = None
    message: str | None = None
