"""Pydantic models of the policy language: pack manifest, rule files, pack tests.

These models are stage two of loading (after the YAML structure pass) and the
source of the published JSON Schema (``cyberreview schema policy``), so that
editors validate rules as they are typed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, create_model

from ..models.outcomes import CaseKind, Outcome, Verdict
from .operators import FORMS, OPERATORS, UNARY

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
CITATION_PATTERN = r"^[A-Z][A-Za-z0-9 .()'-]*? Art\. [0-9]+[a-z]?(\([0-9]+\))?$"

Scalar = str | bool | int | float | dt.date
Ordered = int | float | dt.date

#: operator -> operand type (descriptions in :mod:`.operators`).
_OPERAND: dict[str, Any] = {
    "eq": Scalar,
    "ne": Scalar,
    "in": list[Scalar],
    "not_in": list[Scalar],
    "in_normalized": Annotated[list[str], Field(min_length=1)],
    "lt": Ordered,
    "le": Ordered,
    "gt": Ordered,
    "ge": Ordered,
    "contains": Scalar,
    "matches": str,
    **{op: Literal[True] for op in UNARY},
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1, description="Holds when every condition holds.")


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1, description="Holds when one condition holds.")


class NotOf(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    not_: Condition = Field(alias="not", description="Holds when the condition does not.")


class RefTo(_Strict):
    ref: str = Field(description="A named condition from the pack's `definitions`.")


class CheckCall(_Strict):
    check: str = Field(description="A named Python check registered by a plugin.")
    args: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments.")


class FieldTest(_Strict):
    """Base of the per-operator tests: ``{field: PATH, OPERATOR: OPERAND}``."""

    op: ClassVar[str] = ""
    field: str = Field(description="Dotted path into the canonical record.")

    @property
    def operand(self) -> Any:
        return getattr(self, _attr(self.op))


def _attr(op: str) -> str:
    return f"{op}_" if op in {"in", "not"} else op


def _field_model(op: str, operand: Any, doc: str) -> type[FieldTest]:
    name = "Field" + "".join(part.title() for part in op.split("_"))
    attr = _attr(op)
    model: type[FieldTest] = create_model(
        name,
        __base__=FieldTest,
        __doc__=doc,
        **{attr: (operand, Field(alias=op, description=doc))},  # type: ignore[call-overload]
    )
    model.model_config["populate_by_name"] = True
    model.op = op
    return model


FIELD_MODELS: dict[str, type[FieldTest]] = {
    op: _field_model(op, _OPERAND[op], doc) for op, doc in OPERATORS.items()
}


def condition_tag(value: Any) -> str | None:
    """Which form a condition has, from its keys; ``None`` if it has none."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, exclude_unset=True)
    if not isinstance(value, dict):
        return None
    for form in FORMS:
        if form in value:
            return f"cond:{form}"
    ops = [key for key in value if key in OPERATORS]
    return f"cond:{ops[0]}" if len(ops) == 1 else None


_members: list[Any] = [
    Annotated[AllOf, Tag("cond:all")],
    Annotated[AnyOf, Tag("cond:any")],
    Annotated[NotOf, Tag("cond:not")],
    Annotated[RefTo, Tag("cond:ref")],
    Annotated[CheckCall, Tag("cond:check")],
    *(Annotated[model, Tag(f"cond:{op}")] for op, model in FIELD_MODELS.items()),
]

if TYPE_CHECKING:
    Condition = AllOf | AnyOf | NotOf | RefTo | CheckCall | FieldTest
else:
    Condition = Annotated[
        Union[tuple(_members)],  # noqa: UP007  (built from a tuple: no `|` form)
        Discriminator(
            condition_tag,
            custom_error_type="condition_form",
            custom_error_message=(
                "a condition is one of all, any, not, ref, check, "
                "or field with exactly one operator"
            ),
        ),
    ]


class CaseAction(_Strict):
    open_case: CaseKind = Field(description="Open (or find the open) case of this kind.")
    when: Condition | None = Field(None, description="Only when this also holds.")


class ExposureSpec(_Strict):
    basis: str = Field("contract.amount", description="Record path of the amount.")
    currency: str = Field("contract.currency", description="Record path of its currency.")
    factor: tuple[Decimal, Decimal] = Field(description="Low and high multiple of the basis.")
    individual: tuple[Decimal, Decimal] | None = Field(
        None, description="Fine range on responsible persons (CNY)."
    )


Citation = Annotated[str, Field(pattern=CITATION_PATTERN)]


class CitationSpec(_Strict):
    """A citation that applies only from a date, or only to some records."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    cite: Citation = Field(description="One text and one article: 'CSL Art. 63'.")
    from_: dt.date | None = Field(
        None,
        alias="from",
        description="Cited from this date on, in the article numbering in force on it.",
    )
    when: Condition | None = Field(None, description="Cited only when this holds of the record.")


class DatedText(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: dt.date | None = Field(None, alias="from", description="In force from this date on.")
    text: str = Field(min_length=1)


class RuleText(_Strict):
    """A rule's words in another language: the same facts, the same placeholders."""

    title: str = Field(min_length=1)
    message: str = Field(min_length=1, description="Template: the placeholders of the English.")
    remediation: str | list[DatedText] | None = Field(
        None, description="As the English: a text, or the same {from, text} dates."
    )


#: the languages a pack may declare (``en`` is the rule's own fields)
PackLanguage = Literal["en", "zh-CN"]


class Rule(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="Stable id: never changes meaning.")
    title: str = Field(min_length=1)
    citations: list[Citation | CitationSpec] = Field(
        min_length=1,
        description="One text and one article per entry: 'CSL Art. 65', or "
        "{cite, from, when} for one that applies from a date or to some records.",
    )
    outcome: Outcome
    overridable: bool = Field(description="Whether a waiver or override may set it aside.")
    not_overridable_when: Condition | None = Field(
        None, description="An overridable rule is not, for a record where this holds."
    )
    when: Condition
    message: str = Field(min_length=1, description="Template: {dotted.path} inserts a record fact.")
    remediation: str | list[DatedText] | None = Field(
        None, description="What to do; or a list of {from, text}, the latest in force applying."
    )
    actions: list[CaseAction] = Field(default_factory=list)
    exposure: ExposureSpec | None = None
    description: str | None = None
    translations: dict[PackLanguage, RuleText] = Field(
        default_factory=dict,
        description="Title, message and remediation in each other language the pack "
        "declares (languages: in pack.yaml), by language: {zh-CN: {title, message, ...}}.",
    )


class RuleFile(_Strict):
    """A rule file of a pack: named conditions and rules."""

    model_config = ConfigDict(extra="forbid", title="cyberreview-policy rule file")
    definitions: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Condition] = Field(
        default_factory=dict, description="Named conditions, used as {ref: name}."
    )
    rules: list[Rule] = Field(default_factory=list)


class Manifest(_Strict):
    """``pack.yaml`` at the root of a pack directory."""

    model_config = ConfigDict(extra="forbid", title="cyberreview-policy pack manifest")
    id: str = Field(pattern=ID_PATTERN)
    title: str
    version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.-]+)?$")
    family: str | None = Field(None, pattern=ID_PATTERN)
    effective_from: dt.date
    effective_to: dt.date | None = None
    implements: list[str] = Field(min_length=1, description="The legal texts it enforces.")
    description: str | None = None
    rules: list[str] = Field(default_factory=lambda: ["rules"], description="Files or dirs.")
    tests: list[str] = Field(default_factory=lambda: ["tests"], description="Files or dirs.")
    languages: list[PackLanguage] = Field(
        default_factory=lambda: list[PackLanguage](["en"]),
        description="The languages every rule is written in: en (the rule's fields) and "
        "each other under the rule's translations. The compiler refuses a rule without one.",
    )


class Expect(_Strict):
    decision: Verdict
    rules: list[str] | None = Field(None, description="Exactly the rules that fire.")
    fired: list[str] = Field(default_factory=list, description="Rules that must fire.")
    not_fired: list[str] = Field(default_factory=list, description="Rules that must not.")
    actions: list[str] | None = Field(None, description="Exactly these, as 'open_case:KIND'.")


class PackCase(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str
    as_of: dt.date | None = None
    record: dict[str, Any] | None = None
    from_: str | None = Field(None, alias="from", description="A fixture to start from.")
    set: dict[str, Any] = Field(default_factory=dict, description="dotted.path: value")
    unset: list[str] = Field(default_factory=list)
    expect: Expect


class PackTestFile(_Strict):
    model_config = ConfigDict(extra="forbid", title="cyberreview-policy pack tests")
    as_of: dt.date | None = None
    fixtures: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cases: list[PackCase] = Field(min_length=1)


for _model in (AllOf, AnyOf, NotOf, CitationSpec, Rule):
    _model.model_rebuild()

__all__ = [
    "AllOf",
    "AnyOf",
    "CaseAction",
    "CheckCall",
    "CitationSpec",
    "Condition",
    "DatedText",
    "ExposureSpec",
    "FieldTest",
    "Manifest",
    "NotOf",
    "PackCase",
    "PackLanguage",
    "PackTestFile",
    "RefTo",
    "Rule",
    "RuleFile",
    "RuleText",
]
