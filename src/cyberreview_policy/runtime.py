"""What a command needs at run time: the plugin host, the packs, sources, the case store.

``CYBERREVIEW_HOME`` (default ``~/.cyberreview``) holds the tool's state: the
embedded case store ``cases.db``.  It is created with owner-only permissions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .env import CALENDAR_ENV, STORE_ENV, default_store_url, home_dir, redact_url
from .errors import (
    ConfigError,
    CyberreviewError,
    SourceError,
    UnknownStoreError,
    UsageError,
)
from .i18n.catalog import _
from .plugin.manager import PluginHost, make_host
from .policy.catalog import Catalog

if TYPE_CHECKING:
    import datetime as dt
    import logging

    from .cases.base import CaseStore
    from .cases.calendar import WorkCalendar
    from .config import Config
    from .connectors.host import ConnectorSource
    from .engine.core import Engine
    from .i18n.lang import Lang
    from .policy.pack import Pack
    from .sources.base import Source
    from .waivers import Waiver


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
        #: the language of this command (:meth:`choose_lang`)
        self.lang: Lang = "en"

    def choose_lang(self, explicit: str | None) -> Lang:
        """Speak ``explicit`` (``--lang``), else ``$CYBERREVIEW_LANG``, else ``lang:`` of the
        configuration, else the locale, else English; from now on in this context."""
        from .i18n import resolve_lang, set_lang

        lang = resolve_lang(explicit, None, os.environ)
        set_lang(lang)  # a broken configuration file is reported in this language
        if explicit is None and not os.environ.get("CYBERREVIEW_LANG"):
            configured = self._configured("lang")
            if configured:
                lang = resolve_lang(None, configured, {})
        self.lang = lang
        set_lang(lang)
        return lang

    def service_lang(self, explicit: str | None) -> Lang:
        """The language a service speaks to a request that names none: ``explicit``
        (``serve --lang``), else ``$CYBERREVIEW_LANG``, else ``lang:`` of the
        configuration, else English (the server's locale is not its clients')."""
        from .i18n import LANG_ENV, resolve_lang

        environ = {LANG_ENV: os.environ[LANG_ENV]} if os.environ.get(LANG_ENV) else {}
        return resolve_lang(explicit, self._configured("lang"), environ)

    @cached_property
    def config(self) -> Config:
        """``cyberreview.yaml`` (``--config``, ``$CYBERREVIEW_CONFIG``, or in the home)."""
        from .config import config_path, load_config

        return load_config(config_path(self.config_path, home_dir()))

    @property
    def host(self) -> PluginHost:
        if self._host is None:
            disabled = self._configured_list("plugins", "disabled")
            self._host = make_host(disabled=disabled)
        return self._host

    def check_plugins(self) -> None:
        """Raise :class:`PluginUnavailable` for the first broken plugin (after running the
        registration hooks): a command that decides cannot know what it would say."""
        from .errors import PluginUnavailable

        self.host.registry  # noqa: B018
        broken = self.host.failures()
        if broken:
            first = broken[0]
            raise PluginUnavailable(first.name, first.error or "broken", len(broken) - 1)

    @cached_property
    def catalog(self) -> Catalog:
        """Registered packs and law, with those of ``--policy-dir`` (validated alike)."""
        registry = self.host.registry
        dirs = {Path(item.obj): item.plugin for item in registry.items["packs"].values()}
        law = [Path(item.obj) for item in registry.items["law"].values()]
        for root in self.policy_dirs:
            if not root.is_dir():
                raise UsageError(_("--policy-dir {root}: not a directory").format(root=root))
            found = (
                [root]
                if (root / "pack.yaml").is_file()
                else sorted(child for child in root.iterdir() if (child / "pack.yaml").is_file())
            )
            if not found and not (root / "law.yaml").is_file():
                raise UsageError(
                    _("--policy-dir {root}: no pack.yaml in it or in its directories").format(
                        root=root
                    )
                )
            dirs.update({path: f"--policy-dir {root}" for path in found})
            if (root / "law.yaml").is_file():
                law.append(root / "law.yaml")
        return Catalog(dirs, registry.objects("checks"), law)

    def packs(
        self, pins: Sequence[str], as_of: dt.date, note: Callable[[str], None] | None = None
    ) -> list[Pack]:
        """The packs a run decides under: ``pins`` (ids, ``id@version`` or directories),
        or from every family the version in force on ``as_of``; none while a plugin is
        broken (:meth:`check_plugins`).  ``note`` is told of pinned packs not in force
        on the date."""
        self.check_plugins()
        packs = self.catalog.select(pins, as_of)
        for pack in packs:
            if note is not None and pins and not pack.in_force(as_of):
                end = pack.manifest.effective_to or "open end"
                note(
                    _(
                        "note: pack {id} is not in force on {as_of} (in force {effective_from} "
                        "to {end}); deciding as pinned"
                    ).format(
                        id=pack.id,
                        as_of=as_of,
                        effective_from=pack.manifest.effective_from,
                        end=end,
                    )
                )
        return packs

    def engine(
        self,
        packs: Sequence[Pack],
        overrides: Iterable[Waiver] = (),
        store: CaseStore | None = None,
    ) -> Engine:
        """The engine for ``packs`` with the waivers of ``store`` (none without a
        store: ``--no-cases``) and single-run ``overrides``: the one place an engine
        is assembled, and gets its waivers, for a command."""
        from . import waivers
        from .engine.core import Engine

        return Engine(
            packs,
            waivers.for_run(store, home_dir(), packs, overrides),
            lang=self.lang,
            law=self.catalog.law,  # loaded with the packs: the citations' Chinese titles
        )

    def source(self, target: str, source_type: str = "file", **options: object) -> Source:
        types = self.host.registry.objects("sources")
        if source_type not in types:
            known = ", ".join(sorted(types)) or "none"
            raise SourceError(
                target,
                _("no source type {source_type} (registered: {known})").format(
                    source_type=repr(source_type), known=known
                ),
            )
        opener = types[source_type].open
        if opener is None:
            raise SourceError(
                target,
                _("source type {source_type} reads configured sources only").format(
                    source_type=repr(source_type)
                ),
            )
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
        if not self._has_config():
            return None
        value = getattr(self.config.file, key)
        return str(value) if value else None

    def _configured_list(self, section: str, key: str) -> list[str]:
        """A list setting of a section, without reading the file when there is none."""
        if not self._has_config():
            return []
        values: list[str] = getattr(getattr(self.config.file, section), key)
        return values

    def _has_config(self) -> bool:
        """Whether a configuration file is named or in the home (without importing the
        configuration's models: the gate starts without pydantic)."""
        from .env import CONFIG_ENV, CONFIG_FILE

        no_file = not (home_dir() / CONFIG_FILE).is_file()
        return not (self.config_path is None and not os.environ.get(CONFIG_ENV) and no_file)

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
        from .env import register_secrets, url_secrets

        url = url or self.store_url_in_use()
        register_secrets(url_secrets(url))  # a driver's message may quote the password
        scheme = url.split(":", 1)[0]
        stores = self.host.registry.objects("case_stores")
        if scheme not in stores:
            known = ", ".join(sorted(stores)) or "none"
            raise UnknownStoreError(
                _("no case store for {value}: registered schemes are {known}").format(
                    value=repr(redact_url(url)), known=known
                )
            )
        store: CaseStore = stores[scheme].open(url)
        return store

    def configured_source(self, name: str, since: Any | None = None) -> ConnectorSource:
        """Source ``name`` of the configuration file, connected through its plugin."""
        from .config import source_settings
        from .connectors.host import connect

        sources = self.config.file.sources
        if name not in sources:
            known = ", ".join(sorted(sources)) or "none"
            where = str(self.config.path) if self.config.path else "no configuration file"
            raise SourceError(
                name,
                _("not configured (configured sources: {known}; {where})").format(
                    known=known, where=where
                ),
            )
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


# -- starting what plugins provide (sources, change systems, trackers) --------------


def kind_of(
    rt: Runtime,
    registry: str,
    where: tuple[str, str],
    type_name: str,
    what: str,
    *,
    usable: Callable[[Any], bool] = lambda kind: True,
) -> Any:
    """The registered type ``type_name`` of entry ``where`` (section, name, e.g.
    ``("trackers", "jira")``); a configuration error naming the installed ones when
    no plugin provides it."""
    section, name = where
    kinds = rt.host.registry.objects(registry)
    kind = kinds.get(type_name)
    if kind is None or not usable(kind):
        available = ", ".join(sorted(k for k, v in kinds.items() if usable(v))) or "none"
        raise ConfigError(
            _("no plugin provides {what} type {type_name} (installed: {available})").format(
                what=what, type_name=repr(type_name), available=available
            ),
            rt.config.where(section, name, "type"),
            f"{section}.{name}.type",
        )
    return kind


def client_kit(
    rt: Runtime, where: tuple[str, str], given: dict[str, Any], kind: Any, logger: str
) -> tuple[Any, logging.Logger, Callable[..., Any]]:
    """The settings ``given`` for entry ``where`` validated against ``kind``'s model
    (secrets resolved), a logger ``logger`` that masks those secrets, and the host's
    HTTP client factory."""
    from .config import plugin_settings
    from .connectors.host import http_factory, redacted_logger

    settings, secrets = plugin_settings(rt.config, where, given, kind.settings_model())
    return settings, redacted_logger(logger, secrets), http_factory(where[1], settings)


def started(kind: Any, context: Any, fail: Callable[[str], Exception]) -> Any:
    """``kind``'s connect on ``context``; a plugin's own failure (not one of ours)
    becomes ``fail("<exception type>: <message>")``."""
    try:
        return kind.connector()(context)
    except CyberreviewError:
        raise
    except Exception as exc:
        raise fail(f"{type(exc).__name__}: {exc}") from None
