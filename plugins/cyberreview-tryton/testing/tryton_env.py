"""A real Tryton 8.2 server with seeded procurement data, for tests.

Standard library only: this file runs from any Python >= 3.11 and never
imports Tryton itself. Tryton lives in its own venv in a per-machine cache.

``ensure()``
    Once per machine (and again when the pins, the admin password or
    ``seed.py`` change): create the venv, install the pinned Tryton 8.2
    packages, build an SQLite template database with ``trytond-admin`` and
    seed it with ``seed.py`` (proteus, in-process). Concurrent callers wait on
    a lock file; a cached call is quiet and takes milliseconds.
``start(workdir) -> Server``
    Copy the template into ``workdir``, start ``trytond`` on a free loopback
    port and wait until it answers. ``Server.stop()`` / ``Server.kill()``.
``run_proteus(server, code)`` / ``add_purchase(server, ...)``
    Change data on a running server (proteus over XML-RPC, as admin).

Command line::

    python tryton_env.py ensure      # build or check the cache
    python tryton_env.py serve       # start a server, print JSON, run until Ctrl-C
    python tryton_env.py path        # print the cache directory

The cache directory is ``$CYBERREVIEW_TRYTON_CACHE``, else
``$XDG_CACHE_HOME/cyberreview-policy/tryton-8.2``, else
``~/.cache/cyberreview-policy/tryton-8.2``. Delete it to rebuild from scratch.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERIES = "8.2"
#: the packages asked for, pinned to the versions resolved on 2026-11-29
REQUIREMENTS = (
    "trytond==8.2.1",
    "trytond_purchase==8.2.0",
    "trytond_product_attribute==8.2.0",
    "proteus==8.2.0",
)
#: everything else those resolved to, pinned too (``pip install -c``)
CONSTRAINTS = (
    "argon2-cffi==25.1.0",
    "argon2-cffi-bindings==26.2.0",
    "cffi==2.1.1",
    "defusedxml==0.7.1",
    "Genshi==0.7.12",
    "lxml==6.1.3",
    "MarkupSafe==3.0.4",
    "polib==1.2.0",
    "puremagic==1.30",
    "pwdlib==0.3.1",
    "pycparser==3.12",
    "python-dateutil==4.0.0",
    "python-sql==1.8.1",
    "python-stdnum==2.2",
    "relatorio==1.0.0",
    "simpleeval==1.0.8",
    "trytond_account==8.2.1",
    "trytond_account_invoice==8.2.0",
    "trytond_account_invoice_stock==8.2.0",
    "trytond_account_product==8.2.0",
    "trytond_company==8.2.0",
    "trytond_country==8.2.0",
    "trytond_currency==8.2.0",
    "trytond_party==8.2.0",
    "trytond_product==8.2.0",
    "tzdata==2026.6",
    "Werkzeug==3.1.9",
)
MODULES = ("purchase", "product_attribute")
DATABASE = "eastgrid"
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "EastGrid-Admin-2026!"
ADMIN_EMAIL = "admin@eastgrid.example.cn"
#: bump to force a rebuild of the template when the build steps change
BUILD_FORMAT = 1

HERE = Path(__file__).resolve().parent
SEED_SCRIPT = HERE / "seed.py"

_PREFIX = "tryton_env:"


def _log(message: str) -> None:
    print(f"{_PREFIX} {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# the cache
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """The per-machine cache directory (not created)."""
    explicit = os.environ.get("CYBERREVIEW_TRYTON_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "cyberreview-policy" / f"tryton-{SERIES}"


def _venv_key() -> str:
    return _digest(json.dumps([REQUIREMENTS, CONSTRAINTS]).encode())


def _template_key() -> str:
    parts = [
        _venv_key(),
        str(BUILD_FORMAT),
        DATABASE,
        ADMIN_LOGIN,
        ADMIN_PASSWORD,
        ADMIN_EMAIL,
        " ".join(MODULES),
        _digest(SEED_SCRIPT.read_bytes()),
    ]
    return _digest("\n".join(parts).encode())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Env:
    """A built cache: the venv, the template database and its manifest."""

    root: Path
    manifest: dict[str, Any]

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def python(self) -> Path:
        return _venv_bin(self.venv, "python")

    @property
    def trytond(self) -> Path:
        return _venv_bin(self.venv, "trytond")

    @property
    def template(self) -> Path:
        return self.root / "template" / f"{DATABASE}.sqlite"


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
    if not (env.template.is_file() and env.python.exists() and env.trytond.exists()):
        return None
    return env


@contextlib.contextmanager
def _locked(root: Path):
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
        _log(f"building Tryton {SERIES} in {root} (takes a few minutes the first time)")
        versions = _ensure_venv(root, force=rebuild)
        manifest = _build_template(root, versions)
        _log(f"ready in {time.monotonic() - started:.0f} s")
        return Env(root, manifest)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYTOND_")}
    env.pop("TRYTONPASSFILE", None)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env.update(extra)
    return env


def _run(cmd: list[str], log: Path, step: str, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.run(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        raise RuntimeError(
            f"{step} failed (exit {proc.returncode}); see {log}:\n" + "\n".join(tail)
        )
    _log(f"{step}: done in {time.monotonic() - started:.0f} s")


def _ensure_venv(root: Path, *, force: bool) -> dict[str, str]:
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
    base = os.environ.get("CYBERREVIEW_TRYTON_PYTHON") or sys.executable
    _log(f"creating venv {venv} with {base}")
    _run([base, "-m", "venv", str(venv)], log, "venv", env=_clean_env())
    constraints = root / "constraints.txt"
    constraints.write_text("\n".join(CONSTRAINTS) + "\n", encoding="utf-8")
    _log("installing " + " ".join(REQUIREMENTS))
    _run(
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


def _build_template(root: Path, versions: dict[str, str]) -> dict[str, Any]:
    build = root / "build"
    if build.exists():
        shutil.rmtree(build)
    (build / "db").mkdir(parents=True)
    log = root / "build.log"
    conf = build / "trytond.conf"
    conf.write_text(_config_text(build / "db"), encoding="utf-8")
    passfile = build / "admin-password"
    passfile.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    database = build / "db" / f"{DATABASE}.sqlite"
    database.touch()  # trytond-admin does not create an SQLite file
    bindir = _venv_bin(root / "venv", "python").parent

    _log(f"creating database: trytond-admin -u {' '.join(MODULES)} (about a minute)")
    _run(
        [
            str(bindir / "trytond-admin"),
            "-c",
            str(conf),
            "-d",
            DATABASE,
            "-u",
            *MODULES,
            "--all",
            "--activate-dependencies",
            "--email",
            ADMIN_EMAIL,
        ],
        log,
        "trytond-admin",
        env=_clean_env(TRYTONPASSFILE=str(passfile)),
    )
    passfile.unlink()

    _log("seeding (proteus, in-process)")
    summary_file = build / "summary.json"
    _run(
        [
            str(bindir / "python"),
            str(SEED_SCRIPT),
            "-c",
            str(conf),
            "-d",
            DATABASE,
            "-o",
            str(summary_file),
        ],
        log,
        "seed",
        env=_clean_env(TRYTOND_QUEUE__WORKER="True"),
    )
    summary = json.loads(summary_file.read_text(encoding="utf-8"))

    # Both processes have exited: fold the WAL into the main file so the
    # template is one self-contained file that can be copied as is.
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        leftover = Path(f"{database}{suffix}")
        if leftover.exists() and leftover.stat().st_size:
            raise RuntimeError(f"{leftover} is not empty after a checkpoint")
        leftover.unlink(missing_ok=True)

    template_dir = root / "template"
    old = root / "template.old"
    if old.exists():
        shutil.rmtree(old)
    if template_dir.exists():
        template_dir.rename(old)
    template_dir.mkdir()
    os.replace(database, template_dir / database.name)
    if old.exists():
        shutil.rmtree(old)
    shutil.rmtree(build)

    manifest = {
        "series": SERIES,
        "template_key": _template_key(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "requirements": list(REQUIREMENTS),
        "versions": versions,
        "database": DATABASE,
        "modules": list(MODULES),
        "admin": {"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "email": ADMIN_EMAIL},
        "user": summary["users"]["connector"],
        "probe_user": summary["users"]["probe"],
        "api_key": summary["api_key"],
        "seed": summary,
    }
    _atomic_write(root / "manifest.json", manifest)
    return manifest


def _atomic_write(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _config_text(db_path: Path, listen: str | None = None, extra: dict | None = None) -> str:
    sections: dict[str, dict[str, str]] = {
        "database": {"uri": "sqlite://", "path": str(db_path)},
    }
    if listen:
        sections["web"] = {"listen": listen}
    for section, values in (extra or {}).items():
        sections.setdefault(section, {}).update({k: str(v) for k, v in values.items()})
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# a running server
# --------------------------------------------------------------------------

#: started and not yet stopped; stopped at exit even if the caller forgot
_LIVE: set[Server] = set()


@dataclass(eq=False)
class Server:
    """A running ``trytond`` on a copy of the seeded template."""

    url: str  #: ``http://127.0.0.1:PORT`` (JSON-RPC: ``{url}/{database}/rpc/``)
    database: str
    login: str  #: the connector's user: reads purchases and lines, may change nothing
    password: str
    admin_login: str
    admin_password: str
    probe_login: str  #: a separate user for wrong-password and rate-limit tests
    probe_password: str
    api_key: str  #: REST API key of ``login`` (``Authorization: Bearer KEY``)
    port: int
    workdir: Path
    config: Path
    log: Path
    manifest: dict[str, Any] = field(repr=False)
    process: subprocess.Popen[bytes] = field(repr=False)
    env: Env = field(repr=False)

    @property
    def rpc_url(self) -> str:
        return f"{self.url}/{self.database}/rpc/"

    @property
    def rest_url(self) -> str:
        return f"{self.url}/{self.database}/rest"

    @property
    def seed(self) -> dict[str, Any]:
        """The seed summary (counts, purchases, lines with attribute values)."""
        return self.manifest["seed"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """Terminate the server and wait; kill it if it does not exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _LIVE.discard(self)

    def kill(self) -> None:
        """SIGKILL the server at once (a source that dies mid-read)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _LIVE.discard(self)

    def info(self) -> dict[str, Any]:
        """What a person or a test needs to connect, as JSON-able data."""
        return {
            "url": self.url,
            "database": self.database,
            "rpc_url": self.rpc_url,
            "rest_url": self.rest_url,
            "login": self.login,
            "password": self.password,
            "admin_login": self.admin_login,
            "admin_password": self.admin_password,
            "probe_login": self.probe_login,
            "probe_password": self.probe_password,
            "api_key": self.api_key,
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
    # Linux: the server gets SIGTERM if the process that started it dies
    # without calling stop() (a crashed test run leaves no server behind).
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(
    workdir: str | os.PathLike[str],
    *,
    port: int | None = None,
    database: str = DATABASE,
    queue_worker: bool = True,
    config: dict[str, dict[str, Any]] | None = None,
    timeout: float = 60,
) -> Server:
    """Start a Tryton server on a fresh copy of the seeded template.

    ``workdir`` gets the database copy (``db/``), ``trytond.conf`` and
    ``trytond.log``; use a new directory per server. ``queue_worker=True``
    (the default, as when seeding) makes ``confirm`` queue the processing,
    so a purchase confirmed on this server stays ``confirmed``; with False
    it goes straight to ``processing``. ``config`` adds trytond options, e.g.
    ``{"session": {"max_attempt": 1}}`` (429 on the third failed login
    instead of the seventh). ``create_date``/``write_date`` are naive UTC
    (trytond sets ``TZ=UTC`` for itself).
    """
    env = ensure()
    workdir = Path(workdir).resolve()
    db_dir = workdir / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    target = db_dir / f"{database}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(env.template, target)
    extra: dict[str, dict[str, Any]] = {}
    if queue_worker:
        extra["queue"] = {"worker": "True"}
    for section, values in (config or {}).items():
        extra.setdefault(section, {}).update(values)
    conf = workdir / "trytond.conf"
    log = workdir / "trytond.log"

    attempts = 1 if port else 3
    last_error = ""
    for _ in range(attempts):
        chosen = port or _free_port()
        conf.write_text(
            _config_text(db_dir, listen=f"127.0.0.1:{chosen}", extra=extra), encoding="utf-8"
        )
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [str(env.trytond), "-c", str(conf), "-d", database],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=workdir,
                env=_clean_env(),
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )
        url = f"http://127.0.0.1:{chosen}"
        error = _wait_ready(process, url, timeout)
        if error is None:
            manifest = env.manifest
            server = Server(
                url=url,
                database=database,
                login=manifest["user"]["login"],
                password=manifest["user"]["password"],
                admin_login=manifest["admin"]["login"],
                admin_password=manifest["admin"]["password"],
                probe_login=manifest["probe_user"]["login"],
                probe_password=manifest["probe_user"]["password"],
                api_key=manifest["api_key"],
                port=chosen,
                workdir=workdir,
                config=conf,
                log=log,
                manifest=manifest,
                process=process,
                env=env,
            )
            _LIVE.add(server)
            return server
        if process.poll() is None:
            process.kill()
            process.wait()
        last_error = error
    tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
    raise RuntimeError(f"trytond did not start: {last_error}; {log}:\n" + "\n".join(tail))


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> str | None:
    """None once ``common.server.version`` answers (the pool is loaded before
    trytond listens), else why not."""
    deadline = time.monotonic() + timeout
    body = json.dumps({"id": 0, "method": "common.server.version", "params": []}).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}"
        request = urllib.request.Request(
            f"{url}/rpc/", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if json.load(response).get("result"):
                    return None
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return f"no answer within {timeout:.0f} s"


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop(timeout=5)


# --------------------------------------------------------------------------
# a minimal JSON-RPC client (for the harness's own checks and manual use)
# --------------------------------------------------------------------------


class RPCError(Exception):
    """An HTTP-200 ``{"error": [...]}`` answer."""

    def __init__(self, error: Any) -> None:
        super().__init__(error)
        self.error = error


def jsonrpc(
    server: Server,
    method: str,
    params: list[Any],
    *,
    session: str | None = None,
    timeout: float = 60,
) -> Any:
    """POST one call to ``{url}/{db}/rpc/``; return ``result`` or raise
    ``RPCError`` (HTTP 200 with ``error``) or ``urllib.error.HTTPError``.
    ``session`` is the ``Authorization`` header value from ``login``."""
    body = json.dumps({"id": 1, "method": method, "params": params}).encode()
    headers = {"Content-Type": "application/json"}
    if session:
        headers["Authorization"] = session
    request = urllib.request.Request(server.rpc_url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.load(response)
    if "error" in answer and answer["error"] is not None:
        raise RPCError(answer["error"])
    return answer["result"]


def login(server: Server, login: str | None = None, password: str | None = None) -> str:
    """Log in over JSON-RPC; return the ``Authorization`` header value."""
    login = login or server.login
    password = password if password is not None else server.password
    user_id, session, *_ = jsonrpc(server, "common.db.login", [login, {"password": password}, "en"])
    token = base64.b64encode(f"{login}:{user_id}:{session}".encode()).decode()
    return f"Session {token}"


# --------------------------------------------------------------------------
# changing data on a running server
# --------------------------------------------------------------------------

_PROTEUS_RUNNER = textwrap.dedent(
    """
    import datetime, decimal, json, sys
    from proteus import Model, Wizard, config

    payload = json.load(sys.stdin)

    def _default(value):
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if hasattr(value, "id") and hasattr(value, "__class__"):
            return value.id
        raise TypeError(repr(value))

    with config.set_xmlrpc_session(
            payload["url"], payload["login"], payload["password"]) as cfg:
        namespace = {
            "Model": Model, "Wizard": Wizard, "config": cfg,
            "args": payload["args"], "result": None,
            "Decimal": decimal.Decimal, "datetime": datetime,
        }
        exec(compile(payload["code"], "<run_proteus>", "exec"), namespace)
        result = namespace["result"]
    sys.stdout.write("\\n" + json.dumps({"result": result}, default=_default))
    """
)


def run_proteus(server: Server, code: str, args: Any = None, *, timeout: float = 120) -> Any:
    """Run proteus ``code`` against the running ``server`` as admin.

    The code runs in the Tryton venv, connected with
    ``proteus.config.set_xmlrpc_session`` to ``{url}/{db}/``. Its namespace
    has ``Model``, ``Wizard``, ``config``, ``Decimal``, ``datetime`` and
    ``args`` (JSON-decoded); whatever it assigns to ``result`` is returned
    (JSON round-trip; Decimal and dates become strings, records their id).
    """
    payload = {
        "url": server.rpc_url,
        "login": server.admin_login,
        "password": server.admin_password,
        "code": textwrap.dedent(code),
        "args": args,
    }
    proc = subprocess.run(
        [str(server.env.python), "-c", _PROTEUS_RUNNER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"run_proteus failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.rsplit("\n", 1)[-1])["result"]


_ADD_PURCHASE = """
Party = Model.get("party.party")
Product = Model.get("product.product")
Uom = Model.get("product.uom")
Purchase = Model.get("purchase.purchase")
(party,) = Party.find([("name", "=", args["supplier"])])
purchase = Purchase()
purchase.party = party
purchase.invoice_method = "manual"
if args["purchase_date"]:
    purchase.purchase_date = datetime.date.fromisoformat(args["purchase_date"])
purchase.reference = args["reference"]
purchase.description = args["description"]
for code, quantity, price, text in args["lines"]:
    line = purchase.lines.new()
    if code:
        (line.product,) = Product.find([("code", "=", code)])
    else:
        (line.unit,) = Uom.find([("name", "=", "Unit")])
    if text:
        line.description = text
    line.quantity = quantity
    line.unit_price = Decimal(price)
purchase.save()
state = args["state"]
if state in ("quotation", "confirmed", "processing"):
    purchase.click("quote")
if state in ("confirmed", "processing"):
    purchase.click("confirm")
if state == "processing":
    purchase.click("process")
purchase.reload()
result = {
    "id": purchase.id,
    "number": purchase.number,
    "state": purchase.state,
    "line_ids": [line.id for line in purchase.lines],
}
"""


def add_purchase(
    server: Server,
    lines: list[tuple[str | None, float, str | float, str | None]]
    | list[tuple[str | None, float, str | float]],
    *,
    supplier: str = "Huaxin Networks Co., Ltd.",
    state: str = "confirmed",
    purchase_date: str | None = None,
    reference: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Add a purchase to a running server; return its id, number, state and
    line ids. A line is ``(product code or None, quantity, unit price[,
    description])``; prices are strings or numbers in CNY. ``state`` is one
    of draft, quotation, confirmed, processing."""
    normalized = []
    for spec in lines:
        code, quantity, price, *rest = spec
        normalized.append([code, quantity, str(price), rest[0] if rest else None])
    return run_proteus(
        server,
        _ADD_PURCHASE,
        {
            "supplier": supplier,
            "state": state,
            "purchase_date": purchase_date,
            "reference": reference,
            "description": description,
            "lines": normalized,
        },
    )


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tryton_env.py", description="A seeded Tryton 8.2 server for tests."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_ensure = sub.add_parser("ensure", help="build (or check) the cached venv and template")
    p_ensure.add_argument("--rebuild", action="store_true", help="rebuild even if cached")
    p_serve = sub.add_parser("serve", help="start a server; print JSON; run until Ctrl-C")
    p_serve.add_argument("--workdir", help="directory for the database copy (default: temp)")
    p_serve.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    sub.add_parser("path", help="print the cache directory")
    args = parser.parse_args(argv)

    if args.command == "path":
        print(cache_dir())
        return 0
    if args.command == "ensure":
        env = ensure(rebuild=args.rebuild)
        counts = env.manifest["seed"]["counts"]
        print(
            json.dumps(
                {
                    "cache": str(env.root),
                    "template": str(env.template),
                    "built_at": env.manifest["built_at"],
                    "versions": {
                        k: v
                        for k, v in env.manifest["versions"].items()
                        if k.lower().startswith(("trytond", "proteus", "python"))
                    },
                    "counts": counts,
                },
                indent=1,
            )
        )
        return 0

    with contextlib.ExitStack() as stack:
        workdir = args.workdir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="tryton-serve-")
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
            _log(f"trytond exited with {server.process.returncode}; see {server.log}")
            return 1
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
