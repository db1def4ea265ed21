"""Build the plugin manager and the registry of what plugins contribute.

Never at import time: :func:`make_host` builds a fresh host each call (tests
get their own).  Built-in plugins come first, from :data:`BUILTIN_PLUGINS`,
through the same path as third-party ones; entry points of the group
``cyberreview_policy`` are then loaded one at a time, so a broken plugin is
reported by name and the rest still work.

Environment:

- ``CYBERREVIEW_DISABLE_PLUGINS=name,name``: do not load these entry points (nor
  these modules of ``$CYBERREVIEW_PLUGINS``); ``plugins: disabled:`` in
  ``cyberreview.yaml`` does the same (the runtime passes it to :func:`make_host`).
- ``CYBERREVIEW_PLUGINS=module,module``: also load these modules as plugins
  (a connector being written, before it is packaged; like ``PYTEST_PLUGINS``).
- ``CYBERREVIEW_TRACE_HOOKS=1``: trace hook calls on stderr.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from ..errors import PluginError
from ..i18n.catalog import _
from . import spec
from .spec import PROJECT

BUILTIN_PLUGINS: tuple[str, ...] = (
    "cyberreview_policy.builtin.files",
    "cyberreview_policy.builtin.packs",
    "cyberreview_policy.builtin.checks",
    "cyberreview_policy.builtin.sqlite_store",
    "cyberreview_policy.builtin.postgres_store",
)
ENTRY_POINT_GROUP = PROJECT
DISABLE_ENV = "CYBERREVIEW_DISABLE_PLUGINS"
MODULES_ENV = "CYBERREVIEW_PLUGINS"
TRACE_ENV = "CYBERREVIEW_TRACE_HOOKS"

_KINDS = {
    "cyberreview_register_sources": "sources",
    "cyberreview_register_packs": "packs",
    "cyberreview_register_law": "law",
    "cyberreview_register_checks": "checks",
    "cyberreview_register_case_stores": "case_stores",
    "cyberreview_register_change_systems": "change_systems",
    "cyberreview_register_case_trackers": "trackers",
}


_SINGULAR = {
    "sources": "source",
    "packs": "pack",
    "law": "law file",
    "checks": "check",
    "case_stores": "case store",
    "change_systems": "change system",
    "trackers": "case tracker",
}


@dataclass
class PluginInfo:
    """A plugin the host knows of, and what it registered."""

    name: str
    origin: str  # "builtin", or the distribution name and version
    registered: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    disabled: bool = False


@dataclass
class Registered:
    """One contributed object and the plugin it came from."""

    key: str
    obj: Any
    plugin: str


class Registry:
    """Everything plugins registered, by kind and unique key."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Registered]] = {kind: {} for kind in _KINDS.values()}

    def add(self, kind: str, key: str, obj: Any, plugin: str) -> None:
        existing = self.items[kind].get(key)
        if existing is not None:
            raise PluginError(
                plugin,
                _("{value} {key} is already registered by plugin {plugin}").format(
                    value=_SINGULAR.get(kind, kind), key=repr(key), plugin=repr(existing.plugin)
                ),
            )
        self.items[kind][key] = Registered(key, obj, plugin)

    def objects(self, kind: str) -> dict[str, Any]:
        return {key: item.obj for key, item in self.items[kind].items()}


def _key(kind: str, obj: Any) -> str:
    if kind in ("packs", "law"):
        return str(Path(obj).resolve())
    if kind == "case_stores":
        return str(obj.scheme)
    return str(obj.name)


class PluginHost:
    """The plugin manager plus the registry built from its hooks."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        env = os.environ.get(DISABLE_ENV, "").split(",")
        self.disabled = {name.strip() for name in (*env, *disabled) if name.strip()}
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(spec)
        self.plugins: dict[str, PluginInfo] = {}
        self._registry: Registry | None = None
        if os.environ.get(TRACE_ENV):
            self.pm.trace.root.setwriter(lambda text: sys.stderr.write(f"[hooks] {text}"))
            self.pm.enable_tracing()

    def register(self, plugin: object, name: str, origin: str) -> None:
        """Register one plugin object; a failure is recorded under its name."""
        info = self.plugins.setdefault(name, PluginInfo(name, origin))
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy validation, or a clash
            info.error = f"{type(exc).__name__}: {exc}"

    def load_builtins(self, modules: Iterable[str] = BUILTIN_PLUGINS) -> None:
        for module_name in modules:
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                self.plugins[module_name] = PluginInfo(
                    module_name, "builtin", error=f"{type(exc).__name__}: {exc}"
                )
                continue
            self.register(module, module_name, "builtin")

    def load_entry_points(self) -> None:
        from .entrypoints import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            origin = f"{ep.dist} {ep.version}"
            if ep.name in self.disabled:
                self.plugins[ep.name] = PluginInfo(ep.name, origin, disabled=True)
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self.plugins[ep.name] = PluginInfo(
                    ep.name, origin, error=f"cannot load {ep.value}: {type(exc).__name__}: {exc}"
                )
                continue
            self.register(plugin, ep.name, origin)

    def load_env_modules(self) -> None:
        """The modules named in ``$CYBERREVIEW_PLUGINS``, each a plugin of that name."""
        for name in filter(None, (n.strip() for n in os.environ.get(MODULES_ENV, "").split(","))):
            if name in self.plugins:
                continue
            if name in self.disabled:
                self.plugins[name] = PluginInfo(name, f"${MODULES_ENV}", disabled=True)
                continue
            try:
                module = importlib.import_module(name)
            except Exception as exc:
                self.plugins[name] = PluginInfo(
                    name, f"${MODULES_ENV}", error=f"{type(exc).__name__}: {exc}"
                )
                continue
            self.register(module, name, f"${MODULES_ENV}")

    @property
    def registry(self) -> Registry:
        """Call every registration hook, one plugin at a time (once per host)."""
        if self._registry is None:
            self._registry = Registry()
            for hook_name, kind in _KINDS.items():
                self._collect(hook_name, kind, self._registry)
        return self._registry

    def _collect(self, hook_name: str, kind: str, registry: Registry) -> None:
        hook = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():  # in registration order: built-ins first
            name = impl.plugin_name
            info = self.plugins.setdefault(name, PluginInfo(name, "registered in code"))

            def register(obj: Any, _kind: str = kind, _name: str = name) -> None:
                registry.add(_kind, _key(_kind, obj), obj, _name)
                self.plugins[_name].registered.setdefault(_kind, []).append(_label(_kind, obj))

            if os.environ.get(TRACE_ENV):
                sys.stderr.write(f"[hooks] {hook_name} -> {name}\n")
            try:
                impl.function(**{arg: register for arg in impl.argnames})
            except Exception as exc:
                info.error = f"{hook_name}: {type(exc).__name__}: {exc}"

    def failures(self) -> list[PluginInfo]:
        return [info for info in self.plugins.values() if info.error]

    def check_references(self) -> None:
        """Import what plugins registered by reference (``"module:name"``, imported
        otherwise only when a command uses it); a failure is its plugin's error."""
        from .types import load_ref

        for kind in ("sources", "change_systems", "trackers"):
            for item in self.registry.items[kind].values():
                for ref in (getattr(item.obj, "config", None), getattr(item.obj, "connect", None)):
                    if not isinstance(ref, str):
                        continue
                    try:
                        load_ref(ref)
                    except Exception as exc:
                        info = self.plugins[item.plugin]
                        problem = (
                            f"{_SINGULAR[kind]} {item.key}: cannot import {ref}: "
                            f"{type(exc).__name__}: {exc}"
                        )
                        info.error = f"{info.error}; {problem}" if info.error else problem


def _label(kind: str, obj: Any) -> str:
    if kind == "packs":
        return Path(obj).name
    if kind == "law":
        return str(obj)
    return _key(kind, obj)


def make_host(
    *,
    builtins: Iterable[str] = BUILTIN_PLUGINS,
    entry_points: bool = True,
    extra: Iterable[tuple[str, object]] = (),
    disabled: Iterable[str] = (),
) -> PluginHost:
    """A fresh host: built-ins, then entry points, then ``extra`` (name, plugin) pairs;
    the entry points and modules named in ``disabled`` (or ``$CYBERREVIEW_DISABLE_PLUGINS``)
    are listed, not loaded."""
    host = PluginHost(disabled)
    host.load_builtins(builtins)
    if entry_points:
        host.load_entry_points()
        host.load_env_modules()
    for name, plugin in extra:
        host.register(plugin, name, "registered in code")
    return host
