"""The packs plugins registered, by id, and which apply on a date.

Manifests are read when the catalog is built (cheap); rules are compiled
only for the packs an evaluation uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..checks import Check
from ..errors import PolicyError, UnknownPackError
from .pack import Pack, PackInfo, load_pack, read_manifest


@dataclass(frozen=True)
class PackEntry:
    path: Path
    manifest: PackInfo
    plugin: str

    @property
    def validity(self) -> str:
        return self.manifest.validity


class Catalog:
    """Registered packs, plus the errors of those that could not be read."""

    def __init__(self, dirs: Mapping[Path, str], checks: Mapping[str, Check]):
        self.checks = checks
        self.entries: dict[str, PackEntry] = {}
        self.errors: list[tuple[str, PolicyError]] = []  # (plugin, error)
        self._loaded: dict[Path, Pack] = {}
        for path, plugin in dirs.items():
            try:
                manifest = read_manifest(path)
            except PolicyError as exc:
                self.errors.append((plugin, exc))
                continue
            other = self.entries.get(manifest.id)
            if other is not None:
                self.errors.append(
                    (
                        plugin,
                        PolicyError(
                            f"pack id {manifest.id!r} is also registered by plugin "
                            f"{other.plugin!r} ({other.path})",
                            None,
                        ),
                    )
                )
                continue
            self.entries[manifest.id] = PackEntry(path, manifest, plugin)

    def describe(self) -> str:
        if not self.entries:
            return "no packs are registered"
        return "; ".join(f"{pid} ({entry.validity})" for pid, entry in sorted(self.entries.items()))

    def entry(self, pin: str) -> PackEntry:
        """A pack by id, or by the path of a pack directory."""
        if pin in self.entries:
            return self.entries[pin]
        path = Path(pin)
        if path.exists():  # a directory: a pack, or an error saying why not
            return PackEntry(path, read_manifest(path), "--pack")
        raise UnknownPackError(f"unknown pack {pin!r}; available: {self.describe()}")

    def load(self, entry: PackEntry) -> Pack:
        pack = self._loaded.get(entry.path)
        if pack is None:
            pack = self._loaded[entry.path] = load_pack(entry.path, self.checks)
        return pack

    def in_force(self, on: dt.date) -> list[PackEntry]:
        return [e for _, e in sorted(self.entries.items()) if e.manifest.in_force(on)]

    def select(self, pins: Sequence[str], on: dt.date) -> list[Pack]:
        """The packs to decide with: the pinned ones, or every pack in force ``on``.

        Without pins, a registered pack that cannot be read is an error: it
        might have been the one in force, and a gate must not pass for it.
        """
        if pins:
            entries = [self.entry(pin) for pin in pins]
        else:
            if self.errors:
                plugin, error = self.errors[0]
                raise PolicyError(f"pack registered by plugin {plugin!r} is broken: {error}")
            entries = self.in_force(on)
            if not entries:
                raise UnknownPackError(
                    f"no policy pack is in force on {on}; registered: {self.describe()} "
                    "(use --as-of or --pack)"
                )
        families: dict[str, str] = {}
        for entry in entries:
            family = entry.manifest.family
            if family and family in families and not pins:
                raise PolicyError(
                    f"packs {families[family]} and {entry.manifest.id} of family {family!r} "
                    f"are both in force on {on}: their validity must not overlap"
                )
            if family:
                families[family] = entry.manifest.id
        return [self.load(entry) for entry in entries]
