"""Opening cases: never two open for a record and kind, never again for facts that
were closed, and reviews already running in a source adopted with its dates.

A case keeps the digest of the facts that opened it (:attr:`.base.Case.facts_digest`).
Once closed, the same record, kind and rule open no new case while those facts
stay the same; when they change, a new case opens and the two link each other
(``reopens`` on the new case's opening, ``reopened_by`` on the old case).  A case
closed before 0.7 has no digest: the first request after the upgrade records
its facts on it, and it stays closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import CaseStoreError
from ..i18n.catalog import _
from .base import Adopted, Case, CaseRequest
from .lifecycle import ENDED_STATES
from .sqlparts import SqlPart, case_id, dumps, now

_ENDED = ", ".join(f"'{state}'" for state in ENDED_STATES)

#: assessed and remediated close cases: the one-open-case index learns them
CLOSING_MIGRATION = f"""
ALTER TABLE cases ADD COLUMN facts_digest TEXT;
DROP INDEX one_open_case;
CREATE UNIQUE INDEX one_open_case ON cases (record_key, kind) WHERE state NOT IN ({_ENDED});
CREATE INDEX cases_rule ON cases (record_key, kind, rule);
"""

_COLUMNS = (
    "seq, record_key, record_id, kind, state, rule, pack, opened_on, "
    "created_at, updated_at, summary, record_digest, facts_digest"
)
_INSERT = (
    "INSERT INTO cases (record_key, record_id, kind, state, rule, pack, opened_on, "
    "created_at, updated_at, summary, record_digest, facts_digest) "
    f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}"
)


class OpenState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def _case(self, row: Sequence[Any], events: Sequence[Any] = (), materials: Any = ()) -> Case:
        raise NotImplementedError

    def _open_row(self, request: CaseRequest) -> Any:
        return self._execute(
            f"SELECT {_COLUMNS} FROM cases WHERE record_key = ? AND kind = ? "
            f"AND state NOT IN ({_ENDED})",
            (request.record_key, request.kind),
        ).fetchone()

    def _closed_row(self, request: CaseRequest) -> Any:
        """The newest closed case of the record and kind (and rule, unless opened by hand)."""
        query = (
            f"SELECT {_COLUMNS} FROM cases WHERE record_key = ? AND kind = ? "
            f"AND state IN ({_ENDED})"
        )
        params: list[Any] = [request.record_key, request.kind]
        if request.facts_digest is not None:
            query += " AND rule = ?"
            params.append(request.rule)
        return self._execute(query + " ORDER BY seq DESC LIMIT 1", params).fetchone()

    def _insert(self, request: CaseRequest, state: str) -> Any:
        stamp = now().isoformat()
        return self._execute(
            _INSERT,
            (
                request.record_key,
                request.record_id,
                request.kind,
                state,
                request.rule,
                request.pack,
                request.opened_on.isoformat(),
                stamp,
                stamp,
                dumps(request.summary),
                request.record_digest,
                request.facts_digest,
            ),
        ).fetchone()

    def open_case(self, request: CaseRequest, actor: str) -> tuple[Case, bool]:
        """The open case for the request's record and kind, or the closed case that
        already answered these facts; ``True`` if a case was created now."""
        with self._guard("opening a case"):
            row = self._open_row(request)  # the common case on a rerun: no write at all
            if row is not None:
                return self._case(row), False
            with self._write():
                closed = self._closed_row(request)
                if closed is not None and request.facts_digest is not None:
                    if closed[12] is None:  # closed before 0.7: these facts are its facts
                        self._record_facts(closed, request, actor)
                        return self._case(closed), False
                    if closed[12] == request.facts_digest:
                        return self._case(closed), False
                # The partial unique index decides a race: the loser inserts nothing.
                row = self._insert(request, "open")
                if row is not None:
                    self._opened(row[0], request, actor, closed)
                    return self._case(row), True
            row = self._open_row(request)
            if row is None:  # the winner's case cannot vanish: cases are never deleted
                raise CaseStoreError(
                    _("case store {name}: the open case disappeared").format(name=self.name)
                )
            return self._case(row), False

    def _record_facts(self, closed: Sequence[Any], request: CaseRequest, actor: str) -> None:
        self._execute(
            "UPDATE cases SET facts_digest = ? WHERE seq = ?", (request.facts_digest, closed[0])
        )
        self._append_audit(
            "case.facts",
            actor,
            subject=case_id(closed[0]),
            pack=closed[6],
            record_digest=request.record_digest,
            details={"facts_digest": request.facts_digest, "rule": request.rule},
        )

    def _opened(
        self,
        seq: int,
        request: CaseRequest,
        actor: str,
        closed: Sequence[Any] | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """The opening event, the link to the case it reopens, the audit entry."""
        link = {"reopens": case_id(closed[0])} if closed is not None else {}
        self._add_event(
            seq, "opened", request.opened_on, actor, to_state="open", details=link or None
        )
        if closed is not None:
            self._add_event(
                closed[0],
                "reopened",
                request.opened_on,
                actor,
                note="the facts that decided it changed: a new case is open",
                details={"reopened_by": case_id(seq)},
            )
        self._append_audit(
            "case.opened",
            actor,
            subject=case_id(seq),
            pack=request.pack,
            record_digest=request.record_digest,
            details={
                "kind": request.kind,
                "rule": request.rule,
                "record": request.record_id,
                "key": request.record_key,
                "opened_on": request.opened_on.isoformat(),
                "facts_digest": request.facts_digest,
                **link,
                **(details or {}),
            },
        )

    def adopt(self, request: CaseRequest, steps: Sequence[Adopted], actor: str) -> Case | None:
        """Open a review case already in the state the source says, with its steps:
        ``None`` when the record has a live case of the kind (someone was quicker)."""
        if not steps:
            raise CaseStoreError(_("adopting a review needs the state it is in"))
        with self._guard("adopting a review"), self._write():
            if self._open_row(request) is not None:
                return None
            row = self._insert(request, steps[-1].state)
            if row is None:
                return None
            seq = row[0]
            adopted = [step.to_json() for step in steps]
            self._opened(seq, request, actor, None, {"adopted": adopted, "state": steps[-1].state})
            previous = "open"
            for step in steps:
                self._add_event(
                    seq,
                    "transition",
                    step.on,
                    actor,
                    from_state=previous,
                    to_state=step.state,
                    note="adopted from the source" if step.recorded else "not recorded",
                    details={"adopted": True, **({} if step.recorded else {"recorded": False})},
                )
                previous = step.state
        return self.get(case_id(seq))

    def refresh_summary(self, case_id_text: str, summary: dict[str, Any], actor: str) -> None:
        """What the case shows of its record, when the record changed (one write, audited
        with the names of the fields that changed and the planned go-live)."""
        case = self.get(case_id_text)
        changed = sorted(k for k in summary if case.summary.get(k) != summary[k])
        if not changed:
            return
        with self._guard("updating a case"), self._write():
            seq = int(case.id[3:])
            self._execute(
                "UPDATE cases SET summary = ?, updated_at = ? WHERE seq = ?",
                (dumps({**case.summary, **summary}), now().isoformat(), seq),
            )
            self._append_audit(
                "case.record",
                actor,
                subject=case.id,
                pack=case.pack,
                details={"fields": changed, "planned_date": summary.get("planned_date")},
            )
