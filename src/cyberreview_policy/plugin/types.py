"""Every type a plugin registers, light and pydantic-free: plugins import them while
the registry is built, on the gate's path.

Settings models and connect functions may be given by reference
(``"module:name"``), imported only when a command uses them, so installing a
plugin costs the gate nothing.  First-party and third-party plugins import
these from here (or from the re-exports in :mod:`cyberreview_policy.connectors`,
:mod:`cyberreview_policy.changes`, :mod:`cyberreview_policy.trackers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..checks import Check

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..cases.base import CaseStore
    from ..changes.api import ChangeContext, ChangeSystem
    from ..connectors.api import Connector, SourceContext
    from ..sources.base import Source
    from ..trackers.api import Tracker, TrackerContext

C = TypeVar("C")  # the context the host gives the plugin
T = TypeVar("T")  # what the plugin's connect returns

__all__ = [
    "ChangeSystemType",
    "Check",
    "PluginType",
    "SourceType",
    "StoreType",
    "TrackerType",
    "load_ref",
]


def load_ref(ref: Any) -> Any:
    """``ref`` itself, or the object a ``"module:name"`` reference names (imported now)."""
    if not isinstance(ref, str):
        return ref
    import importlib

    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class PluginType(Generic[C, T]):
    """A kind of system a plugin provides: ``config`` the pydantic settings model (or
    ``"module:Class"``), ``connect(context)`` what starts it (or ``"module:name"``),
    ``description`` one line for ``cyberreview plugins``, ``example`` its entry in
    ``cyberreview.yaml`` for ``cyberreview init`` (see :class:`SourceType`)."""

    name: str
    config: type[BaseModel] | str
    connect: Callable[[C], T] | str
    description: str = ""
    example: str = ""

    def settings_model(self) -> type[BaseModel]:
        model: type[BaseModel] = load_ref(self.config)
        return model

    def connector(self) -> Callable[[C], T]:
        factory: Callable[[C], T] = load_ref(self.connect)
        return factory


if TYPE_CHECKING:  # the contexts and systems are typed where they are defined
    _ChangeSystems = PluginType[ChangeContext, ChangeSystem]
    _Trackers = PluginType[TrackerContext, Tracker]
else:
    _ChangeSystems = _Trackers = PluginType


class ChangeSystemType(_ChangeSystems):
    """A kind of change-management system a plugin provides.

    :param name: the ``type`` users write under ``changes:`` in ``cyberreview.yaml``.
    :param config: the settings model (a :class:`~cyberreview_policy.connectors.ConnectorSettings`,
        ``SecretStr`` for secrets), or ``"module:Class"``.
    :param connect: ``connect(context)`` returns a
        :class:`~cyberreview_policy.changes.ChangeSystem`; or ``"module:name"``.
    :param description: one line for ``cyberreview plugins``.
    :param example: YAML for ``cyberreview init`` (as for :class:`SourceType`).
    """


class TrackerType(_Trackers):
    """A kind of case tracker a plugin provides.

    :param name: the ``type`` users write under ``trackers:`` (``jira``, ...).
    :param config: the pydantic settings model (``SecretStr`` for secrets; subclass
        :class:`~cyberreview_policy.connectors.ConnectorSettings` for the host's
        timeouts, retries and rate budget), or ``"module:Class"``.
    :param connect: ``connect(context)`` returns a :class:`~cyberreview_policy.trackers.Tracker`;
        or ``"module:name"``.
    :param description: one line for ``cyberreview plugins``.
    :param example: YAML for ``cyberreview init`` (as for :class:`SourceType`).
    """


@dataclass(frozen=True)
class SourceType:
    """A kind of source a plugin provides.

    A connector to a system (ERP, CMDB) gives ``config`` and ``connect``; the
    built-in ``file`` source gives ``open``.

    :param name: the ``type`` users write in ``cyberreview.yaml`` (``tryton``, ...).
    :param config: the pydantic model of the source's settings (``SecretStr``
        for secrets), or ``"module:Class"`` to import it only when a command
        uses the source (so that installing the plugin does not slow the gate).
    :param connect: ``connect(context)`` returns a
        :class:`~cyberreview_policy.connectors.api.Connector`; or
        ``"module:name"``, imported when first used.
    :param open: ``open(target, **options)`` returns a
        :class:`~cyberreview_policy.sources.base.Source` for a target (for
        ``file``: a path or ``-``, and ``fmt`` to force a format).
    :param description: one line for ``cyberreview plugins`` and ``sources list``.
    :param example: YAML for ``cyberreview init``: this type's entry as an operator
        writes it under its name (``type:``, ``settings:`` with secrets as
        ``{env: NAME}``, and the ``mappings:`` the system's vocabulary needs); written
        commented out.  Empty: an example made from the settings model.
    """

    name: str
    open: Callable[..., Source] | None = None
    description: str = ""
    config: type[BaseModel] | str | None = None
    connect: Callable[[SourceContext], Connector] | str | None = None
    example: str = ""

    def settings_model(self) -> type[BaseModel] | None:
        """The settings model, imported if given as ``"module:Class"``."""
        model: type[BaseModel] | None = load_ref(self.config)
        return model

    def connector(self) -> Callable[[SourceContext], Connector] | None:
        """What makes a connector, imported if given as ``"module:name"``."""
        factory: Callable[[SourceContext], Connector] | None = load_ref(self.connect)
        return factory


@dataclass(frozen=True)
class StoreType:
    """A case store backend a plugin provides, chosen by URL scheme.

    :param scheme: ``sqlite``, ``postgresql``, ...
    :param open: ``open(url)`` returns a :class:`~cyberreview_policy.cases.CaseStore`;
        raises :class:`~cyberreview_policy.errors.CaseStoreError` if it cannot.
    :param description: one line for ``cyberreview plugins``.
    """

    scheme: str
    open: Callable[[str], CaseStore]
    description: str = ""
