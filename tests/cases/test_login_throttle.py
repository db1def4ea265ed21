"""The store's count of refused sign-ins (SQLite and PostgreSQL): what every serve
worker reads before it looks at a token."""

from __future__ import annotations

import datetime as dt

from cyberreview_policy.cases.sqlstore import SqlStore

WINDOW = dt.timedelta(minutes=5)


def test_refused_sign_ins_are_counted_per_address(store: SqlStore) -> None:
    for _ in range(4):
        store.login_failed("203.0.113.7", "unknown or revoked token")
    assert store.login_wait("203.0.113.7", 5, WINDOW) == 0
    store.login_failed("203.0.113.7", "unknown or revoked token")
    assert 1 <= store.login_wait("203.0.113.7", 5, WINDOW) <= 300
    assert store.login_wait("203.0.113.8", 5, WINDOW) == 0
    assert store.login_wait("203.0.113.7", 6, WINDOW) == 0
    (entry, *_) = [e for e in store.audit_entries() if e.action == "ui.login_failed"]
    assert (entry.actor, entry.subject) == ("ui", "client:203.0.113.7")
