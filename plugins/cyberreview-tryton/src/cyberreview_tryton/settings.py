"""The ``tryton`` source's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from cyberreview_policy.connectors import ConnectorSettings

#: product_attribute attributes -> record fields, unless the settings say otherwise
DEFAULT_ATTRIBUTES: dict[str, str] = {
    "review_category": "product.category",
    "catalogue_type": "product.type",
    "throughput_tbps": "product.specs.throughput_tbps",
    "routing_entries": "product.specs.routing_entries",
    "forwarding_gpps": "product.specs.forwarding_gpps",
    "cpus": "product.specs.cpus",
    "cores_per_cpu": "product.specs.cores_per_cpu",
    "memory_gb": "product.specs.memory_gb",
    "instruction_time_us": "product.specs.instruction_time_us",
    "may_affect_national_security": "risk.may_affect_national_security",
    "review_status": "review.status",
    "cii_system": "deployment.system",
    "in_use": "deployment.in_use",
}

#: purchases in these states are read (drafts have no number and commit nothing yet)
DEFAULT_STATES = ["quotation", "confirmed", "processing", "done"]


class TrytonSettings(ConnectorSettings):
    url: str = Field(description="The Tryton server, e.g. https://erp.example.com:8000")
    database: str = Field(description="The Tryton database name.")
    mode: Literal["jsonrpc", "rest"] = Field(
        "jsonrpc", description="jsonrpc (user and password) or rest (an API key)."
    )
    username: str | None = Field(None, description="jsonrpc: a user with read access only.")
    password: SecretStr | None = Field(None, description="jsonrpc: that user's password.")
    api_key: SecretStr | None = Field(
        None, description="rest: a user application key (application 'rest')."
    )
    states: list[str] = Field(
        default_factory=lambda: list(DEFAULT_STATES),
        description="Read lines of purchases in these states.",
    )
    attributes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_ATTRIBUTES),
        description="Product attribute name: record field it fills (these replace the "
        "defaults: review_category, catalogue_type, throughput_tbps, ...).",
    )
    language: str = Field("en", description="Language of names Tryton returns.")

    @model_validator(mode="after")
    def _credentials(self) -> TrytonSettings:
        if self.mode == "jsonrpc" and (not self.username or self.password is None):
            raise ValueError("mode jsonrpc needs username and password")
        if self.mode == "rest" and self.api_key is None:
            raise ValueError("mode rest needs api_key")
        return self
