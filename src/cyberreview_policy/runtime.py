"""What a command needs at run time: the plugin host, the packs, sources, the case store.

``CYBERREVIEW_HOME`` (default ``~/.cyberreview``) holds the tool's state: the
embedded case store ``cases.db``.  It is created with owner-only permissions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cases.base import CaseStore
from .cases.calendar import WorkCalendar
from .errors import CaseStoreError, SourceError, UsageError
from .plugin.manager import PluginHost, make_host
from .policy.catalog import Catalog
from .sources.base import Source

if TYPE_CHECKING:
    from .config import Config
    from .connectors.host import ConnectorSource

HOME_ENV = "CYBERREVIEW_HOME"
STORE_ENV = "CYBERREVIEW_STORE"
ACTOR_ENV = "CYBERREVIEW_ACTOR"


def home_dir() -> Path:
    """``$CYBERREVIEW_HOME``, or ``~/.cyberreview``."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cyberreview"


def default_store_url() -> str:
    """``$CYBERREVIEW_STORE``, or the SQLite file ``$CYBERREVIEW_HOME/cases.db``."""
    return os.environ.get(STORE_ENV) or f"sqlite:///{home_dir() / 'cases.db'}"


def current_actor() -> str:
    """Who is acting, for the audit trail: ``$CYBERREVIEW_ACTOR`` or the login name."""
    configured = os.environ.get(ACTOR_ENV)
    if configured:
        return configured
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def redact_url(url: str) -> str:
    """A store URL fit for messages: no password."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in userinfo else url


CALENDAR_ENV = "CYBERREVIEW_CALENDAR"


class Runtime:
    """Lazily built services for one command."""

    def __init__(
        self,
        host: PluginHost | None = None,
        store_url: str | None = None,
        calendar_path: Path | None = None,
        policy_dirs: Sequence[Path] = (),
        config_path: Path | None = None,
    ):
        self._host = host
        self.store_url = store_url
        self.calendar_path = calendar_path
        self.policy_dirs = tuple(policy_dirs)
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        """``cyberreview.yaml`` (``--config``, ``$CYBERREVIEW_CONFIG``, or in the home)."""
        from .config import config_path, load_config

        return load_config(config_path(self.config_path, home_dir()))

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
        """Registered packs and law, with those of ``--policy-dir`` (validated alike)."""
        registry = self.host.registry
        dirs = {Path(item.obj): item.plugin for item in registry.items["packs"].values()}
        law = [Path(item.obj) for item in registry.items["law"].values()]
        for root in self.policy_dirs:
            if not root.is_dir():
                raise UsageError(f"--policy-dir {root}: not a directory")
            found = (
                [root]
                if (root / "pack.yaml").is_file()
                else sorted(child for child in root.iterdir() if (child / "pack.yaml").is_file())
            )
            if not found and not (root / "law.yaml").is_file():
                raise UsageError(f"--policy-dir {root}: no pack.yaml in it or in its directories")
            dirs.update({path: f"--policy-dir {root}" for path in found})
            if (root / "law.yaml").is_file():
                law.append(root / "law.yaml")
        return Catalog(dirs, registry.objects("checks"), law)

    def source(self, target: str, source_type: str = "file", **options: object) -> Source:
        types = self.host.registry.objects("sources")
        if source_type not in types:
            known = ", ".join(sorted(types)) or "none"
            raise SourceError(target, f"no source type {source_type!r} (registered: {known})")
        opener = types[source_type].open
        if opener is None:
            raise SourceError(target, f"source type {source_type!r} reads configured sources only")
        source: Source = opener(target, **options)
        return source

    @cached_property
    def calendar(self) -> WorkCalendar:
        """Working days: the official schedule plus the operator's calendar file
        (``--calendar``, ``$CYBERREVIEW_CALENDAR`` or ``$CYBERREVIEW_HOME/calendar.yaml``)."""
        from .cases.calendar import calendar_for

        path = self.calendar_path
        if path is None:
            configured = os.environ.get(CALENDAR_ENV) or self._configured("calendar")
            path = Path(configured) if configured else home_dir() / "calendar.yaml"
        return calendar_for(path)

    def _configured(self, key: str) -> str | None:
        """A top-level setting of the configuration file, without reading it when absent."""
        from .config import CONFIG_ENV, FILE_NAME

        no_file = not (home_dir() / FILE_NAME).is_file()
        if self.config_path is None and not os.environ.get(CONFIG_ENV) and no_file:
            return None
        value = getattr(self.config.file, key)
        return str(value) if value else None

    def store_url_in_use(self) -> str:
        """``--store``, else ``$CYBERREVIEW_STORE``, else the configuration's, else the
        embedded default."""
        return (
            self.store_url
            or os.environ.get(STORE_ENV)
            or self._configured("store")
            or default_store_url()
        )

    def store(self, url: str | None = None) -> CaseStore:
        url = url or self.store_url_in_use()
        scheme = url.split(":", 1)[0]
        stores = self.host.registry.objects("case_stores")
        if scheme not in stores:
            known = ", ".join(sorted(stores)) or "none"
            raise CaseStoreError(
                f"no case store for {redact_url(url)!r}: registered schemes are {known}"
            )
        store: CaseStore = stores[scheme].open(url)
        return store

    def configured_source(self, name: str, since: Any | None = None) -> ConnectorSource:
        """Source ``name`` of the configuration file, connected through its plugin."""
        from .config import source_settings
        from .connectors.host import connect
        from .plugintype import kind_of

        sources = self.config.file.sources
        if name not in sources:
            known = ", ".join(sorted(sources)) or "none"
            where = str(self.config.path) if self.config.path else "no configuration file"
            raise SourceError(name, f"not configured (configured sources: {known}; {where})")
        kind = kind_of(
            self,
            "sources",
            ("sources", name),
            sources[name].type,
            "source",
            usable=lambda t: t.connect is not None,  # not the built-in file source
        )
        settings = source_settings(self.config, name, kind.settings_model())
        operator = self.config.file.operator
        return connect(
            kind, settings, operator.model_dump(exclude_none=True) if operator else {}, since
        )
