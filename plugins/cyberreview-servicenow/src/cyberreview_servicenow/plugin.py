"""The ``servicenow`` source type and change system, registered through the
``cyberreview_policy`` entry point.

Registered by reference (``"module:name"``): the settings model and the
connector, and pydantic and requests with them, are imported only when a
command uses a ServiceNow source, so installing this plugin costs the gate nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import ChangeSystemType, SourceType


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "servicenow",
            config="cyberreview_servicenow.settings:ServiceNowSettings",
            connect="cyberreview_servicenow.connector:ServiceNowConnector",
            description="CMDB CIs and hardware assets from ServiceNow (Table API)",
        )
    )


@hookimpl
def cyberreview_register_change_systems(register: Callable[[ChangeSystemType], None]) -> None:
    register(
        ChangeSystemType(
            "servicenow",
            config="cyberreview_servicenow.changes:ServiceNowChangeSettings",
            connect="cyberreview_servicenow.changes:ServiceNowChanges",
            description="change requests: approve/reject or work-note them from the gate",
        )
    )
