"""A real Nautobot 3.2 server with a seeded CMDB, for tests.

Standard library only: this file runs from any Python >= 3.11 and never
imports Nautobot itself. Nautobot lives in its own venv in a per-machine
cache; its data lives in the machine's PostgreSQL and Redis.

``ensure()``
    Once per machine (and again when the pins, the users or
    ``nautobot_seed.py`` change): create the venv, install the pinned
    Nautobot 3.2, ``nautobot-server migrate`` a fresh database (minutes of
    CPU), create the users and API tokens in one ``nautobot-server shell``,
    seed it through the REST API (``nautobot_seed.py``) and keep it as a
    template database ``cyberreview_nautobot_tpl_<key>``. Concurrent callers
    wait on a lock file; a cached call is quiet and takes milliseconds.
``start(workdir) -> Server``
    ``CREATE DATABASE ... TEMPLATE`` (well under a second), flush the Redis
    index, start ``nautobot-server runserver`` on a free loopback port and
    wait until ``/health/`` answers 200 (Nautobot itself needs 5-8 s to
    start). ``Server.stop()`` drops the database; ``Server.kill()``.
``api(server, ...)`` / ``add_device`` / ``update_device`` / ``delete_device``
    Read or change data on a running server (REST, as admin by default).

Command line::

    python nautobot_env.py ensure [--rebuild]   # build or check the cache
    python nautobot_env.py serve                # start a server, print JSON, run until Ctrl-C
    python nautobot_env.py path                 # print the cache directory

The cache directory is ``$CYBERREVIEW_NAUTOBOT_CACHE``, else
``$XDG_CACHE_HOME/cyberreview-policy/nautobot-3.2``, else
``~/.cache/cyberreview-policy/nautobot-3.2``. Delete it to rebuild from
scratch (the template database is rebuilt with it).

Services: PostgreSQL from ``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD``
(default ``127.0.0.1:5432``, user ``postgres``; the user needs CREATEDB;
trust, password, md5 and SCRAM-SHA-256 authentication; no TLS) and Redis
from ``CYBERREVIEW_NAUTOBOT_REDIS_HOST``/``_PORT``/``_DB`` (default
``127.0.0.1:6379``, index 13; no password). Every server uses that one Redis
index (cache and Celery broker) with a key prefix of its own; ``start()``
flushes the index, which costs concurrent servers nothing but cache misses.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERIES = "3.2"
#: the package asked for, pinned to the version resolved on 2026-11-29
REQUIREMENTS = ("nautobot==3.2.7",)
#: everything it resolved to (Python 3.11, Linux x86_64), pinned too (``pip install -c``)
CONSTRAINTS = (
    "aiohappyeyeballs==2.7.1",
    "aiohttp==3.14.5",
    "aiosignal==1.4.0",
    "amqp==5.4.2",
    "asgiref==3.13.0",
    "attrs==26.1.0",
    "billiard==4.3.2",
    "celery==5.6.3",
    "certifi==2026.10.19.post1",
    "cffi==2.1.1",
    "charset-normalizer==3.5.3",
    "click==8.5.1",
    "click-didyoumean==0.3.1",
    "click-plugins==1.1.1.2",
    "click-repl==0.4.1",
    "cron-descriptor==1.4.5",
    "cryptography==50.0.2",
    "defusedxml==0.7.1",
    "Django==5.2.19",
    "django-ajax-tables==1.1.1",
    "django-celery-beat==2.9.0",
    "django-constance==4.3.5",
    "django-cors-headers==4.9.0",
    "django-db-file-storage==0.5.6.1",
    "django-extensions==4.1",
    "django-filter==25.2",
    "django-health-check==3.20.8",
    "django-ipware==8.0.0",
    "django-jinja==2.11.0",
    "django-prometheus==2.5.0",
    "django-redis==7.0.0",
    "django-silk==5.5.2",
    "django-structlog==10.1.0",
    "django-tables2==3.0.1",
    "django-taggit==6.1.0",
    "django-timezone-field==7.2.2",
    "django-tree-queries==0.24.0",
    "django-webserver==1.2.0",
    "django_celery_results==2.6.0",
    "djangorestframework==3.17.2",
    "drf-spectacular==0.29.0",
    "drf-spectacular-sidecar==2026.9.1",
    "durationpy==0.11",
    "emoji==2.15.0",
    "frozenlist==1.8.0",
    "gitdb==4.0.12",
    "GitPython==3.2.1",
    "googleapis-common-protos==1.76.0",
    "gprof2dot==2025.4.14",
    "graphene==3.4.3",
    "graphene-django==3.2.3",
    "graphene-django-optimizer==0.10.0",
    "graphql-core==3.2.14",
    "graphql-relay==3.2.0",
    "grpcio==1.85.3",
    "idna==3.20",
    "inflection==0.5.1",
    "Jinja2==3.1.6",
    "jsonschema==4.26.0",
    "jsonschema-specifications==2025.9.1",
    "kombu==5.7.0",
    "kubernetes==36.0.3",
    "Markdown==3.10.3",
    "MarkupSafe==3.0.4",
    "multidict==7.2.1",
    "netaddr==1.3.0",
    "netutils==1.19.2",
    "nh3==0.3.8",
    "oauthlib==4.0.1",
    "opentelemetry-api==1.43.0",
    "opentelemetry-exporter-otlp==1.43.0",
    "opentelemetry-exporter-otlp-proto-common==1.43.0",
    "opentelemetry-exporter-otlp-proto-grpc==1.43.0",
    "opentelemetry-exporter-otlp-proto-http==1.43.0",
    "opentelemetry-instrumentation==0.64b0",
    "opentelemetry-instrumentation-celery==0.64b0",
    "opentelemetry-instrumentation-dbapi==0.64b0",
    "opentelemetry-instrumentation-django==0.64b0",
    "opentelemetry-instrumentation-logging==0.64b0",
    "opentelemetry-instrumentation-mysqlclient==0.64b0",
    "opentelemetry-instrumentation-psycopg2==0.64b0",
    "opentelemetry-instrumentation-redis==0.64b0",
    "opentelemetry-instrumentation-requests==0.64b0",
    "opentelemetry-instrumentation-wsgi==0.64b0",
    "opentelemetry-proto==1.43.0",
    "opentelemetry-sdk==1.43.0",
    "opentelemetry-semantic-conventions==0.64b0",
    "opentelemetry-util-http==0.64b0",
    "packaging==26.4",
    "pillow==12.3.0",
    "prometheus_client==0.25.0",
    "promise==2.3",
    "prompt_toolkit==3.0.53",
    "propcache==0.5.4",
    "protobuf==7.36.2",
    "psycopg2-binary==2.9.13",
    "pycparser==3.12",
    "PyJWT==2.15.1",
    "python-crontab==3.4.0",
    "python-dateutil==2.9.0.post0",
    "python-ipware==4.1.1",
    "python-slugify==8.0.4",
    "python3-openid==3.2.0",
    "pyuwsgi==2.0.30.post1",
    "PyYAML==6.0.4",
    "redis==8.1.0",
    "referencing==0.37.0",
    "regex==2026.11.19",
    "requests==2.34.2",
    "requests-oauthlib==2.0.0",
    "rpds-py==2026.9.1",
    "six==1.17.0",
    "smmap==5.0.3",
    "social-auth-app-django==6.0.1",
    "social-auth-core==5.2.0",
    "sqlparse==0.6.1",
    "structlog==26.1.0",
    "svgwrite==1.4.3",
    "text-unidecode==1.3",
    "typing_extensions==4.16.0",
    "tzdata==2026.6",
    "tzlocal==5.4.5",
    "uritemplate==4.2.0",
    "urllib3==2.8.0",
    "vine==5.1.0",
    "wcwidth==0.9.4",
    "websocket-client==1.9.2",
    "wrapt==2.5.2",
    "yarl==1.25.1",
)


def _token(label: str) -> str:
    """A deterministic 40-hex API token."""
    return hashlib.sha1(f"cyberreview-policy nautobot {label}".encode()).hexdigest()


#: username, password, email, token, kind
USERS = {
    # a superuser: the seeding and the change helpers use its token
    "admin": ("admin", "EastGrid-Admin-2026!", "admin@eastgrid.example.cn", _token("admin")),
    # the connector's account: may view every object type, token not write-enabled
    "user": (
        "cyberreview",
        "CyberReview-Read-2026!",
        "cyberreview@eastgrid.example.cn",
        _token("reader"),
    ),
    # a valid token of a user without any permission (403 on every list)
    "probe": ("probe", "Probe-Login-2026!", "probe@eastgrid.example.cn", _token("probe")),
}
SECRET_KEY = "cyberreview-policy-nautobot-test-harness-not-a-secret-0123456789"
API_VERSION = "3.2"
#: bump to force a rebuild of the template when the build steps change
BUILD_FORMAT = 1

#: appended to the configuration ``nautobot-server init`` writes
CONFIG_OVERRIDES = """
# --- added by nautobot_env.py (cyberreview-policy test harness) ----------------
# One Redis index for the cache and the Celery broker (no worker runs), and a
# cache key prefix per server, so that servers sharing the index do not see
# each other's cached custom-field definitions.
_CYBERREVIEW_REDIS_DB = int(os.getenv("CYBERREVIEW_NAUTOBOT_REDIS_DB", "13"))
CACHES["default"]["LOCATION"] = parse_redis_connection(redis_database=_CYBERREVIEW_REDIS_DB)
CACHES["default"]["KEY_PREFIX"] = os.getenv("CYBERREVIEW_NAUTOBOT_KEY_PREFIX", "")
CELERY_BROKER_URL = parse_redis_connection(redis_database=_CYBERREVIEW_REDIS_DB)
"""

HERE = Path(__file__).resolve().parent
SEED_SCRIPT = HERE / "nautobot_seed.py"
DB_PREFIX = "cyberreview_nautobot_"

_PREFIX = "nautobot_env:"


def _log(message: str) -> None:
    print(f"{_PREFIX} {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# the services: PostgreSQL and Redis, spoken to with the standard library
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Services:
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    pg_maintenance_db: str
    redis_host: str
    redis_port: int
    redis_db: int


def services() -> Services:
    """Where PostgreSQL and Redis are, from the environment."""
    return Services(
        pg_host=os.environ.get("PGHOST") or "127.0.0.1",
        pg_port=int(os.environ.get("PGPORT") or 5432),
        pg_user=os.environ.get("PGUSER") or "postgres",
        pg_password=os.environ.get("PGPASSWORD") or "",
        pg_maintenance_db=os.environ.get("CYBERREVIEW_NAUTOBOT_PGDATABASE") or "postgres",
        redis_host=os.environ.get("CYBERREVIEW_NAUTOBOT_REDIS_HOST") or "127.0.0.1",
        redis_port=int(os.environ.get("CYBERREVIEW_NAUTOBOT_REDIS_PORT") or 6379),
        redis_db=int(os.environ.get("CYBERREVIEW_NAUTOBOT_REDIS_DB") or 13),
    )


class PGError(RuntimeError):
    """An ``ErrorResponse`` from PostgreSQL; ``code`` is the SQLSTATE."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.code = fields.get("C", "")
        super().__init__(f"PostgreSQL {self.code}: {fields.get('M', '?')}")


class _PG:
    """A minimal PostgreSQL client: the simple-query protocol, text results."""

    def __init__(self, svc: Services, database: str | None = None, timeout: float = 60) -> None:
        database = database or svc.pg_maintenance_db
        where = f"{svc.pg_user}@{svc.pg_host}:{svc.pg_port}/{database}"
        try:
            if svc.pg_host.startswith("/"):
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(f"{svc.pg_host}/.s.PGSQL.{svc.pg_port}")
            else:
                self.sock = socket.create_connection((svc.pg_host, svc.pg_port), timeout=timeout)
        except OSError as error:
            raise RuntimeError(f"PostgreSQL is not reachable at {where}: {error}") from None
        self.buffer = b""
        params = {
            "user": svc.pg_user,
            "database": database,
            "application_name": "nautobot_env",
            "client_encoding": "UTF8",
        }
        payload = struct.pack("!i", 196608)  # protocol 3.0
        payload += b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in params.items())
        payload += b"\0"
        self.sock.sendall(struct.pack("!i", len(payload) + 4) + payload)
        try:
            self._authenticate(svc.pg_user, svc.pg_password)
        except Exception:
            self.sock.close()
            raise

    def __enter__(self) -> _PG:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, kind: bytes, payload: bytes) -> None:
        self.sock.sendall(kind + struct.pack("!i", len(payload) + 4) + payload)

    def _receive(self) -> tuple[bytes, bytes]:
        while True:
            if len(self.buffer) >= 5:
                (length,) = struct.unpack("!i", self.buffer[1:5])
                if len(self.buffer) >= 1 + length:
                    kind, payload = self.buffer[:1], self.buffer[5 : 1 + length]
                    self.buffer = self.buffer[1 + length :]
                    return kind, payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("PostgreSQL closed the connection")
            self.buffer += chunk

    def _authenticate(self, user: str, password: str) -> None:
        scram: dict[str, str] = {}
        while True:
            kind, payload = self._receive()
            if kind == b"E":
                raise PGError(_error_fields(payload))
            if kind == b"Z":
                return
            if kind != b"R":
                continue  # ParameterStatus, BackendKeyData
            (code,) = struct.unpack("!i", payload[:4])
            if code == 0:  # AuthenticationOk
                continue
            if code == 3:  # cleartext
                self._send(b"p", password.encode() + b"\0")
            elif code == 5:  # md5
                inner = hashlib.md5((password + user).encode()).hexdigest()
                outer = hashlib.md5(inner.encode() + payload[4:8]).hexdigest()
                self._send(b"p", b"md5" + outer.encode() + b"\0")
            elif code == 10:  # SASL: SCRAM-SHA-256 without channel binding
                if b"SCRAM-SHA-256\0" not in payload[4:]:
                    raise PGError({"M": "the server offers no SCRAM-SHA-256"})
                nonce = base64.b64encode(secrets.token_bytes(18)).decode()
                scram["first"] = f"n=,r={nonce}"
                message = f"n,,{scram['first']}".encode()
                self._send(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(message)) + message)
            elif code == 11:  # SASL continue
                server_first = payload[4:].decode()
                attrs = dict(part.split("=", 1) for part in server_first.split(","))
                salted = hashlib.pbkdf2_hmac(
                    "sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"])
                )
                client_key = hmac.new(salted, b"Client Key", "sha256").digest()
                final = f"c=biws,r={attrs['r']}"
                auth_message = f"{scram['first']},{server_first},{final}".encode()
                signature = hmac.new(
                    hashlib.sha256(client_key).digest(), auth_message, "sha256"
                ).digest()
                proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
                self._send(b"p", f"{final},p={base64.b64encode(proof).decode()}".encode())
            elif code == 12:  # SASL final
                continue
            else:
                raise PGError({"M": f"unsupported authentication request {code}"})

    def query(self, sql: str) -> list[tuple[str | None, ...]]:
        """Run ``sql`` (one or more statements); return the rows as text."""
        self._send(b"Q", sql.encode() + b"\0")
        rows: list[tuple[str | None, ...]] = []
        error: PGError | None = None
        while True:
            kind, payload = self._receive()
            if kind == b"D":
                (count,) = struct.unpack("!h", payload[:2])
                offset, row = 2, []
                for _ in range(count):
                    (length,) = struct.unpack("!i", payload[offset : offset + 4])
                    offset += 4
                    if length < 0:
                        row.append(None)
                    else:
                        row.append(payload[offset : offset + length].decode())
                        offset += length
                rows.append(tuple(row))
            elif kind == b"E":
                error = PGError(_error_fields(payload))
            elif kind == b"Z":
                if error is not None:
                    raise error
                return rows

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send(b"X", b"")
        self.sock.close()


def _error_fields(payload: bytes) -> dict[str, str]:
    return {
        chr(part[0]): part[1:].decode(errors="replace") for part in payload.split(b"\0") if part
    }


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _database_exists(pg: _PG, name: str) -> bool:
    return bool(pg.query(f"SELECT 1 FROM pg_database WHERE datname = {_quote_literal(name)}"))


def _drop_database(pg: _PG, name: str) -> None:
    # WITH (FORCE) (PostgreSQL >= 13) ends sessions left by a killed server
    pg.query(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis(svc: Services, *commands: tuple[str, ...], timeout: float = 10) -> list[Any]:
    """Send RESP commands (``SELECT <db>`` first); return the replies."""
    out = [("SELECT", str(svc.redis_db)), *commands]
    data = b"".join(
        f"*{len(cmd)}\r\n".encode()
        + b"".join(f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in cmd)
        for cmd in out
    )
    try:
        with socket.create_connection((svc.redis_host, svc.redis_port), timeout=timeout) as sock:
            sock.sendall(data)
            with sock.makefile("rb") as reader:
                replies = [_resp(reader) for _ in out]
    except OSError as error:
        raise RuntimeError(
            f"Redis is not reachable at {svc.redis_host}:{svc.redis_port}: {error}"
        ) from None
    for reply in replies:
        if isinstance(reply, RuntimeError):
            raise reply
    return replies[1:]


def _resp(reader: Any) -> Any:
    line = reader.readline()
    if not line:
        raise OSError("Redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        return RuntimeError(f"Redis: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        value = reader.read(size + 2)[:-2]
        return value.decode(errors="replace")
    if kind == b"*":
        size = int(rest)
        return None if size < 0 else [_resp(reader) for _ in range(size)]
    raise OSError(f"unexpected Redis reply {line!r}")


def _redis_delete_prefix(svc: Services, prefix: str) -> None:
    cursor = "0"
    while True:
        ((cursor, keys),) = _redis(svc, ("SCAN", cursor, "MATCH", f"{prefix}:*", "COUNT", "1000"))
        if keys:
            _redis(svc, ("DEL", *keys))
        if cursor == "0":
            return


# --------------------------------------------------------------------------
# the cache
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """The per-machine cache directory (not created)."""
    explicit = os.environ.get("CYBERREVIEW_NAUTOBOT_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "cyberreview-policy" / f"nautobot-{SERIES}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _venv_key() -> str:
    return _digest(json.dumps([REQUIREMENTS, CONSTRAINTS]).encode())


def _template_key() -> str:
    parts = [
        _venv_key(),
        str(BUILD_FORMAT),
        json.dumps(USERS, sort_keys=True),
        CONFIG_OVERRIDES,
        _digest(SEED_SCRIPT.read_bytes()),
    ]
    return _digest("\n".join(parts).encode())


def template_database(key: str | None = None) -> str:
    """The name of the template database for the current pins and seed."""
    return f"{DB_PREFIX}tpl_{(key or _template_key())[:12]}"


@dataclass(frozen=True)
class Env:
    """A built cache: the venv, the configuration and the template's manifest."""

    root: Path
    manifest: dict[str, Any]

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def python(self) -> Path:
        return _venv_bin(self.venv, "python")

    @property
    def nautobot_server(self) -> Path:
        return _venv_bin(self.venv, "nautobot-server")

    @property
    def config(self) -> Path:
        return self.root / "nautobot_config.py"

    @property
    def template(self) -> str:
        """The template database (in the machine's PostgreSQL)."""
        return str(self.manifest["template_database"])


def _venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _load_manifest(root: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _ready(root: Path) -> Env | None:
    manifest = _load_manifest(root)
    if manifest is None or manifest.get("template_key") != _template_key():
        return None
    env = Env(root, manifest)
    # exists() follows the venv's python symlink: a removed base interpreter
    # shows here as a missing file
    if not (env.config.is_file() and env.python.exists() and env.nautobot_server.exists()):
        return None
    # the template lives in PostgreSQL, which may have been reset on its own
    with _PG(services()) as pg:
        if not _database_exists(pg, env.template):
            return None
    return env


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log(f"waiting for another build to finish ({root / '.lock'})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(*, rebuild: bool = False) -> Env:
    """Build the venv and the seeded template if needed; return the cache.

    Idempotent and safe to call concurrently (a lock file serialises builds;
    a waiting caller uses the build it waited for). Quiet when cached.
    ``rebuild=True`` reinstalls the venv and rebuilds the template.
    """
    root = cache_dir()
    if not rebuild:
        env = _ready(root)
        if env is not None:
            return env
    with _locked(root):
        if not rebuild:
            env = _ready(root)
            if env is not None:
                return env
        started = time.monotonic()
        (root / "build.log").write_text("", encoding="utf-8")
        _log(f"building Nautobot {SERIES} in {root} (takes about 10 minutes the first time)")
        timings: dict[str, float] = {}
        versions = _ensure_venv(root, force=rebuild, timings=timings)
        manifest = _build_template(root, versions, timings)
        _log(f"ready in {time.monotonic() - started:.0f} s")
        return Env(root, manifest)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAUTOBOT_")}
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(extra)
    return env


def _run(
    cmd: list[str], log: Path, step: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> float:
    started = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)[:500]}\n".encode())
        out.flush()
        proc = subprocess.run(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            check=False,
        )
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        raise RuntimeError(
            f"{step} failed (exit {proc.returncode}); see {log}:\n" + "\n".join(tail)
        )
    elapsed = time.monotonic() - started
    _log(f"{step}: done in {elapsed:.0f} s")
    return elapsed


def _ensure_venv(root: Path, *, force: bool, timings: dict[str, float]) -> dict[str, str]:
    venv = root / "venv"
    marker = root / "venv.json"
    python = _venv_bin(venv, "python")
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if not force and info.get("key") == _venv_key() and python.exists():
        return dict(info["versions"])
    marker.unlink(missing_ok=True)
    if venv.exists():
        shutil.rmtree(venv)
    log = root / "build.log"
    base = os.environ.get("CYBERREVIEW_NAUTOBOT_PYTHON") or sys.executable
    _log(f"creating venv {venv} with {base}")
    _run([base, "-m", "venv", str(venv)], log, "venv", env=_clean_env())
    constraints = root / "constraints.txt"
    constraints.write_text("\n".join(CONSTRAINTS) + "\n", encoding="utf-8")
    _log("installing " + " ".join(REQUIREMENTS) + " (2-3 minutes, about 560 MB)")
    timings["pip"] = _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "-c",
            str(constraints),
            *REQUIREMENTS,
        ],
        log,
        "pip install",
        env=_clean_env(),
    )
    probe = textwrap.dedent(
        """
        import json, platform, importlib.metadata as m
        names = sorted({d.metadata["Name"] for d in m.distributions()} - {"pip", "setuptools"})
        versions = {n: m.version(n) for n in names}
        versions["python"] = platform.python_version()
        print(json.dumps(versions))
        """
    )
    out = subprocess.run(
        [str(python), "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
    )
    versions = json.loads(out.stdout)
    _atomic_write(marker, {"key": _venv_key(), "versions": versions})
    return versions


def _nautobot_env(
    env_root: Path,
    svc: Services,
    *,
    database: str,
    nautobot_root: Path,
    key_prefix: str,
) -> dict[str, str]:
    """The environment of every ``nautobot-server`` process."""
    return _clean_env(
        NAUTOBOT_ROOT=str(nautobot_root),
        NAUTOBOT_CONFIG=str(env_root / "nautobot_config.py"),
        NAUTOBOT_DB_ENGINE="django.db.backends.postgresql",
        NAUTOBOT_DB_HOST=svc.pg_host,
        NAUTOBOT_DB_PORT=str(svc.pg_port),
        NAUTOBOT_DB_NAME=database,
        NAUTOBOT_DB_USER=svc.pg_user,
        NAUTOBOT_DB_PASSWORD=svc.pg_password,
        NAUTOBOT_DB_TIMEOUT="0",
        NAUTOBOT_REDIS_HOST=svc.redis_host,
        NAUTOBOT_REDIS_PORT=str(svc.redis_port),
        NAUTOBOT_ALLOWED_HOSTS="*",
        NAUTOBOT_SECRET_KEY=SECRET_KEY,
        NAUTOBOT_INSTALLATION_METRICS_ENABLED="False",
        CYBERREVIEW_NAUTOBOT_REDIS_DB=str(svc.redis_db),
        CYBERREVIEW_NAUTOBOT_KEY_PREFIX=key_prefix,
    )


_USERS_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from nautobot.users.models import ObjectPermission, Token

users = json.loads({users!r})
User = get_user_model()
name, password, email, key = users["admin"]
admin = User.objects.create_superuser(name, email, password)
Token.objects.create(user=admin, key=key, description="nautobot_env: admin")
name, password, email, key = users["user"]
reader = User.objects.create_user(name, email, password)
permission = ObjectPermission.objects.create(
    name="cyberreview: view everything", actions=["view"], enabled=True
)
permission.object_types.set(ContentType.objects.all())
permission.users.add(reader)
Token.objects.create(
    user=reader, key=key, write_enabled=False, description="nautobot_env: connector, read-only"
)
name, password, email, key = users["probe"]
probe = User.objects.create_user(name, email, password)
Token.objects.create(user=probe, key=key, description="nautobot_env: no permissions")
print("nautobot_env: users created")
"""


def _build_template(
    root: Path, versions: dict[str, str], timings: dict[str, float]
) -> dict[str, Any]:
    svc = services()
    key = _template_key()
    template = template_database(key)
    building = f"{DB_PREFIX}build_{key[:12]}"
    log = root / "build.log"
    bindir = _venv_bin(root / "venv", "python").parent
    build = root / "build"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)

    # the configuration: what `nautobot-server init` writes, plus our overrides
    config = root / "nautobot_config.py"
    config.unlink(missing_ok=True)
    _run(
        [str(bindir / "nautobot-server"), "init", "--disable-installation-metrics", str(config)],
        log,
        "nautobot-server init",
        env=_clean_env(NAUTOBOT_ROOT=str(build / "nautobot")),
    )
    with open(config, "a", encoding="utf-8") as handle:
        handle.write(CONFIG_OVERRIDES)

    with _PG(svc) as pg:
        _drop_database(pg, building)
        pg.query(f"CREATE DATABASE \"{building}\" ENCODING 'UTF8' TEMPLATE template0")
    env = _nautobot_env(
        root, svc, database=building, nautobot_root=build / "nautobot", key_prefix=building
    )
    _log("nautobot-server migrate (5-10 minutes of CPU)")
    timings["migrate"] = _run(
        [str(bindir / "nautobot-server"), "migrate", "--no-input"], log, "migrate", env=env
    )
    timings["users"] = _run(
        [
            str(bindir / "nautobot-server"),
            "shell",
            "--no-imports",
            "-c",
            _USERS_SCRIPT.format(users=json.dumps(USERS)),
        ],
        log,
        "users and tokens",
        env=env,
    )

    started = time.monotonic()
    summary = _seed(root, svc, env, build, building)
    timings["seed"] = time.monotonic() - started
    _log(f"seed: done in {timings['seed']:.0f} s ({summary['counts']['devices']} devices)")
    _promote(
        svc, building, template, previous=(_load_manifest(root) or {}).get("template_database")
    )
    shutil.rmtree(build, ignore_errors=True)

    admin, user, probe = USERS["admin"], USERS["user"], USERS["probe"]
    manifest = {
        "series": SERIES,
        "template_key": key,
        "template_database": template,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "requirements": list(REQUIREMENTS),
        "versions": versions,
        "api_version": API_VERSION,
        "admin": {"username": admin[0], "password": admin[1], "email": admin[2], "token": admin[3]},
        "user": {"username": user[0], "password": user[1], "email": user[2], "token": user[3]},
        "probe_user": {"username": probe[0], "password": probe[1], "token": probe[3]},
        "timings": {k: round(v, 1) for k, v in timings.items()},
        "seed": summary,
    }
    _atomic_write(root / "manifest.json", manifest)
    return manifest


def _seed(root: Path, svc: Services, env: dict[str, str], build: Path, database: str) -> Any:
    """Run ``nautobot_seed.py`` against a server on ``database``; return the summary."""
    _log("seeding through the REST API")
    _redis(svc, ("FLUSHDB",))
    process, url = _spawn(root / "venv", env, build, build / "nautobot.log", port=None, timeout=300)
    try:
        seed_module = _load_seed()
        admin_token = USERS["admin"][3]

        def call(method: str, path: str, body: Any = None, *, token: str | None = None) -> Any:
            return _request(url, method, path, body, token or admin_token)

        with _PG(svc, database) as pg:
            extra = seed_module.run(call, pg.query, log=_log)
        devices = _read_all(url, "/api/dcim/devices/?depth=1&limit=1000", USERS["user"][3])
        return seed_module.summarize(devices, extra)
    finally:
        _terminate(process)


def _promote(svc: Services, building: str, template: str, *, previous: str | None) -> None:
    """Rename the built database to the template; drop the one it replaces."""
    with _PG(svc) as pg:
        pg.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = {_quote_literal(building)} AND pid <> pg_backend_pid()"
        )
        _drop_database(pg, template)
        pg.query(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        # nobody connects to the template: a session on it would make
        # CREATE DATABASE ... TEMPLATE fail
        pg.query(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false')
        if previous and previous != template and previous.startswith(DB_PREFIX):
            _drop_database(pg, previous)


def _load_seed() -> Any:
    spec = importlib.util.spec_from_file_location("_cyberreview_nautobot_seed", SEED_SCRIPT)
    if spec is None or spec.loader is None:
        raise ImportError(SEED_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _atomic_write(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# a running server
# --------------------------------------------------------------------------

#: started and not yet stopped; stopped at exit even if the caller forgot
_LIVE: set[Server] = set()


@dataclass(eq=False)
class Server:
    """A running ``nautobot-server runserver`` on a copy of the seeded template."""

    url: str  #: ``http://127.0.0.1:PORT``; REST at ``{url}/api/``
    token: str  #: the connector's token: views everything, not write-enabled
    admin_token: str  #: a superuser's token
    probe_token: str  #: a valid token of a user without permissions (403)
    database: str  #: this server's own database, dropped by ``stop()``
    redis_db: int
    key_prefix: str  #: this server's Redis cache key prefix
    port: int
    workdir: Path
    log: Path
    manifest: dict[str, Any] = field(repr=False)
    process: subprocess.Popen[bytes] = field(repr=False)
    env: Env = field(repr=False)
    services: Services = field(repr=False)
    _dropped: bool = field(default=False, repr=False)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def headers(self) -> dict[str, str]:
        """What a connector sends: the token and the API version."""
        return {
            "Authorization": f"Token {self.token}",
            "Accept": f"application/json; version={API_VERSION}",
        }

    @property
    def seed(self) -> dict[str, Any]:
        """The seed summary: every device as ``?depth=1`` showed it after seeding."""
        return self.manifest["seed"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """Terminate the server, drop its database and its Redis keys."""
        _terminate(self.process, timeout)
        if not self._dropped:
            self._dropped = True
            with _PG(self.services) as pg:
                _drop_database(pg, self.database)
            with contextlib.suppress(RuntimeError):
                _redis_delete_prefix(self.services, self.key_prefix)
        _LIVE.discard(self)

    def kill(self) -> None:
        """SIGKILL the server at once (a source that dies mid-read). The
        database stays until ``stop()`` (or the end of the process)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def info(self) -> dict[str, Any]:
        """What a person or a test needs to connect, as JSON-able data."""
        return {
            "url": self.url,
            "api_url": self.api_url,
            "token": self.token,
            "admin_token": self.admin_token,
            "probe_token": self.probe_token,
            "headers": self.headers,
            "login": {
                "username": self.manifest["admin"]["username"],
                "password": self.manifest["admin"]["password"],
            },
            "database": self.database,
            "redis_db": self.redis_db,
            "pid": self.process.pid,
            "workdir": str(self.workdir),
            "log": str(self.log),
        }

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux: the server gets SIGTERM if the thread that started it dies
    # without calling stop() (a crashed test run leaves no server behind).
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _terminate(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _spawn(
    venv: Path,
    env: dict[str, str],
    workdir: Path,
    log: Path,
    *,
    port: int | None,
    timeout: float,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``runserver`` and wait for ``/health/``; return it and its URL."""
    server = _venv_bin(venv, "nautobot-server")
    # PR_SET_PDEATHSIG fires when the starting *thread* ends: only from the
    # main thread, else a server started by a short-lived thread would die
    # with it (atexit still stops it).
    tie = sys.platform == "linux" and threading.current_thread() is threading.main_thread()
    attempts = 1 if port else 3
    last_error = ""
    for _ in range(attempts):
        chosen = port or _free_port()
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [
                    str(server),
                    "runserver",
                    f"127.0.0.1:{chosen}",
                    "--insecure",
                    "--noreload",
                    "--skip-checks",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=workdir,
                env=env,
                preexec_fn=_die_with_parent if tie else None,  # noqa: PLW1509
            )
        url = f"http://127.0.0.1:{chosen}"
        error = _wait_ready(process, url, timeout)
        if error is None:
            return process, url
        _terminate(process, 5)
        last_error = error
    tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
    raise RuntimeError(f"nautobot-server did not start: {last_error}; {log}:\n" + "\n".join(tail))


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> str | None:
    """None once ``/health/`` answers 200 (database, Redis and migrations
    checked), else why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=5) as response:
                if response.status == 200:
                    return None
        except urllib.error.HTTPError as error:  # 500 while a check fails
            error.close()
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return f"no answer within {timeout:.0f} s"


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _sweep_stale_databases(pg: _PG) -> None:
    """Drop run databases of this host whose process is gone (a run killed
    before it could call ``stop()``)."""
    prefix = f"{DB_PREFIX}run_{_host_tag()}_"
    rows = pg.query(
        "SELECT datname FROM pg_database WHERE datname LIKE "
        + _quote_literal(prefix.replace("_", r"\_") + "%")
    )
    for (name,) in rows:
        assert name is not None
        match = re.fullmatch(re.escape(prefix) + r"(\d+)_[0-9a-f]+", name)
        if not match:
            continue
        pid = int(match.group(1))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(PGError):
                _drop_database(pg, name)
        except PermissionError:
            pass  # alive, another user's


def start(
    workdir: str | os.PathLike[str],
    *,
    port: int | None = None,
    environ: dict[str, str] | None = None,
    timeout: float = 120,
) -> Server:
    """Start a Nautobot server on a fresh copy of the seeded template.

    ``workdir`` gets ``NAUTOBOT_ROOT`` (``nautobot/``) and ``nautobot.log``;
    use a new directory per server. The server's database is
    ``cyberreview_nautobot_run_<host>_<pid>_<random>``, cloned from the
    template and dropped by ``stop()``. ``environ`` adds to the server's
    environment, e.g. ``{"NAUTOBOT_MAX_PAGE_SIZE": "10"}`` (a server that
    cuts ``limit`` to 10 instead of 1000). Timestamps (``created``,
    ``last_updated``) are UTC; the server's ``TIME_ZONE`` is UTC.
    """
    env = ensure()
    svc = services()
    workdir = Path(workdir).resolve()
    (workdir / "nautobot").mkdir(parents=True, exist_ok=True)
    log = workdir / "nautobot.log"
    database = f"{DB_PREFIX}run_{_host_tag()}_{os.getpid()}_{secrets.token_hex(3)}"
    with _PG(svc) as pg:
        _sweep_stale_databases(pg)
        pg.query(f'CREATE DATABASE "{database}" TEMPLATE "{env.template}"')
    try:
        # Nautobot caches custom-field definitions (and more) in Redis
        _redis(svc, ("FLUSHDB",))
        process_env = _nautobot_env(
            env.root,
            svc,
            database=database,
            nautobot_root=workdir / "nautobot",
            key_prefix=database,
        )
        process_env.update(environ or {})
        process, url = _spawn(env.venv, process_env, workdir, log, port=port, timeout=timeout)
    except BaseException:
        with _PG(svc) as pg:
            _drop_database(pg, database)
        raise
    manifest = env.manifest
    server = Server(
        url=url,
        token=manifest["user"]["token"],
        admin_token=manifest["admin"]["token"],
        probe_token=manifest["probe_user"]["token"],
        database=database,
        redis_db=svc.redis_db,
        key_prefix=database,
        port=int(url.rsplit(":", 1)[1]),
        workdir=workdir,
        log=log,
        manifest=manifest,
        process=process,
        env=env,
        services=svc,
    )
    _LIVE.add(server)
    return server


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop(timeout=5)


# --------------------------------------------------------------------------
# REST: reading and changing data on a running server
# --------------------------------------------------------------------------


class APIError(Exception):
    """An HTTP error answer: ``status`` and the decoded ``body``."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {url}: {status} {body}")
        self.status = status
        self.body = body


def _request(
    base: str, method: str, path: str, body: Any, token: str | None, *, timeout: float = 120
) -> tuple[int, Any]:
    url = path if path.startswith(("http://", "https://")) else base + path
    headers = {"Accept": f"application/json; version={API_VERSION}"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        with error:
            raw = error.read()
            status = error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def _read_all(base: str, path: str, token: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    url: str | None = path
    while url:
        status, page = _request(base, "GET", url, None, token)
        if status != 200:
            raise APIError("GET", url, status, page)
        results.extend(page["results"])
        url = page["next"]
    return results


def api(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    *,
    params: dict[str, Any] | None = None,
    token: str | None = None,
) -> Any:
    """One REST call; return the decoded answer or raise ``APIError``.

    ``path`` is relative to the server (``/api/dcim/devices/``) or a full URL
    (a ``next`` link). ``token`` defaults to the admin's.
    """
    if params:
        path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params, doseq=True)
    status, answer = _request(server.url, method, path, body, token or server.admin_token)
    if status >= 400:
        raise APIError(method, path, status, answer)
    return answer


def read_all(server: Server, path: str, *, token: str | None = None) -> list[dict[str, Any]]:
    """GET a list endpoint and follow ``next`` to the end (as the connector's user)."""
    return _read_all(server.url, path, token or server.token)


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
#: device fields given by name in the helpers, and the attribute they look up
_LOOKUPS = {
    "device_type": "model",
    "role": "name",
    "status": "name",
    "location": "name",
    "platform": "name",
    "tenant": "name",
    "rack": "name",
}


def _device_fields(fields: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _LOOKUPS and isinstance(value, str) and not _UUID.match(value):
            body[key] = {_LOOKUPS[key]: value}
        elif key == "tags":
            body[key] = [
                {"name": tag} if isinstance(tag, str) and not _UUID.match(tag) else tag
                for tag in value
            ]
        else:
            body[key] = value
    return body


def get_device(server: Server, device_id: str, *, depth: int = 1) -> dict[str, Any]:
    """One device as the connector sees it (``?depth=1`` by default)."""
    return api(
        server,
        "GET",
        f"/api/dcim/devices/{device_id}/",
        params={"depth": depth},
        token=server.token,
    )


def add_device(
    server: Server,
    name: str | None,
    *,
    device_type: str = "ZK-R2200",
    role: str = "server",
    location: str = "Nanjing DC1",
    status: str = "Active",
    **fields: Any,
) -> dict[str, Any]:
    """Create a device on a running server (as admin); return it as
    ``?depth=1`` shows it. Related objects are given by name (device type by
    model, tags as a list of names) or by id; ``custom_fields`` is a dict;
    any other device field passes through (``serial``, ``asset_tag``, ...)."""
    body = _device_fields(
        {
            "name": name,
            "device_type": device_type,
            "role": role,
            "location": location,
            "status": status,
            **fields,
        }
    )
    created = api(server, "POST", "/api/dcim/devices/", body)
    return get_device(server, created["id"])


def update_device(server: Server, device_id: str, **fields: Any) -> dict[str, Any]:
    """PATCH a device (as admin); return it as ``?depth=1`` shows it.
    ``custom_fields`` merges: keys not given keep their values. Any save,
    even one that changes nothing, moves ``last_updated``."""
    api(server, "PATCH", f"/api/dcim/devices/{device_id}/", _device_fields(fields))
    return get_device(server, device_id)


def delete_device(server: Server, device_id: str) -> None:
    """Delete a device (as admin)."""
    api(server, "DELETE", f"/api/dcim/devices/{device_id}/")


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nautobot_env.py", description="A seeded Nautobot 3.2 server for tests."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_ensure = sub.add_parser("ensure", help="build (or check) the cached venv and template")
    p_ensure.add_argument("--rebuild", action="store_true", help="rebuild even if cached")
    p_serve = sub.add_parser("serve", help="start a server; print JSON; run until Ctrl-C")
    p_serve.add_argument(
        "--workdir", help="directory for NAUTOBOT_ROOT and the log (default: temp)"
    )
    p_serve.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    sub.add_parser("path", help="print the cache directory")
    args = parser.parse_args(argv)

    if args.command == "path":
        print(cache_dir())
        return 0
    if args.command == "ensure":
        env = ensure(rebuild=args.rebuild)
        print(
            json.dumps(
                {
                    "cache": str(env.root),
                    "template_database": env.template,
                    "built_at": env.manifest["built_at"],
                    "timings": env.manifest["timings"],
                    "versions": {
                        k: v
                        for k, v in env.manifest["versions"].items()
                        if k.lower() in ("nautobot", "django", "djangorestframework", "python")
                    },
                    "counts": env.manifest["seed"]["counts"],
                },
                indent=1,
            )
        )
        return 0

    with contextlib.ExitStack() as stack:
        workdir = args.workdir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="nautobot-serve-")
        )
        server = start(workdir, port=args.port)
        stack.callback(server.stop)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with &
        print(json.dumps(server.info(), indent=1), flush=True)
        _log("serving; Ctrl-C to stop")
        try:
            while server.alive():
                time.sleep(0.5)
            _log(f"nautobot-server exited with {server.process.returncode}; see {server.log}")
            return 1
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
