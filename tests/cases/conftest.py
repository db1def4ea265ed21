"""Case store fixtures: every store test runs on SQLite and on PostgreSQL (``pg_url``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cyberreview_policy.cases.sqlstore import SqlStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'cases.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def open_store(url: str) -> SqlStore:
    if url.startswith("sqlite"):
        from cyberreview_policy.cases.sqlite import SqliteStore, path_from_url

        return SqliteStore(path_from_url(url))
    from cyberreview_policy.cases.postgres import PostgresStore

    return PostgresStore(url)


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()
