"""cyberreview-policy: policy as code for the PRC Cybersecurity Review regime.

The public Python API::

    from cyberreview_policy import Engine, Record, load_pack

    pack = load_pack(path_to_pack, checks={})
    decision = Engine([pack]).decide(Record.from_json(text), as_of)

Plugins: see :mod:`cyberreview_policy.plugin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.6.0"

__all__ = [
    "Check",
    "CyberreviewError",
    "Decision",
    "Engine",
    "Record",
    "__version__",
    "hookimpl",
    "load_pack",
]

if TYPE_CHECKING:
    from .checks import Check
    from .engine import Engine
    from .errors import CyberreviewError
    from .models.decision import Decision
    from .models.record import Record
    from .plugin import hookimpl
    from .policy.pack import load_pack

_LAZY = {
    "Check": ".checks",
    "CyberreviewError": ".errors",
    "Decision": ".models.decision",
    "Engine": ".engine",
    "Record": ".models.record",
    "hookimpl": ".plugin",
    "load_pack": ".policy.pack",
}


def __getattr__(name: str) -> Any:
    """Import the public names on first use, so ``cyberreview gate`` starts fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
