"""The ``buyly`` source type, registered through the ``cyberreview_policy`` entry point.

Registered by reference (``"module:name"``): the settings model and the connector,
and pydantic and requests with them, are imported only when a command uses a
Buyly source, so installing this plugin does not slow ``cyberreview gate``.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "buyly",
            config="cyberreview_buyly.settings:BuylySettings",
            connect="cyberreview_buyly.connector:Buyly",
            description="records from the Buyly API",
        )
    )
