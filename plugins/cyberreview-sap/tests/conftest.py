"""A local S/4HANA (``testing/fake_s4hana.py``) for the connector's tests, and the
configuration an operator of East Grid Power would write for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eastgrid_pos import MATERIAL_GROUPS
from fake_s4hana import FakeS4HANA  # testing/, on pythonpath

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors.host import ConnectorSource, connect
from cyberreview_policy.models.record import Record
from cyberreview_policy.plugin.manager import make_host
from cyberreview_policy.plugin.types import SourceType

OPERATOR = {"name": "East Grid Power", "ciio": True, "sector": "energy"}
CUSTOM_FIELDS = ["YY1_NatSecImpact_PDI", "YY1_CIISystem_PDI", "YY1_ReviewStatus_PDI"]
#: the systems East Grid Power's CII does not include; every other named one is CII
NOT_CII = {"Office network": False, "Marketing system": False}
MAPPINGS: dict[str, Any] = {
    "product.category": {
        "from": "attributes.sap.MaterialGroup",
        "values": {code: category for code, (_, category) in MATERIAL_GROUPS.items()},
    },
    "risk.may_affect_national_security": {
        "from": "attributes.sap.YY1_NatSecImpact_PDI",
        "values": {"Y": True, "N": False},
    },
    "deployment.system": {"from": "attributes.sap.YY1_CIISystem_PDI"},
    "deployment.cii": {
        "from": "attributes.sap.YY1_CIISystem_PDI",
        "values": NOT_CII,
        "default": True,
    },
    "review.status": {
        "from": "attributes.sap.YY1_ReviewStatus_PDI",
        "values": {
            "DCL": "declared",
            "URV": "under_review",
            "PAS": "passed",
            "NRQ": "not_required",
            "FAL": "failed",
        },
    },
}


@pytest.fixture(scope="module")
def s4() -> Iterator[FakeS4HANA]:
    """East Grid Power's S/4HANA, for a module (tests may add and change orders)."""
    with FakeS4HANA() as system:
        yield system
        system.server.assert_no_errors()  # the fake's own failures are not SAP's 500s


@pytest.fixture
def own_s4() -> Iterator[FakeS4HANA]:
    """A system for one test, which may break it."""
    with FakeS4HANA() as system:
        yield system
        system.server.assert_no_errors()


@pytest.fixture(scope="session")
def kind() -> SourceType:
    kinds = make_host().registry.objects("sources")
    assert "sap" in kinds, "pip install -e plugins/cyberreview-sap"
    found: SourceType = kinds["sap"]
    return found


def basic(s4: FakeS4HANA, url: str | None = None) -> dict[str, Any]:
    return {
        "url": url or s4.url,
        "sap_client": "100",
        "username": s4.username,
        "password": s4.password,
        "item_fields": CUSTOM_FIELDS,
    }


def oauth(s4: FakeS4HANA, url: str | None = None) -> dict[str, Any]:
    base = url or s4.url
    return {
        "url": base,
        "sap_client": "100",
        "oauth_url": f"{base}/sap/bc/sec/oauth2/token",
        "client_id": s4.client_id,
        "client_secret": s4.client_secret,
        "item_fields": CUSTOM_FIELDS,
    }


def open_source(
    kind: SourceType,
    s4: FakeS4HANA,
    since: Any = None,
    mappings: dict[str, Any] | None = None,
    auth: Any = basic,
    **settings: Any,
) -> ConnectorSource:
    """The connector as the host runs it, on ``s4``, with ``settings`` over basic auth's."""
    source = inline_source(
        "sap",
        "sap",
        kind.settings_model(),
        {**auth(s4), "max_attempts": 3, **settings},
        operator=OPERATOR,
        mappings=MAPPINGS if mappings is None else mappings,
    )
    return connect(kind, source, since=since)


@dataclass
class Read:
    records: list[Record]
    skipped: dict[str, str]  # record id: reason
    checkpoint: Any
    problems: dict[str, list[str]]

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}


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
