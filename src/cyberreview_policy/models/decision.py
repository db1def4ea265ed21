"""What gate and sweep emit per record (``docs/record-v1.md``, "Decision").

Decisions are typed dicts: the engine builds one per record on the hot path
of a sweep, and a dict literal costs a fraction of a model instance.  Pydantic
still owns them: :func:`decision_adapter` validates, serialises (in Rust) and
generates the published JSON Schema from these very types.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from .outcomes import SEVERITY, CaseKind, Outcome, Verdict

__all__ = [
    "SEVERITY",
    "Action",
    "CaseKind",
    "CaseRef",
    "Decision",
    "Exposure",
    "Finding",
    "Outcome",
    "PackRef",
    "SourceInfo",
    "Verdict",
    "Waiver",
    "decision_adapter",
    "decision_json",
    "decision_obj",
]

_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class SourceInfo(TypedDict):
    """The record's ``source`` (set by adapters), as JSON data."""

    adapter: str | None
    ref: str | None
    fetched_at: Annotated[str | None, Field(description="ISO 8601 timestamp.")]


@with_config(_CLOSED)
class PackRef(TypedDict):
    id: str
    version: str


@with_config(_CLOSED)
class Exposure(TypedDict):
    """Penalty exposure under the CSL: always a range, never a single figure."""

    currency: str
    low: Annotated[Decimal | None, Field(description="Low factor x basis; null if unknown.")]
    high: Annotated[Decimal | None, Field(description="High factor x basis; null if unknown.")]
    factor_low: Decimal
    factor_high: Decimal
    basis: Annotated[str, Field(description="The record field the factors multiply.")]
    individual_low: Annotated[
        Decimal | None, Field(description="Fine on responsible persons (CNY), low.")
    ]
    individual_high: Annotated[
        Decimal | None, Field(description="Fine on responsible persons (CNY), high.")
    ]


@with_config(_CLOSED)
class Waiver(TypedDict):
    id: str
    rule: str
    reason: str
    approver: str
    expires: dt.date
    ticket: str | None


@with_config(_CLOSED)
class Finding(TypedDict):
    rule: Annotated[str, Field(description="Stable rule id.")]
    pack: Annotated[str, Field(description="Id of the pack the rule belongs to.")]
    title: str
    outcome: Outcome
    message: Annotated[str, Field(description="Says which facts made the rule fire.")]
    citations: Annotated[list[str], Field(description="Text and article: 'CSL Art. 65'.")]
    overridable: bool
    waiver: Waiver | None
    exposure: Exposure | None
    remediation: str | None
    facts: Annotated[
        dict[str, Any], Field(description="The record fields whose values made the rule fire.")
    ]
    title_localized: NotRequired[
        Annotated[str, Field(description="The title in the language asked (--lang). Added in 0.7.")]
    ]
    message_localized: NotRequired[
        Annotated[
            str,
            Field(
                description="The message in the language asked (--lang, ?lang=), present only "
                "when it is not English. Added in 0.7."
            ),
        ]
    ]
    remediation_localized: NotRequired[
        Annotated[str | None, Field(description="The remediation in the language asked.")]
    ]
    citations_localized: NotRequired[
        Annotated[
            list[str],
            Field(description="The citations in the language asked: 《…》第…条. Added in 0.7."),
        ]
    ]


@with_config(_CLOSED)
class Action(TypedDict):
    type: Literal["open_case"]
    kind: CaseKind
    rule: Annotated[str, Field(description="The rule that asked for it.")]
    case_id: Annotated[str | None, Field(description="Null when cases are off.")]
    created: Annotated[
        bool | None,
        Field(description="False when an open case already existed; null when cases are off."),
    ]
    state: Annotated[
        str | None,
        Field(
            description="The case's state: a closed state when a case closed for the same "
            "facts answers the action (no case is opened again); null when cases are off. "
            "Added in 0.7."
        ),
    ]


@with_config(_CLOSED)
class CaseRef(TypedDict):
    """A review case a decision used (the case store is the tool's record of the review)."""

    id: str
    kind: CaseKind
    state: str
    period: str | None
    deadline: dt.date | None
    overdue: bool | None
    provisional: Annotated[
        bool | None,
        Field(description="The deadline runs past the known official calendar. Added in 0.7."),
    ]
    adopted: Annotated[
        bool,
        Field(
            description="This decision opened the case for a review the source says is "
            "running (with the source's dates). Added in 0.7."
        ),
    ]


@with_config(ConfigDict(extra="forbid", title="Decision"))
class Decision(TypedDict):
    record_id: str
    decision: Verdict
    as_of: dt.date
    pack: Annotated[
        PackRef, Field(description="The pack whose finding decided (the first, for allow).")
    ]
    packs: Annotated[list[PackRef], Field(description="Every pack that decided.")]
    findings: list[Finding]
    actions: list[Action]
    cases: Annotated[list[CaseRef], Field(description="Review cases the decision used.")]
    source: SourceInfo | None
    lang: NotRequired[
        Annotated[
            str,
            Field(
                description="The language of the findings' *_localized texts (zh-CN), present "
                "only when one other than English was asked. Added in 0.7."
            ),
        ]
    ]


@cache
def decision_adapter() -> TypeAdapter[Decision]:
    """Validates, serialises and describes (JSON Schema) decisions."""
    return TypeAdapter(Decision)


def decision_json(decision: Decision, indent: int | None = None) -> str:
    return decision_adapter().dump_json(decision, indent=indent).decode()


def decision_obj(decision: Decision) -> dict[str, Any]:
    """The decision as JSON-ready Python data (dates and decimals as strings)."""
    data: dict[str, Any] = decision_adapter().dump_python(decision, mode="json")
    return data
