"""pydantic-core's compiled module, loaded without the package's Python layer.

``import pydantic_core`` costs about 25 ms, nearly all of it the package's
``__init__`` (``typing_extensions`` and the ``core_schema`` helpers), which the
validator does not use; the compiled ``_pydantic_core`` alone loads in about
3 ms.  :func:`core` loads it directly under its own name, so a later
``import pydantic_core`` (by pydantic, in the service) finds and shares it.
Anything unexpected falls back to the plain import.  The names used here
(``SchemaValidator``, ``ValidationError``, ``PydanticCustomError``) are the
package's public API; ``pyproject.toml`` pins the pydantic-core range the
stored schema is tested with.
"""

from __future__ import annotations

import sys
from functools import cache
from types import ModuleType

_NAME = "pydantic_core._pydantic_core"


@cache
def core() -> ModuleType:
    """The compiled pydantic-core module."""
    loaded = sys.modules.get(_NAME)
    if loaded is not None:
        return loaded
    try:
        return _load_extension()
    except Exception:  # an unusual install: the ordinary import works everywhere
        import pydantic_core

        return pydantic_core


def _load_extension() -> ModuleType:
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    package = importlib.util.find_spec("pydantic_core")
    if package is None or not package.submodule_search_locations:
        raise ImportError("pydantic_core is not installed")
    folder = Path(next(iter(package.submodule_search_locations)))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"_pydantic_core{suffix}"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(_NAME, path)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[_NAME] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[_NAME]
                raise
            return module
    raise ImportError(f"no compiled _pydantic_core in {folder}")
