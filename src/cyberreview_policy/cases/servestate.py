"""What ``cyberreview serve`` keeps in the case store: API tokens and idempotent responses.

- **Tokens**: only the SHA-256 of each bearer token is stored, never the token.
  A token is 32 random bytes from :mod:`secrets`, so a fast unsalted hash is
  enough: salting and stretching (bcrypt, scrypt) protect low-entropy
  passwords against guessing, and nobody can guess 256 random bits; a plain
  digest also lets every replica find a token by an indexed lookup.
- **Idempotency**: the response to a request with an ``Idempotency-Key`` (or
  ``request_id``), under the key's primary key.  A request first *claims* its
  key (an insert the primary key lets only one replica win, not a
  check-then-insert), decides, then completes the row; concurrent duplicates
  wait for that answer.  A claim left pending by a process that died is taken
  over once it is stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast

from ..errors import CaseStoreError, TokenError
from ..i18n.catalog import _
from .sqlparts import SqlPart

MIGRATION = """
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idempotency_created ON idempotency (created_at);
"""

#: a gate token may be granted the choice of the date of the law (an audit, a replay)
AS_OF_MIGRATION = """
ALTER TABLE api_tokens ADD COLUMN allow_as_of INTEGER NOT NULL DEFAULT 0;
"""

ROLES = ("gate", "reviewer", "auditor")
TOKEN_PREFIX = "crp_"


@dataclass(frozen=True)
class ApiToken:
    """A token as stored: its public id, name and role, whether it may choose the date
    of the law (``as_of``); never the token itself."""

    id: str
    name: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None = None
    allow_as_of: bool = False

    @classmethod
    def from_row(cls, row: Any) -> ApiToken:
        """From a row of :data:`_TOKEN_COLUMNS`."""
        token_id, name, role, created_at, created_by, revoked_at, allow_as_of = row
        return cls(token_id, name, role, created_at, created_by, revoked_at, bool(allow_as_of))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "revoked_at": self.revoked_at,
            "allow_as_of": self.allow_as_of,
        }


@dataclass(frozen=True)
class StoredResponse:
    """An answer kept under a key; ``status`` 0 while the claiming request decides."""

    fingerprint: str
    status: int
    body: str

    @property
    def pending(self) -> bool:
        return self.status == 0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A bearer token: a recognisable prefix and 256 bits from the OS's CSPRNG."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class ServeStore(Protocol):
    """What the service needs of a case store beyond :class:`~.base.CaseStore`."""

    def create_token(
        self, name: str, role: str, actor: str, allow_as_of: bool = False
    ) -> tuple[ApiToken, str]: ...

    def list_tokens(self) -> list[ApiToken]: ...

    def revoke_token(self, name_or_id: str, actor: str) -> ApiToken: ...

    def active_tokens(self) -> dict[str, ApiToken]: ...

    def stored_response(self, key: str) -> StoredResponse | None: ...

    def claim_response(self, key: str, fingerprint: str, stale_before: dt.datetime) -> bool: ...

    def complete_response(self, key: str, status: int, body: str) -> None: ...

    def release_response(self, key: str) -> None: ...

    def purge_responses(self, before: dt.datetime) -> int: ...


def serve_store(store: Any) -> ServeStore:
    """``store`` as a :class:`ServeStore`; a store plugin without tokens is an error."""
    if not hasattr(store, "active_tokens"):
        raise CaseStoreError(
            _(
                "the case store {value} cannot hold API tokens and stored responses: "
                "cyberreview serve needs the SQLite or PostgreSQL store"
            ).format(value=getattr(store, "url", "?"))
        )
    return cast(ServeStore, store)


_TOKEN_COLUMNS = "id, name, role, created_at, created_by, revoked_at, allow_as_of"


class ServeState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    # -- tokens -----------------------------------------------------------------

    def create_token(
        self, name: str, role: str, actor: str, allow_as_of: bool = False
    ) -> tuple[ApiToken, str]:
        """A new token (returned once, here) for ``name`` with ``role``; audited.
        ``allow_as_of``: a gate token that may choose the date of the law."""
        if role not in ROLES:
            raise TokenError(
                _("unknown role {role}; roles: {value}").format(
                    role=repr(role), value=", ".join(ROLES)
                )
            )
        if not name.strip():
            raise TokenError(_("a token needs a name (who or what uses it)"))
        if allow_as_of and role != "gate":
            raise TokenError(_("--allow-as-of is for gate tokens (only they ask for decisions)"))
        token = new_token()
        item = ApiToken(
            "tok-" + secrets.token_hex(4), name, role, _now(), actor, allow_as_of=allow_as_of
        )
        with self._guard("creating a token"), self._write():
            taken = self._execute(
                "SELECT id FROM api_tokens WHERE name = ? AND revoked_at IS NULL", (name,)
            ).fetchone()
            if taken is not None:
                raise TokenError(
                    _("a token named {name} exists ({taken}): revoke it first").format(
                        name=repr(name), taken=taken[0]
                    )
                )
            self._execute(
                "INSERT INTO api_tokens "
                "(id, name, role, hash, created_at, created_by, allow_as_of) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item.id, name, role, token_hash(token), item.created_at, actor, int(allow_as_of)),
            )
            details = {"name": name, "role": role, "allow_as_of": allow_as_of}
            self._append_audit("token.created", actor, subject=item.id, details=details)
        return item, token

    def list_tokens(self) -> list[ApiToken]:
        with self._guard("listing tokens"):
            rows = self._execute(
                f"SELECT {_TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id"
            ).fetchall()
        return [ApiToken.from_row(row) for row in rows]

    def revoke_token(self, name_or_id: str, actor: str) -> ApiToken:
        with self._guard("revoking a token"), self._write():
            row = self._execute(
                f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE revoked_at IS NULL "
                "AND (id = ? OR name = ?)",
                (name_or_id, name_or_id),
            ).fetchone()
            if row is None:
                raise TokenError(
                    _("no active token named or numbered {name_or_id}").format(
                        name_or_id=repr(name_or_id)
                    )
                )
            item = ApiToken.from_row(row)
            now = _now()
            self._execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", (now, item.id))
            self._execute(  # its case-board sessions end with it (cases/uistate.py)
                "UPDATE ui_sessions SET ended_at = ? WHERE token_id = ? AND ended_at IS NULL",
                (now, item.id),
            )
            self._append_audit("token.revoked", actor, subject=item.id, details={"name": item.name})
        return replace(item, revoked_at=now)

    def active_tokens(self) -> dict[str, ApiToken]:
        """Hash -> token, of every token not revoked (the service keeps this in memory)."""
        with self._guard("reading tokens"):
            rows = self._execute(
                f"SELECT hash, {_TOKEN_COLUMNS} FROM api_tokens WHERE revoked_at IS NULL"
            ).fetchall()
        return {row[0]: ApiToken.from_row(row[1:]) for row in rows}

    # -- idempotent responses -----------------------------------------------------

    def stored_response(self, key: str) -> StoredResponse | None:
        with self._guard("reading a stored response"):
            row = self._execute(
                "SELECT fingerprint, status, body FROM idempotency WHERE key = ?", (key,)
            ).fetchone()
        return StoredResponse(row[0], int(row[1]), row[2]) if row else None

    def claim_response(self, key: str, fingerprint: str, stale_before: dt.datetime) -> bool:
        """Claim ``key`` for the request with ``fingerprint``: True for exactly one
        claimant, on every replica (the primary key decides); a pending claim made
        before ``stale_before`` (its process died) is taken over."""
        stale = stale_before.replace(microsecond=0).isoformat()
        with self._guard("claiming a request"), self._write():
            row = self._execute(
                "INSERT INTO idempotency (key, fingerprint, status, body, created_at) "
                "VALUES (?, ?, 0, '', ?) ON CONFLICT DO NOTHING RETURNING key",
                (key, fingerprint, _now()),
            ).fetchone()
            if row is not None:
                return True
            cursor = self._execute(
                "UPDATE idempotency SET fingerprint = ?, created_at = ? "
                "WHERE key = ? AND status = 0 AND created_at < ?",
                (fingerprint, _now(), key, stale),
            )
            return bool(cursor.rowcount == 1)

    def complete_response(self, key: str, status: int, body: str) -> None:
        """Keep the claimed request's answer."""
        with self._guard("storing a response"), self._write():
            self._execute(
                "UPDATE idempotency SET status = ?, body = ? WHERE key = ? AND status = 0",
                (status, body, key),
            )

    def release_response(self, key: str) -> None:
        """Give up a claim (the request was not answered for good): the next try decides."""
        with self._guard("releasing a request"), self._write():
            self._execute("DELETE FROM idempotency WHERE key = ? AND status = 0", (key,))

    def purge_responses(self, before: dt.datetime) -> int:
        """Forget stored responses older than ``before``; how many were dropped."""
        with self._guard("purging stored responses"), self._write():
            cursor = self._execute(
                "DELETE FROM idempotency WHERE created_at < ?",
                (before.replace(microsecond=0).isoformat(),),
            )
            return int(cursor.rowcount or 0)
