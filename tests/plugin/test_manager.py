"""The plugin host: built-ins through the same path, entry points one at a time,
a broken plugin reported by name while the rest work."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.checks import Check
from cyberreview_policy.plugin import hookimpl, make_host
from cyberreview_policy.plugin.entrypoints import entry_points
from tests.policy.test_loading import make_pack


def install(site: Path, dist: str, module: str, code: str, group_line: str | None = None) -> None:
    """A fake installed distribution with a ``cyberreview_policy`` entry point."""
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    line = group_line or f"{dist} = {module}"
    (info / "entry_points.txt").write_text(f"[cyberreview_policy]\n{line}\n")
    (site / f"{module}.py").write_text(textwrap.dedent(code))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    yield path
    for name in [m for m in sys.modules if m.startswith("fake_")]:
        del sys.modules[name]


GOOD = """
from pathlib import Path
from cyberreview_policy.checks import Check
from cyberreview_policy.plugin import hookimpl

@hookimpl
def cyberreview_register_checks(register):
    register(Check("always", lambda record, as_of: True, description="always true"))

@hookimpl
def cyberreview_register_packs(register):
    register(Path(__file__).parent / "house-rules")
"""


def test_builtins_register_through_the_hooks(host: Any) -> None:
    registry = host.registry
    assert set(registry.objects("sources")) == {"file"}
    assert set(registry.objects("case_stores")) == {"sqlite", "postgresql", "postgres"}
    assert "certification_valid" in registry.objects("checks")
    assert sorted(Path(p).name for p in registry.objects("packs")) == [
        "cn-cne-2017",
        "cn-cne-2023",
        "cn-csr-2020",
        "cn-csr-2022",
    ]
    assert [Path(p).name for p in registry.objects("law")] == ["law.yaml"]
    assert all(info.origin == "builtin" and not info.error for info in host.plugins.values())


def test_an_installed_plugin_registers_checks_and_packs(site: Path) -> None:
    install(site, "fake-good", "fake_good", GOOD)
    make_pack(site)
    host = make_host()
    info = host.plugins["fake-good"]
    assert info.origin == "fake-good 1.2.3"
    assert "always" in host.registry.objects("checks")
    assert info.registered == {"checks": ["always"], "packs": ["house-rules"]}


def test_a_plugin_that_cannot_be_imported_is_reported_and_the_rest_work(site: Path) -> None:
    install(site, "fake-broken", "fake_broken", "import not_a_module_anywhere\n")
    install(site, "fake-good", "fake_good", GOOD)
    make_pack(site)
    host = make_host()
    broken = host.plugins["fake-broken"]
    assert broken.error is not None
    assert "cannot load fake_broken: ModuleNotFoundError" in broken.error
    assert "always" in host.registry.objects("checks")


def test_a_hook_that_raises_fails_only_its_plugin(site: Path) -> None:
    install(
        site,
        "fake-raises",
        "fake_raises",
        """
        from cyberreview_policy.plugin import hookimpl

        @hookimpl
        def cyberreview_register_checks(register):
            raise RuntimeError("ERP unreachable at import")
        """,
    )
    host = make_host()
    host.registry  # noqa: B018  (the registration hooks run on first use)
    assert host.plugins["fake-raises"].error == (
        "cyberreview_register_checks: RuntimeError: ERP unreachable at import"
    )
    assert "certification_valid" in host.registry.objects("checks")


def test_a_bad_hookimpl_signature_is_reported(site: Path) -> None:
    install(
        site,
        "fake-sig",
        "fake_sig",
        """
        from cyberreview_policy.plugin import hookimpl

        @hookimpl
        def cyberreview_register_checks(register, extra):
            pass
        """,
    )
    error = make_host().plugins["fake-sig"].error
    assert error is not None and "PluginValidationError" in error


def test_name_clash_is_the_later_plugins_error(site: Path) -> None:
    install(
        site,
        "fake-clash",
        "fake_clash",
        """
        from cyberreview_policy.checks import Check
        from cyberreview_policy.plugin import hookimpl

        @hookimpl
        def cyberreview_register_checks(register):
            register(Check("certification_valid", lambda r, a: False))
        """,
    )
    host = make_host()
    host.registry  # noqa: B018
    error = host.plugins["fake-clash"].error
    assert error is not None
    assert (
        "check 'certification_valid' is already registered by plugin 'cyberreview_policy.builtin.checks'"
        in error
    )
    assert (
        host.registry.items["checks"]["certification_valid"].plugin
        == "cyberreview_policy.builtin.checks"
    )


def test_disabled_plugins_are_not_loaded(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(site, "fake-good", "fake_good", GOOD)
    monkeypatch.setenv("CYBERREVIEW_DISABLE_PLUGINS", "other, fake-good")
    host = make_host()
    assert host.plugins["fake-good"].disabled
    assert "fake_good" not in sys.modules
    assert "always" not in host.registry.objects("checks")


def test_tracing(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CYBERREVIEW_TRACE_HOOKS", "1")
    make_host(entry_points=False).registry  # noqa: B018
    assert (
        "[hooks] cyberreview_register_packs -> cyberreview_policy.builtin.packs"
        in capsys.readouterr().err
    )


def test_a_plugin_can_add_a_source_type(tmp_path: Path) -> None:
    from cyberreview_policy.plugin.types import SourceType
    from cyberreview_policy.runtime import Runtime

    class Erp:
        @hookimpl
        def cyberreview_register_sources(self, register: Callable[[SourceType], None]) -> None:
            register(SourceType("erp", lambda target, **options: f"source for {target}"))

    runtime = Runtime(make_host(entry_points=False, extra=[("erp", Erp())]))
    assert runtime.source("PO-7", "erp") == "source for PO-7"


def test_a_plugin_can_add_a_case_store() -> None:
    from cyberreview_policy.plugin.types import StoreType
    from cyberreview_policy.runtime import Runtime

    opened: list[str] = []

    class MemoryStores:
        @hookimpl
        def cyberreview_register_case_stores(self, register: Callable[[StoreType], None]) -> None:
            register(StoreType("memory", lambda url: opened.append(url) or "a store"))  # type: ignore[func-returns-value]

    runtime = Runtime(make_host(entry_points=False, extra=[("memory", MemoryStores())]))
    assert runtime.store("memory://team") == "a store"
    assert opened == ["memory://team"]


def test_a_plugin_can_declare_a_family_for_its_packs(tmp_path: Path) -> None:
    import datetime as dt

    from cyberreview_policy.runtime import Runtime

    law = tmp_path / "law.yaml"
    law.write_text("families:\n  house:\n    title: House rules\n    starts: 2020-06-01\n")
    pack = make_pack(tmp_path)
    manifest = pack / "pack.yaml"
    manifest.write_text(manifest.read_text() + "family: house\n")

    class House:
        @hookimpl
        def cyberreview_register_law(self, register: Callable[[Path], None]) -> None:
            register(law)

        @hookimpl
        def cyberreview_register_packs(self, register: Callable[[Path], None]) -> None:
            register(pack)

    runtime = Runtime(make_host(entry_points=False, extra=[("house", House())]))
    chosen = [p.id for p in runtime.catalog.select([], dt.date(2021, 6, 1))]
    assert chosen == ["cn-cne-2017", "cn-csr-2020", "house-rules"]
    assert runtime.catalog.errors == []


def test_plugins_registered_in_code() -> None:
    class Inline:
        @hookimpl
        def cyberreview_register_checks(self, register: Callable[[Check], None]) -> None:
            register(Check("inline", lambda r, a: True))

    host = make_host(entry_points=False, extra=[("inline", Inline())])
    assert host.registry.items["checks"]["inline"].plugin == "inline"


def test_hosts_are_independent() -> None:
    assert make_host(entry_points=False) is not make_host(entry_points=False)
    assert make_host(entry_points=False).pm is not make_host(entry_points=False).pm


def test_entry_point_scan_agrees_with_importlib_metadata(site: Path) -> None:
    install(site, "fake-good", "fake_good", GOOD)
    for group in ("console_scripts", "pytest11", "cyberreview_policy"):
        ours = sorted((ep.name, ep.value) for ep in entry_points(group))
        theirs = sorted((ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group))
        assert ours == theirs, group
    [ep] = [ep for ep in entry_points("cyberreview_policy") if ep.dist == "fake-good"]
    assert (ep.dist, ep.version) == ("fake-good", "1.2.3")
    assert ep.load().__name__ == "fake_good"


def test_entry_point_with_attribute(site: Path) -> None:
    install(
        site,
        "fake-attr",
        "fake_attr",
        "class Plugin:\n    pass\nPLUGIN = Plugin()\n",
        "fake-attr = fake_attr:PLUGIN",
    )
    [ep] = [ep for ep in entry_points("cyberreview_policy") if ep.dist == "fake-attr"]
    assert type(ep.load()).__name__ == "Plugin"


def test_plugins_named_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "cyberreview_policy.builtin.checks, no_such_mod")
    host = make_host(builtins=())
    assert host.plugins["cyberreview_policy.builtin.checks"].origin == "$CYBERREVIEW_PLUGINS"
    assert "certification_valid" in host.registry.objects("checks")
    broken = host.plugins["no_such_mod"]
    assert broken.error == "ModuleNotFoundError: No module named 'no_such_mod'"


def test_a_plugin_can_add_a_case_tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered by the hook, configured under ``trackers:``, its secret from the
    environment, opened with the host's context."""
    from pydantic import BaseModel, SecretStr

    from cyberreview_policy.runtime import Runtime
    from cyberreview_policy.trackers import TrackerContext, TrackerType
    from cyberreview_policy.trackers.host import open_tracker

    class DeskSettings(BaseModel):
        url: str
        token: SecretStr

    class Desk:
        search_lag = 0.0

        def __init__(self, ctx: TrackerContext):
            self.ctx = ctx

    class DeskPlugin:
        @hookimpl
        def cyberreview_register_case_trackers(
            self, register: Callable[[TrackerType], None]
        ) -> None:
            register(TrackerType("desk", config=DeskSettings, connect=Desk))  # type: ignore[arg-type]

    config = tmp_path / "cyberreview.yaml"
    config.write_text(
        "trackers:\n  helpdesk:\n    type: desk\n    instance: east\n"
        "    settings: {url: 'https://desk.example', token: {env: DESK_TOKEN}}\n"
    )
    monkeypatch.setenv("DESK_TOKEN", "s3cret")
    host = make_host(entry_points=False, extra=[("desk", DeskPlugin())])
    assert host.registry.items["trackers"]["desk"].plugin == "desk"
    tracker, instance = open_tracker(Runtime(host, config_path=config), "helpdesk")
    assert isinstance(tracker, Desk) and instance == "east"
    assert tracker.ctx.settings.token.get_secret_value() == "s3cret"  # type: ignore[attr-defined]
