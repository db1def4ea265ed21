"""Test kit for connector authors, shipped as a pytest plugin.

- :class:`SourceContract`: the contract tests a connector's test class inherits;
- :class:`FaultServer`, :class:`Fault`, :class:`Reply`, :class:`Request`: a
  local HTTP server that fakes a system or proxies a real one, injecting faults;
- :mod:`.cli`: ``Operator`` and ``Run``, the installed command run in a fresh
  ``CYBERREVIEW_HOME``, for end-to-end tests;
- :func:`source_context`: what the host hands a connector, to unit-test it
  without the kit;
- fixtures (registered by the ``pytest11`` entry point): ``fault_server``.

Names load on first use, so the pytest plugin costs nothing in projects that
do not use it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .contract import SourceContract
    from .faults import Fault, FaultServer, Reply, Request
    from .reads import ReadResult
    from .unit import source_context

_NAMES = {
    "SourceContract": ".contract",
    "ReadResult": ".reads",
    "FaultServer": ".faults",
    "Fault": ".faults",
    "Reply": ".faults",
    "Request": ".faults",
    "source_context": ".unit",
}

__all__ = [
    "Fault",
    "FaultServer",
    "ReadResult",
    "Reply",
    "Request",
    "SourceContract",
    "source_context",
]


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_NAMES[name], __name__), name)
