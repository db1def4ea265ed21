"""The ``nautobot`` source type, registered through the ``cyberreview_policy`` entry point.

By reference (``"module:name"``): pydantic and requests are imported only when
a command uses a Nautobot source, so installing this plugin costs the gate nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "nautobot",
            config="cyberreview_nautobot.settings:NautobotSettings",
            connect="cyberreview_nautobot.connector:NautobotConnector",
            description="devices from a Nautobot CMDB (REST API, token)",
        )
    )
