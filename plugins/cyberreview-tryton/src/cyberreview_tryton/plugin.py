"""The ``tryton`` source type, registered through the ``cyberreview_policy`` entry point.

Registered by reference (``"module:name"``): the settings model and the
connector, and pydantic and requests with them, are imported only when a
command uses a Tryton source, so installing this plugin costs the gate nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "tryton",
            config="cyberreview_tryton.settings:TrytonSettings",
            connect="cyberreview_tryton.connector:TrytonConnector",
            description="purchase lines from a Tryton ERP (JSON-RPC or REST)",
        )
    )
