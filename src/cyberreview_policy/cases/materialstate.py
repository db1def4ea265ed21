"""Material on a case: versions kept apart, returned byte for byte, never logged.

A second file of a kind is that kind's next version; the same file again is
refused (it is on file).  Empty files are refused, and so is material for a
closed case (the Office's notices excepted, through ``cases notice``).  A file
may answer a supplement request of the Office (``answers``: its reference).
The audit trail records kind, version, size and SHA-256: never the content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from ..errors import MaterialError, TransitionError, UnknownMaterialError
from ..i18n.catalog import _
from .base import MATERIAL_KINDS, MAX_MATERIAL_BYTES, Case, Material
from .lifecycle import check_date, shown_state
from .sqlparts import SqlPart, case_id, parse_case_id

#: versions of a kind; the Office request a file answers
MATERIAL_MIGRATION = """
ALTER TABLE materials ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE materials ADD COLUMN answers TEXT;
UPDATE materials SET version = (
    SELECT COUNT(*) FROM materials AS older
    WHERE older.case_seq = materials.case_seq AND older.kind = materials.kind
    AND (older.attached_on < materials.attached_on
         OR (older.attached_on = materials.attached_on AND older.sha256 <= materials.sha256))
);
CREATE UNIQUE INDEX material_versions ON materials (case_seq, kind, version);
"""

_COLUMNS = "kind, filename, size, sha256, attached_on, actor, version, answers"


def parse_name(name: str) -> tuple[str, int | None]:
    """``KIND`` (the newest version) or ``KIND@VERSION``."""
    kind, _sep, version = name.partition("@")
    if kind not in MATERIAL_KINDS:
        raise MaterialError(
            _("unknown material kind {kind}; kinds: {value}").format(
                kind=repr(kind), value=", ".join(MATERIAL_KINDS)
            )
        )
    if version and not (version.isdigit() and int(version) > 0):
        raise MaterialError(
            _("{name}: a version is a number, as in {kind}@2").format(name=repr(name), kind=kind)
        )
    return kind, int(version) if version else None


class MaterialState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def _insert_material(
        self,
        case: Case,
        kind: str,
        filename: str,
        content: bytes,
        *,
        on: dt.date,
        actor: str,
        answers: str | None = None,
    ) -> Material:
        """Inside the caller's transaction: the next version of ``kind``, its event and
        its audit entry."""
        if kind not in MATERIAL_KINDS:
            raise MaterialError(
                _("unknown material kind {kind}; kinds: {value}").format(
                    kind=repr(kind), value=", ".join(MATERIAL_KINDS)
                )
            )
        if not content:
            raise MaterialError(
                _("{filename} is empty: attach the file with its content").format(filename=filename)
            )
        if len(content) > MAX_MATERIAL_BYTES:
            raise MaterialError(
                _("{filename} is larger than {value} MB").format(
                    filename=filename, value=MAX_MATERIAL_BYTES // 2**20
                )
            )
        sha = hashlib.sha256(content).hexdigest()
        seq = parse_case_id(case.id)
        rows = self._execute(
            "SELECT version, sha256 FROM materials WHERE case_seq = ? AND kind = ?", (seq, kind)
        ).fetchall()
        same = [version for version, digest in rows if digest == sha]
        if same:
            raise MaterialError(
                _("case {id}: this file is on file already as {kind}@{same}").format(
                    id=case.id, kind=kind, same=same[0]
                )
            )
        version = max((row[0] for row in rows), default=0) + 1
        self._execute(
            f"INSERT INTO materials (case_seq, {_COLUMNS}, content) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                kind,
                filename,
                len(content),
                sha,
                on.isoformat(),
                actor,
                version,
                answers,
                content,
            ),
        )
        material = Material(kind, filename, len(content), sha, on, actor, version, answers)
        details = {"material": kind, "version": version, "sha256": sha, "size": len(content)}
        if answers:
            details["answers"] = answers
        self._add_event(seq, "attach", on, actor, details=details)
        self._append_audit(
            "case.attached",
            actor,
            subject=case.id,
            pack=case.pack,
            details={**details, "on": on.isoformat()},
        )
        return material

    def attach(
        self,
        case_id: str,
        kind: str,
        filename: str,
        content: bytes,
        *,
        on: dt.date,
        actor: str,
        answers: str | None = None,
    ) -> Material:
        with self._guard("attaching material"), self._write():
            case = self._locked(case_id)
            if not case.is_open:
                raise TransitionError(
                    _(
                        "case {id} is {state}: material is attached to open cases (record the "
                        "Office's letters with cases notice)"
                    ).format(id=case.id, state=shown_state(case.state))
                )
            check_date(case.id, on, [], self._today())
            if answers is not None:
                asked = {
                    e.details.get("ref")
                    for e in case.notices()
                    if e.details.get("notice") == "supplement_request"
                }
                if answers not in asked:
                    known = ", ".join(sorted(str(ref) for ref in asked)) or "none on file"
                    raise MaterialError(
                        _(
                            "case {id}: no supplement request {answers} (the Office's requests: "
                            "{known})"
                        ).format(id=case.id, answers=repr(answers), known=known)
                    )
            return self._insert_material(
                case, kind, filename, content, on=on, actor=actor, answers=answers
            )

    def material(self, case_id: str, kind: str) -> list[tuple[Material, bytes]]:
        """Every version of ``kind`` on the case, oldest first, with its content."""
        seq = parse_case_id(case_id)
        self.get(case_id)  # an unknown case is an UnknownCaseError, not an empty list
        with self._guard("reading material"):
            rows = self._execute(
                f"SELECT {_COLUMNS}, content FROM materials WHERE case_seq = ? AND kind = ? "
                "ORDER BY version",
                (seq, kind),
            ).fetchall()
        return [
            (
                Material(k, name, size, sha, dt.date.fromisoformat(on), actor, version, answers),
                bytes(content),
            )
            for k, name, size, sha, on, actor, version, answers, content in rows
        ]

    def material_named(self, case_id: str, name: str) -> tuple[Material, bytes]:
        """``KIND`` (its newest version) or ``KIND@VERSION``, byte for byte."""
        kind, version = parse_name(name)
        versions = self.material(case_id, kind)
        if not versions:
            raise UnknownMaterialError(
                _("case {case_id} has no {kind} on file").format(case_id=case_id, kind=kind)
            )
        if version is None:
            return versions[-1]
        for material, content in versions:
            if material.version == version:
                return material, content
        raise UnknownMaterialError(
            _("case {case_id} has {kind} versions 1 to {count}, not {version}").format(
                case_id=case_id, kind=kind, count=len(versions), version=version
            )
        )

    def material_digests(self) -> Iterator[tuple[str, str, str, str]]:
        """(case id, kind, the SHA-256 recorded, the SHA-256 of the content) of every
        material (every version), one content in memory at a time: what ``audit verify``
        checks the stored files against."""
        with self._guard("reading material"), self._unhurried():
            keys = self._execute(
                "SELECT case_seq, kind, version, sha256 FROM materials "
                "ORDER BY case_seq, kind, version"
            ).fetchall()
            for seq, kind, version, sha in keys:
                row = self._execute(
                    "SELECT content FROM materials WHERE case_seq = ? AND kind = ? AND version = ?",
                    (seq, kind, version),
                ).fetchone()
                yield case_id(seq), kind, sha, hashlib.sha256(bytes(row[0])).hexdigest()
