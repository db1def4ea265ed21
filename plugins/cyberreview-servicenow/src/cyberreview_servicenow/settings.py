"""The ``servicenow`` source's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from cyberreview_policy.connectors import ConnectorSettings

#: CI classes read unless the settings say otherwise: network gear (routers, switches,
#: firewalls), servers, OT devices (PLCs, RTUs) and applications
DEFAULT_TABLES = ["cmdb_ci_netgear", "cmdb_ci_server", "cmdb_ci_ot", "cmdb_ci_appl"]

#: ServiceNow field -> record field, unless the settings say otherwise (the fields an
#: instance adds for the cybersecurity review; a field a table lacks is simply not there)
DEFAULT_FIELDS: dict[str, str] = {
    "u_review_category": "product.category",
    "u_catalogue_type": "product.type",
    "u_throughput_tbps": "product.specs.throughput_tbps",
    "u_routing_entries": "product.specs.routing_entries",
    "u_forwarding_gpps": "product.specs.forwarding_gpps",
    "u_cpus": "product.specs.cpus",
    "u_cores_per_cpu": "product.specs.cores_per_cpu",
    "u_memory_gb": "product.specs.memory_gb",
    "u_instruction_time_us": "product.specs.instruction_time_us",
    "u_may_affect_national_security": "risk.may_affect_national_security",
    "u_review_status": "review.status",
    "u_cii_system": "deployment.system",
    "u_purchase_ref": "contract.number",
}

FIELD = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")
TABLE = re.compile(r"[a-z0-9_]+")
SECTIONS = ("product", "vendor", "deployment", "contract", "risk", "review", "attributes")


class InstanceSettings(ConnectorSettings):
    """An instance and how to log in to it: what the CMDB source and the change system share."""

    instance: str = Field(description="The instance, e.g. https://eastgrid.service-now.com")
    username: str | None = Field(
        None, description="Basic auth: a user with read access to the tables (and no more)."
    )
    password: SecretStr | None = Field(None, description="Basic auth: that user's password.")
    oauth_token: SecretStr | None = Field(
        None, description="Instead of a user and password: an OAuth access token (Bearer)."
    )

    @field_validator("instance")
    @classmethod
    def _instance(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("give the instance's URL, e.g. https://eastgrid.service-now.com")
        if parts.query or parts.fragment:
            raise ValueError("give the instance's URL without a query or fragment")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _credentials(self) -> InstanceSettings:
        basic = self.username is not None or self.password is not None
        if basic and (not self.username or self.password is None):
            raise ValueError("basic auth needs both username and password")
        if basic == (self.oauth_token is not None):
            raise ValueError("give username and password, or oauth_token (not both)")
        return self


class ServiceNowSettings(InstanceSettings):
    tables: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TABLES),
        description="Tables read, each with the classes that extend it (cmdb_ci_netgear, "
        "cmdb_ci_server, cmdb_ci_ot, cmdb_ci_appl; add alm_hardware for hardware assets).",
    )
    query: str = Field(
        "",
        description="An encoded query every table is read with, e.g. install_status!=7 "
        "(no ORDERBY: the connector orders). Fields it names are checked against the tables.",
    )
    fields: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_FIELDS),
        description="ServiceNow field: record field it fills (these replace the defaults: "
        "u_review_category, u_catalogue_type, u_throughput_tbps, ...).",
    )
    extra_fields: list[str] = Field(
        default_factory=list,
        description="More fields to read into attributes.servicenow for mappings "
        "(dotted through references, e.g. location.name).",
    )
    page_size: int = Field(1000, ge=1, le=10000, description="Rows asked for per page.")

    @field_validator("tables")
    @classmethod
    def _tables(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one table")
        for table in value:
            if not TABLE.fullmatch(table):
                raise ValueError(f"{table!r} is not a table name (cmdb_ci_netgear, ...)")
        if len(set(value)) != len(value):
            raise ValueError("a table is named twice")
        return value

    @field_validator("query")
    @classmethod
    def _query(cls, value: str) -> str:
        for term in value.split("^"):
            if term.startswith(("ORDERBY", "GROUPBY", "NQORDERBY")):
                raise ValueError(
                    f"{term!r}: leave ordering out; the connector orders by sys_updated_on "
                    "and sys_id to page and resume"
                )
        return value.strip().strip("^")

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        for name, target in value.items():
            if not FIELD.fullmatch(name):
                raise ValueError(f"{name!r} is not a ServiceNow field name (u_review_category)")
            section = target.split(".", 1)[0]
            if section not in SECTIONS or "." not in target:
                raise ValueError(
                    f"{name}: {target!r} is not a record field this can fill "
                    f"({', '.join(s + '.*' for s in SECTIONS)})"
                )
            if target == "attributes.servicenow" or target.startswith("attributes.servicenow."):
                raise ValueError(f"{name}: attributes.servicenow holds the raw fields already")
        return value

    @field_validator("extra_fields")
    @classmethod
    def _extra(cls, value: list[str]) -> list[str]:
        for name in value:
            if not FIELD.fullmatch(name):
                raise ValueError(f"{name!r} is not a ServiceNow field name (location.name)")
        return value
