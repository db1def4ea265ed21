"""Write a connector: the source API, the host's HTTP client and paginators.

A connector plugin registers a :class:`SourceType` with a settings model and a
``connect`` function::

    from pydantic import SecretStr
    from cyberreview_policy.connectors import (
        Checkpoint, CheckResult, ConnectorSettings, SourceContext, SourceType, paging)
    from cyberreview_policy.plugin import hookimpl

    class InventorySettings(ConnectorSettings):
        url: str
        token: SecretStr

    class Inventory:
        def __init__(self, ctx: SourceContext):
            self.http = ctx.http(ctx.settings.url, headers={
                "Authorization": f"Token {ctx.settings.token.get_secret_value()}"})
            ...

    @hookimpl
    def cyberreview_register_sources(register):
        register(SourceType("inventory", config=InventorySettings, connect=Inventory,
                            description="assets from the Inventory API"))

See ``docs/connectors.md`` for the tutorial, and
:mod:`cyberreview_policy.testing` for the contract tests every connector runs.
"""

from ..errors import HttpError
from ..plugin.types import SourceType
from . import paging
from .api import Checkpoint, CheckResult, Connector, ConnectorSettings, SourceContext
from .http import HttpClient, RateBudget, RetryPolicy

__all__ = [
    "CheckResult",
    "Checkpoint",
    "Connector",
    "ConnectorSettings",
    "HttpClient",
    "HttpError",
    "RateBudget",
    "RetryPolicy",
    "SourceContext",
    "SourceType",
    "paging",
]
