"""The ``buyly`` source type, registered through the ``cyberreview_policy`` entry point.

Registered by reference (``"module:name"``): the settings model and the connector,
and pydantic and requests with them, are imported only when a command uses a
Buyly source, so installing this plugin does not slow ``cyberreview gate``.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType

#: the entry ``cyberreview init`` writes (commented out) for a Buyly source
EXAMPLE = """\
type: buyly
settings:
  url: https://buyly.example.com
  token: {env: BUYLY_TOKEN}   # or {file: /run/secrets/buyly}; never the value itself
mappings:                     # the system's categories -> the record's (docs/record-v1.md)
  product.category:
    from: attributes.buyly.category
    values:
      Network > Routers: core_network_equipment
      Network > Firewalls: network_security_equipment
      Servers > Rack: hpc_server
    default: other            # without it, a category not listed is held in quarantine
"""


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "buyly",
            config="cyberreview_buyly.settings:BuylySettings",
            connect="cyberreview_buyly.connector:Buyly",
            description="records from the Buyly API",
            example=EXAMPLE,
        )
    )
