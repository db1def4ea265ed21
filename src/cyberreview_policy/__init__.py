"""cyberreview-policy: policy as code for the PRC Cybersecurity Review regime.

The public Python API::

    from cyberreview_policy import Engine, load_pack, parse_record

    pack = load_pack(path_to_pack, checks={})
    decision = Engine([pack]).decide(parse_record(text), as_of)

``Record`` is the record's pydantic model (its JSON Schema, ``Record.from_json``);
``parse_record`` validates JSON text with the runtime's one validator.

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
    "parse_record",
]

if TYPE_CHECKING:
    from .checks import Check
    from .engine.core import Engine
    from .errors import CyberreviewError
    from .models.decision import Decision
    from .models.record import Record
    from .models.validate import from_json as parse_record
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
    "parse_record": ".models.validate",
}


def __getattr__(name: str) -> Any:
    """Import the public names on first use, so ``cyberreview gate`` starts fast."""
    if name in _LAZY:
        import importlib

        attr = {"parse_record": "from_json"}.get(name, name)
        return getattr(importlib.import_module(_LAZY[name], __name__), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
