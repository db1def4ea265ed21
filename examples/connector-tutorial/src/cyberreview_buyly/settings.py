"""The ``buyly`` source's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from cyberreview_policy.connectors import ConnectorSettings


class BuylySettings(ConnectorSettings):
    """``ConnectorSettings`` brings what the host needs: timeouts, retries, a rate
    budget and ``page_size``.  Describe every setting: ``cyberreview init`` and
    ``cyberreview sources list`` show it.  A secret is a ``SecretStr``: the
    configuration then takes it only from ``{env: ...}`` or ``{file: ...}``."""

    url: str = Field(
        description="Base URL of the Buyly API, e.g. https://buyly.example.com",
    )
    token: SecretStr = Field(description="API token of a user who may read the records.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("give the API's URL, e.g. https://buyly.example.com")
        return value.strip().rstrip("/")
