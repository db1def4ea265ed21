"""Case store fixtures: every store test runs on SQLite and on PostgreSQL (``store_url``,
in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cyberreview_policy.cases.sqlstore import SqlStore


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


def raw_sql(url: str, statement: str) -> None:
    """Run ``statement`` straight in the store's database, behind cyberreview's back (as
    an attacker with its credentials, or a careless administrator, would)."""
    if url.startswith("sqlite"):
        import sqlite3

        from cyberreview_policy.cases.sqlite import path_from_url

        db = sqlite3.connect(path_from_url(url))
        db.execute(statement)
        db.commit()
        db.close()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute(statement)  # type: ignore[arg-type]
