"""Case store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is expected at ``$CYBERREVIEW_TEST_PG`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), as on development and CI
machines; each test gets a database of its own, dropped afterwards.  When the
server cannot be reached the PostgreSQL tests fail, saying so: they are not
skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cyberreview_policy.cases.sqlstore import SqlStore

ADMIN_URL = os.environ.get("CYBERREVIEW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin() -> object:
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.fail(
            f"PostgreSQL is needed for the store tests and is not reachable at {ADMIN_URL} "
            f"(set CYBERREVIEW_TEST_PG): {exc}"
        )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test."""
    name = f"cyberreview_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        admin.close()  # type: ignore[attr-defined]


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
