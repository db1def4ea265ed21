"""The ``sap`` source type, registered through the ``cyberreview_policy`` entry point.

By reference (``"module:name"``): pydantic and requests are imported only when
a command uses an SAP source, so installing this plugin costs the gate nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "sap",
            config="cyberreview_sap.settings:SapSettings",
            connect="cyberreview_sap.connector:SapConnector",
            description="purchase order items from SAP S/4HANA (API_PURCHASEORDER_PROCESS_SRV)",
        )
    )
