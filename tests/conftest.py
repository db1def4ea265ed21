"""Shared fixtures: a private CYBERREVIEW_HOME per test, the shipped pack, records, the CLI,
and a PostgreSQL database per test.

PostgreSQL is expected at ``$CYBERREVIEW_TEST_PG`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), as on development and CI
machines; each test that asks gets a database of its own, dropped afterwards.
When the server cannot be reached those tests fail, saying so: they are not
skipped.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.builtin.packs import shipped_packs_root
from cyberreview_policy.cli import main
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.record import Record
from cyberreview_policy.plugin.manager import PluginHost, make_host
from cyberreview_policy.policy.pack import Pack, load_pack

AS_OF = dt.date(2021, 6, 1)

COVERED: dict[str, Any] = {
    "id": "PO-2021-0117/1",
    "operator": {"name": "East Grid Power", "ciio": True, "sector": "energy"},
    "product": {
        "name": "Backbone router",
        "category": "core_network_equipment",
        "type": "router",
        # catalogue equipment is sold certified (CSL Art. 23): no catalogue finding
        "certification": {
            "kind": "certification",
            "id": "CCRC-NE-0117",
            "valid_until": "2030-06-30",
        },
    },
    "vendor": {"name": "Example Networks", "country": "CN"},
    "deployment": {"system": "Dispatch WAN", "cii": True, "planned_date": "2021-09-01"},
    "contract": {
        "number": "C-88",
        "amount": 4200000,
        "security_agreement": True,
        "commitments": {
            "cooperate_with_review": True,
            "no_illegal_data_acquisition": True,
            "no_illegal_control": True,
            "no_unjustified_supply_interruption": True,
        },
    },
    "risk": {"may_affect_national_security": True, "assessed_on": "2021-05-02"},
    "review": {"status": "none"},
    "materials": ["declaration", "impact_analysis", "procurement_documents"],
}


def with_changes(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with ``a__b=value`` meaning ``base["a"]["b"] = value``."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        *parents, last = key.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    """Secrets a test registered are forgotten after it: the set is the process's, and a
    word such as ``nope`` masked in a later test's file name fails it by the order."""
    from cyberreview_policy import env

    before = set(env._secrets)
    yield
    with env._lock:
        env._secrets.clear()
        env._secrets.update(before)


@pytest.fixture(autouse=True)
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CYBERREVIEW_HOME (case store, pack cache)."""
    path = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CYBERREVIEW_HOME", str(path))
    monkeypatch.delenv("CYBERREVIEW_NO_CACHE", raising=False)
    monkeypatch.delenv("CYBERREVIEW_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("CYBERREVIEW_TRACE_HOOKS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("CYBERREVIEW_LOG_FORMAT", "text")  # JSON logs: tests/cli/test_sweep_run.py
    return path


@pytest.fixture
def pack_dir() -> Path:
    root = shipped_packs_root()
    assert root is not None
    return root / "cn-csr-2020"


@pytest.fixture
def pack(pack_dir: Path) -> Pack:
    from cyberreview_policy.builtin.checks import cyberreview_register_checks

    checks: dict[str, Any] = {}
    cyberreview_register_checks(lambda check: checks.__setitem__(check.name, check))
    return load_pack(pack_dir, checks)


@pytest.fixture
def engine(pack: Pack) -> Engine:
    return Engine([pack])


@pytest.fixture
def decide(engine: Engine) -> Callable[..., Any]:
    """``decide(**changes)`` -> the decision for COVERED with changes, as of AS_OF."""

    def run(base: dict[str, Any] | None = None, **changes: Any) -> Any:
        record = Record.from_obj(with_changes(base or COVERED, **changes))
        return engine.decide(record, AS_OF)

    return run


@pytest.fixture
def host() -> PluginHost:
    """A fresh plugin host with the built-ins only (no installed entry points)."""
    return make_host(entry_points=False)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process: ``cli("gate", "--record", path)``."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    def write(data: Any, name: str = "record.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return path

    return write


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


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A case store URL: the test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'cases.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


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
