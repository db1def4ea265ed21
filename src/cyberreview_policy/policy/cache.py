"""A cache of validated packs and law files, so that a gate neither parses YAML
nor builds the policy models on every run (what ``.pyc`` files are to Python
source).

An entry is the validated, normalised data of a pack's manifest and rule files
(or of a ``law.yaml``), as JSON, keyed by a digest of the contents of every
YAML file in the pack (or of the file) and the tool's version.  Any edit
misses the cache; a miss or an unreadable entry just means the pack is loaded
from YAML.  Entries live under
``$CYBERREVIEW_HOME/cache/packs``; ``CYBERREVIEW_NO_CACHE=1`` turns it off.

Beside each pack's entry, keyed the same way, its compiled Python code
(:mod:`..engine.codegen`): the digest of the generated source, then the code
object marshalled, as a ``.pyc`` holds it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import __version__
from ..env import NO_CACHE_ENV, home_dir, private_dir
from ..sha256 import sha256

_FORMAT = 1


def _cache_dir() -> Path | None:
    if os.environ.get(NO_CACHE_ENV):
        return None
    return home_dir() / "cache" / "packs"


def fingerprint(source: Path) -> str:
    """A digest of a YAML file, or of every YAML file in a directory, and the tool's version."""
    digest = sha256(f"{__version__}/{_FORMAT}".encode())
    if source.is_file():
        digest.update(source.read_bytes())
        return digest.hexdigest()
    for root, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                path = Path(root) / name
                digest.update(str(path.relative_to(source)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
        if "$decimal" in obj:
            return Decimal(obj["$decimal"])
    return obj


def _prefix(source: Path) -> str:
    """Entries of one source share a prefix: its name and where it is."""
    where = sha256(str(source.resolve()).encode()).hexdigest()[:8]
    return f"{source.name}-{where}"


def _entry(source: Path, suffix: str = ".json") -> Path | None:
    base = _cache_dir()
    if base is None:
        return None
    try:
        return base / f"{_prefix(source)}-{fingerprint(source)[:32]}{suffix}"
    except OSError:
        return None


def load(source: Path) -> dict[str, Any] | None:
    """The cached data of a pack directory or a YAML file, or ``None``."""
    entry = _entry(source)
    if entry is None:
        return None
    try:
        data: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        return None
    return data


def store(source: Path, data: dict[str, Any]) -> None:
    """Write an entry atomically; a cache that cannot be written is not an error."""
    _write(source, ".json", json.dumps(data, default=_encode).encode())


_CODE = ".code"


def load_code(source: Path, digest: bytes) -> bytes | None:
    """The marshalled code cached for the pack ``source`` if it was compiled from the
    source whose SHA-256 is ``digest``, else ``None``."""
    entry = _entry(source, _CODE)
    if entry is None:
        return None
    try:
        with entry.open("rb") as stream:
            if not _private(os.fstat(stream.fileno())):
                return None
            data = stream.read()
    except OSError:
        return None
    return data[len(digest) :] if data.startswith(digest) else None


def _private(stat: os.stat_result) -> bool:
    """Code is loaded only from a file of this user that no one else may write (the
    digest guards against a stale entry, not a forged one)."""
    if os.name != "posix":
        return True
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def store_code(source: Path, digest: bytes, code: bytes) -> None:
    _write(source, _CODE, digest + code)


def _write(source: Path, suffix: str, data: bytes) -> None:
    """Write an entry atomically, removing the source's older ones of this kind; a cache
    that cannot be written is not an error."""
    entry = _entry(source, suffix)
    if entry is None:
        return
    import tempfile

    try:
        private_dir(entry.parent)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(data)
        os.replace(tmp.name, entry)
        for stale in entry.parent.glob(f"{_prefix(source)}-*{suffix}"):
            if stale != entry:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
