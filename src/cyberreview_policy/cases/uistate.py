"""What the case board (``/ui/``) keeps in the case store: sign-in sessions.

A session is started by a reviewer's or an auditor's API token and lives in the
store, so every replica knows it and a revoked token ends it everywhere.  Only
the SHA-256 of the session's cookie value is stored (the value is 32 random
bytes, as a token is: a plain digest is enough).  A session ends at its expiry,
at logout, and when its token is revoked (:meth:`UiState.find_session` reads
the token's row too, and :meth:`~.servestate.ServeState.revoke_token` ends the
token's sessions).

A refused sign-in is in the audit trail (``ui.login_failed``, the client's
address as its subject, never the token given); the same entries throttle the
address (:meth:`UiState.login_wait`), so every ``serve`` worker and replica
shares the count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

from ..errors import TokenError
from ..i18n.catalog import N_, _
from .sqlparts import SqlPart

MIGRATION = """
CREATE TABLE ui_sessions (
    id TEXT PRIMARY KEY,
    token_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX ui_sessions_token ON ui_sessions (token_id);
"""

#: the roles that may sign in to the board (a gate token is for pipelines only)
UI_ROLES = ("reviewer", "auditor")
#: the audit action of a refused sign-in, and the prefix of its subject
LOGIN_FAILED = "ui.login_failed"
CLIENT = "client:"


@dataclass(frozen=True)
class UiSession:
    """A live session: whose token (id, name, role), its CSRF token and language."""

    token_id: str
    name: str
    role: str
    csrf: str
    lang: str
    expires_at: dt.datetime


def session_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class UiState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def start_session(self, token_hash: str, lang: str, lifetime: dt.timedelta) -> str:
        """A new session for the active token with SHA-256 ``token_hash``: the cookie value
        (returned once, here).  :class:`TokenError` for an unknown or revoked token, or one
        whose role may not sign in."""
        now = _now()
        value = secrets.token_urlsafe(32)
        with self._guard("starting a session"), self._write():
            row = self._execute(
                "SELECT id, name, role FROM api_tokens WHERE hash = ? AND revoked_at IS NULL",
                (token_hash,),
            ).fetchone()
            if row is None:
                raise _refused(N_("unknown or revoked token"))
            if row[2] not in UI_ROLES:
                raise _refused(N_("a {row} token cannot sign in to the case board"), row=row[2])
            self._execute(
                "INSERT INTO ui_sessions (id, token_id, csrf, lang, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_hash(value),
                    row[0],
                    secrets.token_urlsafe(32),
                    lang,
                    now.isoformat(),
                    (now + lifetime).isoformat(),
                ),
            )
            self._append_audit("ui.login", f"token:{row[1]}", subject=row[0], details={})
        return value

    def find_session(self, value: str) -> UiSession | None:
        """The live session of cookie ``value``: not ended, not expired, its token active."""
        with self._guard("reading a session"):
            row = self._execute(
                "SELECT t.id, t.name, t.role, s.csrf, s.lang, s.expires_at "
                "FROM ui_sessions s JOIN api_tokens t ON t.id = s.token_id "
                "WHERE s.id = ? AND s.ended_at IS NULL AND t.revoked_at IS NULL",
                (session_hash(value),),
            ).fetchone()
        if row is None:
            return None
        expires = dt.datetime.fromisoformat(row[5])
        if expires <= _now():
            return None
        return UiSession(row[0], row[1], row[2], row[3], row[4], expires)

    def end_session(self, value: str) -> None:
        """Logout: the session ends (on every replica)."""
        with self._guard("ending a session"), self._write():
            self._execute(
                "UPDATE ui_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (_now().isoformat(), session_hash(value)),
            )

    def set_session_lang(self, value: str, lang: str) -> None:
        """The language the session's pages are shown in, remembered."""
        with self._guard("saving a session's language"), self._write():
            self._execute(
                "UPDATE ui_sessions SET lang = ? WHERE id = ? AND ended_at IS NULL",
                (lang, session_hash(value)),
            )

    def purge_sessions(self, before: dt.datetime) -> int:
        """Forget sessions that ended or expired before ``before``."""
        stamp = before.replace(microsecond=0).isoformat()
        with self._guard("purging sessions"), self._write():
            cursor = self._execute(
                "DELETE FROM ui_sessions WHERE expires_at < ? OR ended_at < ?", (stamp, stamp)
            )
            return int(cursor.rowcount or 0)

    def login_failed(self, client: str, reason: str) -> None:
        """A sign-in from ``client`` (an address) was refused for ``reason``: audited,
        without the token given, and counted by :meth:`login_wait`."""
        with self._guard("auditing a refused sign-in"), self._write():
            self._append_audit(
                LOGIN_FAILED, "ui", subject=CLIENT + client[:100], details={"reason": reason}
            )

    def login_wait(self, client: str, limit: int, window: dt.timedelta) -> int:
        """Seconds ``client`` must wait before signing in again: 0 while fewer than
        ``limit`` sign-ins from it were refused within ``window``, else until the oldest
        of the last ``limit`` leaves it."""
        now = _now()
        with self._guard("reading refused sign-ins"):
            rows = self._execute(
                "SELECT at FROM audit WHERE subject = ? AND action = ? AND at >= ? "
                "ORDER BY seq DESC LIMIT ?",
                (CLIENT + client[:100], LOGIN_FAILED, (now - window).isoformat(), limit),
            ).fetchall()
        if len(rows) < limit:
            return 0
        oldest = dt.datetime.fromisoformat(rows[-1][0])
        return max(1, math.ceil((oldest + window - now).total_seconds()))


def _refused(message: str, **values: str) -> TokenError:
    """A refused sign-in in this context's language, with its English wording kept in
    ``english`` (the audit trail's ``reason`` does not change with the language)."""
    return TokenError(_(message).format(**values), message.format(**values))
