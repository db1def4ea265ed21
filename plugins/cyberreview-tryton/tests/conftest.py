"""A real Tryton 8.2 for the connector's tests (see testing/README.md).

The first run on a machine builds the cached venv and seeded template (about
80 s: ``tox -e integration-tryton`` does it, visibly, before pytest); after
that a server starts in about 2 s.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tryton_env  # testing/, on pythonpath

#: the product's Tryton category, for products without a review_category attribute
CATEGORY_MAPPING: dict[str, Any] = {
    "from": "attributes.tryton.category",
    "if_unknown": True,
    "values": {
        "Network equipment": "core_network_equipment",
        "Servers": "hpc_server",
        "Security equipment": "network_security_equipment",
        "Storage": "mass_storage",
        "Software": "application_software",
        "Cloud services": "cloud_service",
        "Industrial control": "other_important",
        "Office": "other",
    },
    "missing": "other",
}
MAPPINGS: dict[str, Any] = {
    "product.category": CATEGORY_MAPPING,
    "deployment.cii": {"from": "deployment.system", "values": {}, "default": True},
}


def start(tmp_path_factory: pytest.TempPathFactory, **options: Any) -> tryton_env.Server:
    tryton_env.ensure()
    return tryton_env.start(tmp_path_factory.mktemp("tryton"), **options)


@pytest.fixture(scope="module")
def tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tryton_env.Server]:
    """A Tryton server for the module (its data may change: tests add purchases)."""
    with start(tmp_path_factory) as server:
        yield server


def jsonrpc_settings(server: tryton_env.Server, url: str | None = None) -> dict[str, Any]:
    return {
        "url": url or server.url,
        "database": server.database,
        "username": server.login,
        "password": server.password,
    }


def rest_settings(server: tryton_env.Server, url: str | None = None) -> dict[str, Any]:
    return {
        "url": url or server.url,
        "database": server.database,
        "mode": "rest",
        "api_key": server.api_key,
    }


def stranger() -> str:
    """A login Tryton has never seen: its failed-login delays start from zero."""
    return f"nobody-{uuid.uuid4().hex[:8]}"


def add_router(server: tryton_env.Server, product: str = "EG-RTR-CORE16") -> str:
    """A confirmed purchase of one core router (or ``product``); the new line's id."""
    added = tryton_env.add_purchase(server, [(product, 1, "3790000.00")])
    return str(added["line_ids"][0])


def change_line(server: tryton_env.Server, line_id: str) -> None:
    """Someone adds a comment to the purchase of line ``line_id``: its lines changed."""
    tryton_env.run_proteus(
        server,
        """
        Line = Model.get("purchase.line")
        purchase = Line(int(args["line"])).purchase
        purchase.comment = (purchase.comment or "") + " Reviewed."
        purchase.save()
        result = purchase.id
        """,
        {"line": line_id},
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
