"""What change systems and case trackers share: a plugin type that gives a settings
model and a ``connect`` function, and starting one that ``cyberreview.yaml``
configures under its section (``changes:``, ``trackers:``).

Light on purpose: plugins import their type while the registry is built, on the
gate's path; the configuration and HTTP machinery load only when one starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .sources.base import _load

if TYPE_CHECKING:
    import logging

    from pydantic import BaseModel

    from .runtime import Runtime

C = TypeVar("C")  # the context the host gives the plugin
T = TypeVar("T")  # what the plugin's connect returns


@dataclass(frozen=True)
class PluginType(Generic[C, T]):
    """A kind of system a plugin provides: ``config`` the pydantic settings model (or
    ``"module:Class"``), ``connect(context)`` what starts it (or ``"module:name"``),
    ``description`` one line for ``cyberreview plugins``."""

    name: str
    config: type[BaseModel] | str
    connect: Callable[[C], T] | str
    description: str = ""

    def settings_model(self) -> type[BaseModel]:
        model: type[BaseModel] = _load(self.config)
        return model

    def connector(self) -> Callable[[C], T]:
        factory: Callable[[C], T] = _load(self.connect)
        return factory


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
    from .config import ConfigError

    section, name = where
    kinds = rt.host.registry.objects(registry)
    kind = kinds.get(type_name)
    if kind is None or not usable(kind):
        available = ", ".join(sorted(k for k, v in kinds.items() if usable(v))) or "none"
        raise ConfigError(
            f"no plugin provides {what} type {type_name!r} (installed: {available})",
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
    from .errors import CyberreviewError

    try:
        return kind.connector()(context)
    except CyberreviewError:
        raise
    except Exception as exc:
        raise fail(f"{type(exc).__name__}: {exc}") from None
