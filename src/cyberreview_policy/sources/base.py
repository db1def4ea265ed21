"""The source interface: what the host reads records through.

A source yields :class:`Item`\\ s, each a validated record or the reason a
record could not be read (with its location), and raises
:class:`~cyberreview_policy.errors.SourceError` when it cannot go on: the run
is then incomplete, never silently "all clear".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import Location, RecordError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..connectors.api import Connector, SourceContext
    from ..models.record import Record


@dataclass(slots=True)
class Item:
    """One record read from a source, or why it could not be."""

    location: Location
    record: Record | None = None
    error: RecordError | None = None
    problems: tuple[str, ...] = ()  # values of the wrong type, decided as unknown


class Source(Protocol):
    """An opened source: ``name`` for reports, ``read()`` streams its items."""

    name: str

    def read(self) -> Iterator[Item]: ...


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
    :param open: ``open(target, **options)`` returns a :class:`Source` for a
        target (for ``file``: a path or ``-``, and ``fmt`` to force a format).
    :param description: one line for ``cyberreview plugins`` and ``sources list``.
    """

    name: str
    open: Callable[..., Source] | None = None
    description: str = ""
    config: type[BaseModel] | str | None = None
    connect: Callable[[SourceContext], Connector] | str | None = None

    def settings_model(self) -> type[BaseModel] | None:
        """The settings model, imported if given as ``"module:Class"``."""
        model: type[BaseModel] | None = _load(self.config)
        return model

    def connector(self) -> Callable[[SourceContext], Connector] | None:
        """What makes a connector, imported if given as ``"module:name"``."""
        factory: Callable[[SourceContext], Connector] | None = _load(self.connect)
        return factory


def _load(ref: Any) -> Any:
    if not isinstance(ref, str):
        return ref
    import importlib

    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)
