"""Unit-test a connector without the contract kit: hand it what the host would."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..connectors.api import SourceContext


def source_context(settings: BaseModel, name: str = "test") -> SourceContext:
    """What the host hands a connector (``connect(ctx)``), for a unit test: ``settings``
    (the connector's settings model, validated: ``InventorySettings(url=..., token="t")``),
    ``ctx.http`` the host's client with their timeouts, retries and rate budget,
    ``ctx.logger`` a logger that masks their secrets.

        ctx = source_context(InventorySettings(url=server.url, token="t0ken"))
        records = [r for r in Inventory(ctx).read(None) if isinstance(r, dict)]

    The connector then runs as under the host, minus what the host adds around it
    (operator facts, mappings, validation, isolation: :mod:`.contract` tests those).
    """
    from pydantic import SecretStr

    from ..connectors.api import SourceContext
    from ..connectors.host import http_factory, redacted_logger

    secrets = [
        value.get_secret_value()
        for value in vars(settings).values()
        if isinstance(value, SecretStr) and value.get_secret_value()
    ]
    logger = redacted_logger(f"cyberreview.source.{name}", secrets)
    return SourceContext(name, settings, http_factory(name, settings), logger)
