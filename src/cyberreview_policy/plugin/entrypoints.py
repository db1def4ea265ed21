"""Entry points of installed distributions, found without :mod:`importlib.metadata`.

Importing ``importlib.metadata`` costs more than the whole rest of
``cyberreview gate`` on a slow disk, so this reads ``entry_points.txt`` files
directly, with the same rules: distributions are found in ``*.dist-info`` and
``*.egg-info`` directories along ``sys.path``, the first of a name wins, and
``module:attr`` values are imported on :meth:`EntryPoint.load`.
``tests/plugin/test_entrypoints.py`` checks it against importlib.metadata.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SUFFIXES = (".dist-info", ".egg-info")
_NORMALIZE = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str
    group: str
    dist: str
    version: str

    def load(self) -> Any:
        module, _, attrs = self.value.partition(":")
        obj: Any = importlib.import_module(module.strip())
        for attr in filter(None, attrs.split("[")[0].strip().split(".")):
            obj = getattr(obj, attr)
        return obj


def _distributions() -> Iterator[tuple[str, str, str]]:
    """(name, version, metadata directory) of each distribution, first on sys.path wins."""
    seen: set[str] = set()
    for base in sys.path:
        try:
            entries = sorted(os.listdir(base or "."))
        except OSError:
            continue
        for entry in entries:
            if not entry.endswith(_SUFFIXES):
                continue
            stem = entry.rsplit(".", 1)[0]  # name-version[-pyX.Y], name escaped with _
            name, _, version = stem.partition("-")
            key = _NORMALIZE.sub("_", name).lower()
            if key in seen:
                continue
            seen.add(key)
            yield name, version.split("-")[0], os.path.join(base or ".", entry)


def _metadata(path: str, name: str, version: str) -> tuple[str, str]:
    """The display name and version from the METADATA (or PKG-INFO) headers."""
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(path, filename), encoding="utf-8") as stream:
                for line in stream:
                    if not line.strip():
                        break
                    key, _, value = line.partition(":")
                    if key == "Name":
                        name = value.strip()
                    elif key == "Version":
                        version = value.strip()
            break
        except OSError:
            continue
    return name, version


def _parse(text: str) -> Iterator[tuple[str, str, str]]:
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif group is not None and "=" in line:
            name, _, value = line.partition("=")
            yield group, name.strip(), value.strip()


def entry_points(group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    for dist, version, path in _distributions():
        try:
            with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as stream:
                text = stream.read()
        except OSError:
            continue
        matching = [(name, value) for ep_group, name, value in _parse(text) if ep_group == group]
        if matching:
            shown, number = _metadata(path, dist, version)
            found.extend(EntryPoint(name, value, group, shown, number) for name, value in matching)
    return found
