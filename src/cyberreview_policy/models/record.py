"""The canonical record, version 1 (``docs/record-v1.md``): a public contract.

This model is THE definition: docs, JSON Schema and OpenAPI come from it, and the
runtime validator (:mod:`.validate`) is built from the core schema pydantic
generates for it (:mod:`.schema_gen`; a test proves the stored copy current).

Every boolean fact may be ``None``: the source does not say.  Rules treat
unknown differently from ``False``.  Unknown top-level or nested fields are
rejected (a misspelt fact must not silently become "unknown"); data a source
holds beyond the contract goes under ``attributes``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from .outcomes import ReviewStatus
from .validate import KINDS_WITHOUT_PRODUCT

if TYPE_CHECKING:
    from .validate import RecordData

RECORD_VERSION = 1

Category = Literal[
    "core_network_equipment",
    "hpc_server",
    "mass_storage",
    "large_database",
    "application_software",
    "network_security_equipment",
    "cloud_service",
    "important_communication_product",
    "other_important",
    "other",
]
Sector = Literal[
    "telecom",
    "radio_tv",
    "energy",
    "finance",
    "road_waterway_transport",
    "railway",
    "civil_aviation",
    "postal",
    "water",
    "emergency_management",
    "health",
    "social_security",
    "defence_industry",
    "public_services",
    "e_government",
    "other",
]
RecordKind = Literal["purchase", "asset", "listing", "data_processing"]
Material = Literal[
    "declaration", "impact_analysis", "procurement_documents", "listing_documents", "other"
]
SupplyRisk = Literal["low", "medium", "high"]
CertificationKind = Literal["certification", "security_testing"]
ListingVenue = Literal["foreign", "hong_kong", "unknown"]


# Strict: in JSON a date is a "YYYY-MM-DD" string, never a number (which lax
# parsing would read as a Unix timestamp).  Records are therefore always
# validated in JSON mode, by the one validator (``models/validate.py``).
IsoDate = Annotated[dt.date, Strict()]
Amount = Annotated[Decimal, Field(ge=0)]


class _Part(BaseModel):
    # Frozen: a record is evidence, not a scratchpad; frozen defaults can be shared.
    # No NaN or infinity: a number that is not finite is no fact (and no JSON).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Operator(_Part):
    """The buying organisation."""

    name: str = Field(min_length=1)
    ciio: bool | None = Field(
        None, description="Identified as a CII operator by its protection department."
    )
    sector: Sector | None = None
    platform_users: int | None = Field(
        None, ge=0, description="Users whose personal information the operator holds."
    )
    platform: bool | None = Field(
        None, description="A network platform operator (2021 Measures Art. 2, 7). Added in 0.7."
    )


class Specs(_Part):
    """Technical figures used by the critical-equipment catalogue."""

    throughput_tbps: float | None = Field(None, ge=0)
    routing_entries: int | None = Field(None, ge=0)
    forwarding_gpps: float | None = Field(None, ge=0)
    cpus: int | None = Field(None, ge=0)
    cores_per_cpu: int | None = Field(None, ge=0)
    memory_gb: float | None = Field(None, ge=0)
    instruction_time_us: float | None = Field(None, ge=0)


class Certification(_Part):
    kind: CertificationKind
    id: str | None = None
    issuer: str | None = None
    valid_until: IsoDate | None = None


class Product(_Part):
    name: str = Field(min_length=1)
    category: Category
    model: str | None = None
    type: str | None = Field(
        None, description="Catalogue type: router, switch, rack_server, plc, firewall, ids, ..."
    )
    specs: Specs = Specs()
    certification: Certification | None = None


class Vendor(_Part):
    name: str | None = None
    country: str | None = Field(
        None,
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2. Context only: never a rule on its own.",
    )
    compliance_issues: bool | None = None


class Deployment(_Part):
    system: str | None = None
    cii: bool | None = Field(None, description="The system is, or supports, CII.")
    planned_date: IsoDate | None = None
    in_use: bool = False


class Commitments(_Part):
    cooperate_with_review: bool | None = None
    no_illegal_data_acquisition: bool | None = None
    no_illegal_control: bool | None = None
    no_unjustified_supply_interruption: bool | None = None


class Contract(_Part):
    number: str | None = None
    amount: Amount | None = None
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    signed_date: IsoDate | None = None
    commitments: Commitments = Commitments()
    security_agreement: bool | None = Field(
        None,
        description="A security and confidentiality agreement with the provider is signed "
        "(CSL Art. 36; CII Regulations Art. 20). Added in 0.7.",
    )


class Factors(_Part):
    remote_access: bool | None = None
    important_data: bool | None = None
    single_source: bool | None = None
    transparency_concerns: bool | None = None
    political_trade_exposure: bool | None = None
    supply_disruption_risk: SupplyRisk | None = None
    data_security_risk: bool | None = Field(
        None,
        description="Core data, important data or large amounts of personal information may be "
        "stolen, leaked, destroyed, illegally used or exported (2021 Art. 10(5)). Added in 0.7.",
    )
    foreign_government_influence: bool | None = Field(
        None,
        description="Listing: CII, core or important data or large amounts of personal "
        "information may be influenced, controlled or maliciously used by a foreign government "
        "(2021 Art. 10(6)). Added in 0.7.",
    )


class Risk(_Part):
    may_affect_national_security: bool | None = Field(
        None, description="The operator's conclusion; null = not yet assessed."
    )
    assessed_on: IsoDate | None = None
    factors: Factors = Factors()


class Review(_Part):
    status: ReviewStatus = "none"
    case_id: str | None = None
    declared_on: IsoDate | None = None
    decided_on: IsoDate | None = None
    period: str | None = Field(
        None, description="The statutory period running now (from the review case)."
    )
    deadline: IsoDate | None = Field(None, description="When that period ends (working days).")
    period_started_on: IsoDate | None = Field(
        None, description="When that period started: the Measures then in force govern it."
    )
    overdue: bool | None = Field(None, description="The period has ended without a decision.")
    deadline_provisional: bool | None = Field(
        None,
        description="The deadline runs past the known official calendar: provisional "
        "(from the review case). Added in 0.7.",
    )
    earliest_clearance: IsoDate | None = Field(
        None,
        description="The earliest day the review can end, counting the statutory periods "
        "still ahead in full: 10 + 30 + 15 working days from the as-of date for a review not "
        "yet declared (from the case store). Added in 0.7.",
    )


class Listing(_Part):
    """A planned listing (record kind ``listing``). Added in 0.7."""

    venue: ListingVenue | None = Field(
        None, description="foreign (国外), hong_kong, or unknown (null counts as unknown)."
    )
    exchange: str | None = Field(None, description="The exchange, as the source names it.")


class Activity(_Part):
    """A data processing activity (record kind ``data_processing``). Added in 0.7."""

    name: str | None = None
    description: str | None = None


class SourceRef(_Part):
    adapter: str | None = None
    ref: str | None = None
    fetched_at: Annotated[dt.datetime, Strict()] | None = None


class Record(_Part):
    """One purchase line, deployed asset, planned listing or data processing activity,
    as every source maps it."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        title="Record",
        json_schema_extra={"$comment": "cyberreview-policy canonical record, version 1"},
    )

    id: str = Field(min_length=1, description="Unique within its source.")
    kind: RecordKind = "purchase"
    source: SourceRef | None = None
    operator: Operator
    product: Product | None = Field(None, description="Required for purchase and asset.")
    listing: Listing = Listing()
    activity: Activity = Activity()
    vendor: Vendor = Vendor()
    deployment: Deployment = Deployment()
    contract: Contract = Contract()
    risk: Risk = Risk()
    review: Review = Review()
    materials: list[Material] = list()
    attributes: dict[str, Any] = Field(
        {}, description="Anything else the source holds; policies may read it."
    )

    @model_validator(mode="after")
    def _product_for_purchase_and_asset(self) -> Record:
        if self.product is None and self.kind not in KINDS_WITHOUT_PRODUCT:
            raise PydanticCustomError(
                "product_required",
                "required for a record of kind {kind}",
                {"kind": self.kind, "field": "product"},
            )
        return self

    @staticmethod
    def from_json(data: str | bytes) -> RecordData:
        """Validate one record from JSON text with the runtime's one validator
        (:mod:`.validate`); the result is the runtime's record type."""
        from .validate import from_json

        return from_json(data)

    @staticmethod
    def from_obj(obj: Any) -> RecordData:
        """Validate a record given as Python data (dates as ``date`` or ISO strings)."""
        from .validate import from_obj

        return from_obj(obj)
