"""Built-in plugin: the policy packs shipped with cyberreview-policy.

In an installed distribution they live in ``cyberreview_policy/_packs`` (the
repository's ``policies/`` directory, copied in by the build); in a source
checkout they are read from ``policies/`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..plugin import hookimpl

_HERE = Path(__file__).resolve().parent.parent


def shipped_packs_root() -> Path | None:
    for root in (_HERE / "_packs", _HERE.parent.parent / "policies"):
        if root.is_dir():
            return root
    return None


@hookimpl
def cyberreview_register_law(register: Callable[[Path], None]) -> None:
    root = shipped_packs_root()
    if root is not None and (root / "law.yaml").is_file():
        register(root / "law.yaml")


@hookimpl
def cyberreview_register_packs(register: Callable[[Path], None]) -> None:
    root = shipped_packs_root()
    if root is None:
        return
    for pack in sorted(root.iterdir()):
        if (pack / "pack.yaml").is_file():
            register(pack)
