"""The dossier as one ZIP: safe entry names, a deterministic order and timestamps,
a size limit, an index (目录) and a manifest with the SHA-256 of every file.

Entry names are ASCII paths the tool makes (``materials/procurement_documents-v2-
contract.pdf``): a material's own file name only adds its last part, cleaned, so
no name from a case can climb out of the folder it is unpacked into.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import DossierError
from ..i18n.catalog import _
from .document import fixed_info

#: what one dossier may hold, uncompressed (its material is at most 50 MiB a file)
MAX_DOSSIER_BYTES = 256 * 1024 * 1024
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
_NAME_CHARS = 60


@dataclass(frozen=True)
class Entry:
    path: str
    title: str  # what the index calls it
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def safe_part(filename: str, fallback: str = "file") -> str:
    """The last part of ``filename`` in ASCII letters, digits, ``-``, ``_`` and ``.`` (others
    become ``_``), no leading dot, its extension kept, at most 60 characters; a name
    with nothing left is ``fallback`` (with its extension)."""
    base = unicodedata.normalize("NFKC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem.strip("."):
        stem, ext = base, ""
    stem = _clean(stem, "._-").strip("._") or fallback
    ext = _clean(ext, "")[:10]
    stem = stem[: _NAME_CHARS - len(ext) - 1 if ext else _NAME_CHARS]
    return f"{stem}.{ext}" if ext else stem


def _clean(text: str, also: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in also) else "_" for ch in text)


def manifest(entries: list[Entry], meta: Mapping[str, object]) -> bytes:
    data = {
        **meta,
        "files": [
            {"path": e.path, "title": e.title, "size": len(e.content), "sha256": e.sha256}
            for e in entries
        ],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def sums(entries: list[Entry]) -> bytes:
    """``sha256sum -c`` reads it."""
    return "".join(f"{e.sha256}  {e.path}\n" for e in entries).encode()


def zipped(entries: list[Entry], meta: Mapping[str, object]) -> bytes:
    """The entries, then the manifest and the sums of them, in one ZIP (order kept)."""
    paths = [e.path for e in entries]
    if len(set(paths)) != len(paths):
        raise DossierError(_("two files of the dossier have the same name"))  # a bug of ours
    total = sum(len(e.content) for e in entries)
    if total > MAX_DOSSIER_BYTES:
        raise DossierError(
            _(
                "the dossier would hold {total} bytes, more than {MAX_DOSSIER_BYTES}: "
                "export the largest material on its own (cases material)"
            ).format(total=total, MAX_DOSSIER_BYTES=MAX_DOSSIER_BYTES)
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in entries:
            out.writestr(fixed_info(entry.path), entry.content)
        out.writestr(fixed_info(MANIFEST), manifest(entries, meta))
        out.writestr(fixed_info(SUMS), sums(entries))
    return buffer.getvalue()
