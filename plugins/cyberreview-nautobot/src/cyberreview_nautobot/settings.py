"""The ``nautobot`` source's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from cyberreview_policy.connectors import ConnectorSettings

#: device custom fields -> record fields, unless the settings say otherwise
DEFAULT_CUSTOM_FIELDS: dict[str, str] = {
    "review_category": "product.category",
    "catalogue_type": "product.type",
    "throughput_tbps": "product.specs.throughput_tbps",
    "review_status": "review.status",
    "may_affect_national_security": "risk.may_affect_national_security",
    "cii_system": "deployment.system",
    "purchase_ref": "contract.number",
    "certificate_valid_until": "product.certification.valid_until",
}

#: device statuses that mean the product is in use (in service, even if down)
DEFAULT_IN_USE = ["Active", "Offline", "Failed", "Decommissioning"]


class NautobotSettings(ConnectorSettings):
    url: str = Field(description="The Nautobot server, e.g. https://nautobot.example.com")
    token: SecretStr = Field(description="An API token of a user who may view devices.")
    api_version: str = Field("3.2", description="The REST API version asked for (Accept).")
    filters: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Device filters, as Nautobot's API takes them (location, role, tag, ...).",
    )
    in_use_statuses: list[str] = Field(
        default_factory=lambda: list(DEFAULT_IN_USE),
        description="Device statuses that mean in use (deployment.in_use).",
    )
    custom_fields: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_CUSTOM_FIELDS),
        description="Device custom field key: record field it fills (replaces the defaults: "
        "review_category, catalogue_type, throughput_tbps, review_status, ...).",
    )
    tags: dict[str, str] = Field(
        default_factory=lambda: {"cii": "deployment.cii"},
        description="Tag name: boolean record field set true on devices with the tag.",
    )
    vendor_country_field: str = Field(
        "vendor_country", description="Manufacturer custom field holding its ISO country code."
    )
    certification_kind: Literal["certification", "security_testing"] = Field(
        "certification",
        description="What the certificate custom field records (record-v1 "
        "product.certification.kind), unless a custom field maps the kind itself.",
    )
