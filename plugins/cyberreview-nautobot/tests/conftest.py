"""A real Nautobot 3.2 (``testing/nautobot_env.py``) for the connector's tests, and the
configuration an operator of East Grid Power would write for it.

The first run on a machine builds the cached venv and seeded template (about
5 minutes: ``tox -e integration-nautobot`` does it, visibly, before pytest);
after that a server starts in about 4 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nautobot_env  # testing/, on pythonpath
import pytest

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors.host import ConnectorSource, connect
from cyberreview_policy.plugin.manager import make_host
from cyberreview_policy.plugin.types import SourceType

OPERATOR = {"name": "East Grid Power", "ciio": True, "sector": "energy"}
#: the device's role, for devices without a review_category custom field
CATEGORY_MAPPING: dict[str, Any] = {
    "from": "attributes.nautobot.role",
    "if_unknown": True,
    "values": {
        "router": "core_network_equipment",
        "core-switch": "core_network_equipment",
        "transmission": "important_communication_product",
        "hpc-server": "hpc_server",
        "storage": "mass_storage",
        "firewall": "network_security_equipment",
        "ids": "network_security_equipment",
        "isolation-gateway": "network_security_equipment",
        "plc": "other_important",
        "rtu": "other_important",
    },
    "default": "other",
}
MAPPINGS: dict[str, Any] = {
    "product.category": CATEGORY_MAPPING,
    # devices tagged "cii" are CII (the connector's default tag setting); the rest: unknown
}


def awkward(server: nautobot_env.Server, case: str) -> str:
    """The id of a deliberately awkward seeded device (see testing/nautobot_seed.py)."""
    found: str = server.seed["awkward"][case]
    return found


def device_id(server: nautobot_env.Server, name: str) -> str:
    ids = [d["id"] for d in server.seed["devices"] if d["name"] == name]
    assert len(ids) == 1, f"{len(ids)} seeded devices named {name!r}"
    return str(ids[0])


def start(tmp: Path) -> nautobot_env.Server:
    nautobot_env.ensure()
    return nautobot_env.start(tmp)


@pytest.fixture(scope="session")
def nautobot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[nautobot_env.Server]:
    """One Nautobot for the session's read-mostly tests (tests may add devices)."""
    with start(tmp_path_factory.mktemp("nautobot")) as server:
        yield server


@pytest.fixture
def own_nautobot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[nautobot_env.Server]:
    """A Nautobot for one test, which may kill it."""
    with start(tmp_path_factory.mktemp("nautobot")) as server:
        yield server


@pytest.fixture(scope="session")
def kind() -> SourceType:
    kinds = make_host().registry.objects("sources")
    assert "nautobot" in kinds, "pip install -e plugins/cyberreview-nautobot"
    found: SourceType = kinds["nautobot"]
    return found


def open_source(
    kind: SourceType,
    server: nautobot_env.Server,
    since: Any = None,
    mappings: dict[str, Any] | None = None,
    **settings: Any,
) -> ConnectorSource:
    """The connector as the host runs it, on ``server``, with ``settings`` over the defaults."""
    source = inline_source(
        "nautobot",
        "nautobot",
        kind.settings_model(),
        {"url": server.url, "token": server.token, "max_attempts": 2, **settings},
        operator=OPERATOR,
        mappings=MAPPINGS if mappings is None else mappings,
    )
    return connect(kind, source, since=since)
