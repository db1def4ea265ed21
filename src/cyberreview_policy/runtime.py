"""What a command needs at run time: the plugin host, the packs, sources, the case store.

``CYBERREVIEW_HOME`` (default ``~/.cyberreview``) holds the tool's state: the
embedded case store ``cases.db``.  It is created with owner-only permissions.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from .cases.base import CaseStore
from .errors import CaseStoreError, SourceError
from .plugin.manager import PluginHost, make_host
from .policy.catalog import Catalog
from .sources.base import Source

HOME_ENV = "CYBERREVIEW_HOME"


def home_dir() -> Path:
    """``$CYBERREVIEW_HOME``, or ``~/.cyberreview``."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cyberreview"


def default_store_url() -> str:
    return f"sqlite:///{home_dir() / 'cases.db'}"


class Runtime:
    """Lazily built services for one command."""

    def __init__(self, host: PluginHost | None = None):
        self._host = host

    @property
    def host(self) -> PluginHost:
        if self._host is None:
            self._host = make_host()
        return self._host

    def plugin_warnings(self) -> list[str]:
        """One line per broken plugin (after running the registration hooks)."""
        self.host.registry  # noqa: B018
        return [f"plugin {info.name!r} is broken: {info.error}" for info in self.host.failures()]

    @cached_property
    def catalog(self) -> Catalog:
        registry = self.host.registry
        dirs = {Path(item.obj): item.plugin for item in registry.items["packs"].values()}
        return Catalog(dirs, registry.objects("checks"))

    def source(self, target: str, source_type: str = "file", **options: object) -> Source:
        types = self.host.registry.objects("sources")
        if source_type not in types:
            known = ", ".join(sorted(types)) or "none"
            raise SourceError(target, f"no source type {source_type!r} (registered: {known})")
        source: Source = types[source_type].open(target, **options)
        return source

    def store(self, url: str | None = None) -> CaseStore:
        url = url or default_store_url()
        scheme = url.split(":", 1)[0]
        stores = self.host.registry.objects("case_stores")
        if scheme not in stores:
            known = ", ".join(sorted(stores)) or "none"
            raise CaseStoreError(f"no case store for {scheme!r} URLs (registered: {known})")
        store: CaseStore = stores[scheme].open(url)
        return store
