"""The packs plugins registered, by id, and which apply on a date.

Manifests are read when the catalog is built (cheap); rules are compiled
only for the packs an evaluation uses.  Families are checked here: every
registered version of a family must follow the one before it, without gap or
overlap, from the day the family starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..checks import Check
from ..errors import Location, PolicyError, UnknownPackError
from ..i18n.catalog import _
from .law import Law, Version, check_families, merged
from .pack import MANIFEST, Pack, PackInfo, load_pack, read_manifest


@dataclass(frozen=True)
class PackEntry:
    path: Path
    manifest: PackInfo
    plugin: str

    @property
    def validity(self) -> str:
        return self.manifest.validity


class Catalog:
    """Registered packs and law, plus the errors of what could not be read."""

    def __init__(
        self,
        dirs: Mapping[Path, str],
        checks: Mapping[str, Check],
        law_files: Iterable[Path] = (),
    ):
        self.checks = checks
        self.entries: dict[str, PackEntry] = {}
        self.errors: list[tuple[str, PolicyError]] = []  # (plugin, error)
        self._loaded: dict[Path, Pack] = {}
        try:
            self.law = merged(law_files)
        except PolicyError as exc:
            self.law = Law()
            self.errors.append(("law", exc))
        for path, plugin in dirs.items():
            self._add(path, plugin)
        for error in check_families(self._versions(), self.law):
            self.errors.append((self._plugin_at(error.location), error))

    def _add(self, path: Path, plugin: str) -> None:
        try:
            manifest = read_manifest(path)
        except PolicyError as exc:
            self.errors.append((plugin, exc))
            return
        other = self.entries.get(manifest.id)
        if other is not None:
            self.errors.append(
                (
                    plugin,
                    PolicyError(
                        _("pack id {id} is also registered by {plugin} ({path})").format(
                            id=repr(manifest.id), plugin=repr(other.plugin), path=other.path
                        ),
                        Location(path / MANIFEST),
                    ),
                )
            )
            return
        self.entries[manifest.id] = PackEntry(path, manifest, plugin)

    def _versions(self) -> list[Version]:
        return [
            Version(
                e.manifest.id,
                e.manifest.family,
                e.manifest.effective_from,
                e.manifest.effective_to,
                Location(e.path / MANIFEST),
            )
            for e in self.entries.values()
        ]

    def _plugin_at(self, where: Location | None) -> str:
        for entry in self.entries.values():
            if where is not None and where.file == str(entry.path / MANIFEST):
                return entry.plugin
        return "law"

    def describe(self) -> str:
        if not self.entries:
            return _("no packs are registered")
        return "; ".join(f"{pid} ({entry.validity})" for pid, entry in sorted(self.entries.items()))

    def entry(self, pin: str) -> PackEntry:
        """A pack by id (optionally ``ID@VERSION``), or by the path of a pack directory."""
        pack_id, _sep, version = pin.partition("@")
        if pack_id in self.entries:
            entry = self.entries[pack_id]
            if version and version != entry.manifest.version:
                raise UnknownPackError(
                    _("pack {pack_id} is registered in version {version}, not {version2}").format(
                        pack_id=pack_id, version=entry.manifest.version, version2=version
                    )
                )
            return entry
        path = Path(pin)
        if path.exists():  # a directory: a pack, or an error saying why not
            return PackEntry(path, read_manifest(path), "--pack")
        raise UnknownPackError(
            _("unknown pack {pin}; available: {value}").format(pin=repr(pin), value=self.describe())
        )

    def load(self, entry: PackEntry) -> Pack:
        pack = self._loaded.get(entry.path)
        if pack is None:
            pack = self._loaded[entry.path] = load_pack(entry.path, self.checks, self.law)
        return pack

    def in_force(self, on: dt.date) -> list[PackEntry]:
        """From every family that applies, its version in force; and unfamilied packs in force."""
        chosen: list[PackEntry] = []
        for family in sorted(self.law.families.values(), key=lambda f: f.id):
            if not family.applies(on):
                continue
            versions = [
                e
                for e in self.entries.values()
                if e.manifest.family == family.id and e.manifest.in_force(on)
            ]
            if not versions:
                raise UnknownPackError(
                    _(
                        "family {id} ({title}) applies on {on}, but no version of it is "
                        "registered for that date"
                    ).format(id=family.id, title=family.title, on=on)
                )
            chosen.extend(versions)
        chosen.extend(
            e
            for _, e in sorted(self.entries.items())
            if e.manifest.family is None and e.manifest.in_force(on)
        )
        return chosen

    def select(self, pins: Sequence[str], on: dt.date) -> list[Pack]:
        """The packs to decide with: the pinned ones, or from every family the one in force.

        Without pins, a registered pack or law file that cannot be read is an
        error: it might have been the one in force, and a gate must not pass
        for it.
        """
        if pins:
            entries = [self.entry(pin) for pin in pins]
        else:
            if self.errors:
                plugin, error = self.errors[0]
                raise PolicyError(
                    _("registered by {plugin}: {error}").format(plugin=repr(plugin), error=error)
                )
            entries = self.in_force(on)
            if not entries:
                raise UnknownPackError(
                    _(
                        "no policy pack is in force on {on}; registered: {value} (use --as-of or "
                        "--pack)"
                    ).format(on=on, value=self.describe())
                )
        return [self.load(entry) for entry in entries]
