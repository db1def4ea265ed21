"""A local ServiceNow (``testing/fake_servicenow.py``) for the connector's tests, and the
configuration an operator of East Grid Power would write for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fake_servicenow import FakeServiceNow  # testing/, on pythonpath

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors.host import ConnectorSource, connect
from cyberreview_policy.models.record import Record
from cyberreview_policy.plugin.manager import make_host
from cyberreview_policy.plugin.types import SourceType

OPERATOR = {"name": "East Grid Power", "ciio": True, "sector": "energy"}
#: the CI's class, for CIs without a u_review_category
CATEGORY_MAPPING: dict[str, Any] = {
    "from": "attributes.servicenow.sys_class_name",
    "if_unknown": True,
    "values": {
        "cmdb_ci_ip_router": "core_network_equipment",
        "cmdb_ci_ip_switch": "core_network_equipment",
        "cmdb_ci_netgear": "core_network_equipment",
        "cmdb_ci_ip_firewall": "network_security_equipment",
        "cmdb_ci_linux_server": "hpc_server",
        "cmdb_ci_win_server": "hpc_server",
        "cmdb_ci_server": "hpc_server",
        "cmdb_ci_ot_plc": "other_important",
        "cmdb_ci_ot_rtu": "other_important",
        "cmdb_ci_appl": "application_software",
        "alm_hardware": "core_network_equipment",
    },
    "default": "other",
}
MAPPINGS: dict[str, Any] = {
    "product.category": CATEGORY_MAPPING,
    "deployment.cii": {"from": "deployment.system", "values": {}, "default": True},
}


@pytest.fixture(scope="module")
def sn() -> Iterator[FakeServiceNow]:
    """East Grid Power's instance, for a module (tests may add and change CIs)."""
    with FakeServiceNow() as instance:
        yield instance


@pytest.fixture
def own_sn() -> Iterator[FakeServiceNow]:
    """An instance for one test, which may break it."""
    with FakeServiceNow() as instance:
        yield instance


@pytest.fixture(scope="session")
def kind() -> SourceType:
    kinds = make_host().registry.objects("sources")
    assert "servicenow" in kinds, "pip install -e plugins/cyberreview-servicenow"
    found: SourceType = kinds["servicenow"]
    return found


def basic(sn: FakeServiceNow, url: str | None = None) -> dict[str, Any]:
    return {"instance": url or sn.url, "username": sn.username, "password": sn.password}


def oauth(sn: FakeServiceNow, url: str | None = None) -> dict[str, Any]:
    return {"instance": url or sn.url, "oauth_token": sn.token}


def open_source(
    kind: SourceType,
    sn: FakeServiceNow,
    since: Any = None,
    mappings: dict[str, Any] | None = None,
    **settings: Any,
) -> ConnectorSource:
    """The connector as the host runs it, on ``sn``, with ``settings`` over basic auth's."""
    source = inline_source(
        "servicenow",
        "servicenow",
        kind.settings_model(),
        {**basic(sn), "max_attempts": 3, **settings},
        operator=OPERATOR,
        mappings=MAPPINGS if mappings is None else mappings,
    )
    return connect(kind, source, since=since)


@dataclass
class Read:
    records: list[Record]
    skipped: dict[str, str]  # sys_id: reason
    checkpoint: Any
    problems: dict[str, list[str]]  # sys_id: values of the wrong type, left unknown

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    def by_name(self) -> dict[str, Record]:
        return {r.attributes["servicenow"]["name"]: r for r in self.records}


def read_all(source: ConnectorSource) -> Read:
    records, skipped, problems = [], {}, {}
    for item in source.read():
        if item.record is not None:
            records.append(item.record)
            if item.problems:
                problems[item.record.id] = sorted(item.problems)
        else:
            assert item.error is not None
            error = item.error
            reason = f"{error.field}: {error.message}" if error.field else error.message
            skipped[error.record_id or "?"] = reason
    return Read(records, skipped, source.checkpoint, problems)
