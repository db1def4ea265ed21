"""The ``sap`` source's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from cyberreview_policy.connectors import ConnectorSettings

PURCHASE_ORDERS = "/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV"
BUSINESS_PARTNERS = "/sap/opu/odata/sap/API_BUSINESS_PARTNER"
PROPERTY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")  # an OData property name
CLIENT = re.compile(r"\d{3}")


def _url(value: str, what: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"give {what} as a URL, e.g. https://s4h.example.com:44300")
    if parts.query or parts.fragment:
        raise ValueError(f"give {what} without a query or fragment")
    return value.strip().rstrip("/")


class SapSettings(ConnectorSettings):
    url: str = Field(
        description="The S/4HANA system's URL (scheme, host and port), e.g. "
        "https://s4h.eastgrid.example:44300 or https://my300100-api.s4hana.cloud.sap"
    )
    sap_client: str | None = Field(
        None,
        description="The SAP client (three digits, sent as the sap-client header); "
        "leave out for the system's default client.",
    )
    username: str | None = Field(
        None, description="Basic auth: a communication user allowed to read the services."
    )
    password: SecretStr | None = Field(None, description="Basic auth: that user's password.")
    oauth_url: str | None = Field(
        None,
        description="OAuth 2.0 client credentials: the token endpoint, e.g. "
        "https://s4h.eastgrid.example:44300/sap/bc/sec/oauth2/token",
    )
    client_id: str | None = Field(None, description="OAuth 2.0: the client id.")
    client_secret: SecretStr | None = Field(None, description="OAuth 2.0: the client secret.")
    scope: str | None = Field(
        None, description="OAuth 2.0: the scope to ask for, if the token endpoint wants one."
    )
    purchase_order_service: str = Field(
        PURCHASE_ORDERS,
        description="Path of the purchase order service (API_PURCHASEORDER_PROCESS_SRV).",
    )
    business_partner_service: str | None = Field(
        BUSINESS_PARTNERS,
        description="Path of the business partner service (API_BUSINESS_PARTNER), for the "
        "suppliers' names and countries; null: vendor name and country left unknown.",
    )
    filter: str = Field(
        "",
        description="An OData $filter on A_PurchaseOrder every read and fetch keeps to, e.g. "
        "CompanyCode eq '1000' and PurchasingOrganization eq 'EG00' (no $orderby: the "
        "connector orders).",
    )
    item_fields: list[str] = Field(
        default_factory=list,
        description="More A_PurchaseOrderItem properties to read into attributes.sap for the "
        "mappings, e.g. custom fields such as YY1_NatSecImpact_PDI.",
    )
    header_fields: list[str] = Field(
        default_factory=list,
        description="More A_PurchaseOrder properties to read into attributes.sap.",
    )
    include_deleted: bool = Field(
        False,
        description="Also read items marked deleted (PurchasingDocumentDeletionCode L).",
    )
    page_size: int = Field(
        100, ge=1, le=5000, description="Purchase orders (and items) asked for per request."
    )

    @field_validator("url")
    @classmethod
    def _system(cls, value: str) -> str:
        return _url(value, "the system's URL")

    @field_validator("oauth_url")
    @classmethod
    def _oauth_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value, "oauth_url")

    @field_validator("sap_client")
    @classmethod
    def _client(cls, value: str | None) -> str | None:
        if value is not None and not CLIENT.fullmatch(value.strip()):
            raise ValueError("an SAP client is three digits, e.g. '100' (quote it in YAML)")
        return None if value is None else value.strip()

    @field_validator("purchase_order_service", "business_partner_service")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith("/") or "?" in value:
            raise ValueError(f"{value!r}: give the service's path, e.g. {PURCHASE_ORDERS}")
        return value.rstrip("/")

    @field_validator("item_fields", "header_fields")
    @classmethod
    def _properties(cls, value: list[str]) -> list[str]:
        for name in value:
            if not PROPERTY.fullmatch(name):
                raise ValueError(f"{name!r} is not an OData property name (YY1_NatSecImpact_PDI)")
        return list(dict.fromkeys(value))

    @field_validator("filter")
    @classmethod
    def _filter(cls, value: str) -> str:
        text = value.strip()
        if "$" in text or "&" in text:
            raise ValueError("give the $filter expression only, without $filter= or other options")
        if text.count("'") % 2 or text.count("(") != text.count(")"):
            raise ValueError(f"{text!r}: unbalanced quotes or parentheses")
        return text

    @model_validator(mode="after")
    def _credentials(self) -> SapSettings:
        basic = self.username is not None or self.password is not None
        oauth = any(v is not None for v in (self.oauth_url, self.client_id, self.client_secret))
        if basic and (not self.username or self.password is None):
            raise ValueError("basic auth needs both username and password")
        if oauth and (not self.oauth_url or not self.client_id or self.client_secret is None):
            raise ValueError(
                "OAuth 2.0 client credentials need oauth_url, client_id and client_secret"
            )
        if basic == oauth:
            raise ValueError(
                "give username and password, or oauth_url, client_id and client_secret (not both)"
            )
        return self
