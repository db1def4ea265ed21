"""The ServiceNow connector: check, read and fetch CIs and hardware assets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cyberreview_policy.connectors import (
    Checkpoint,
    CheckResult,
    HttpError,
    SourceContext,
    paging,
)

from . import wire
from .records import (
    SYS_ID,
    Cursor,
    ServiceNowError,
    TableRead,
    dump_checkpoint,
    load_checkpoint,
    read_fields,
    record,
)
from .settings import ServiceNowSettings

PROBE_ROWS = 10  # rows a probe of field names looks at (ACLs may hide the first)


@dataclass
class Probe:
    """What one table says about the fields the settings name."""

    rows: int  # rows the probe could read (0: nothing to tell field names by)
    unknown_in_query: list[str]  # fields the query names that the table does not have
    present: set[str]  # of the mapped and extra fields, those the table has


class ServiceNowConnector:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, ServiceNowSettings)
        self.settings = settings
        self.logger = ctx.logger
        headers, self.who = wire.credentials(ctx, settings)
        self.inspector = wire.Inspector(settings.instance)
        self.http = ctx.http(
            settings.instance,
            headers={**headers, "Accept": "application/json"},
            error_hook=self.inspector,
        )
        self.query_fields, self.odd_terms = wire.query_fields(settings.query)
        self._probes: dict[str, Probe] = {}

    # -- requests -------------------------------------------------------------------

    def _path(self, table: str) -> str:
        return f"{wire.TABLE_API}{table}"

    def _params(self, table: str, query: str, limit: int, **more: Any) -> dict[str, Any]:
        fields = read_fields(table, self.settings.fields, self.settings.extra_fields)
        return {
            "sysparm_query": query,
            "sysparm_fields": ",".join(fields),
            "sysparm_display_value": "false",
            "sysparm_exclude_reference_link": "true",
            "sysparm_limit": limit,
            **more,
        }

    def probe(self, table: str) -> Probe:
        """Which of the fields the settings name ``table`` has: ServiceNow leaves a field
        it does not know out of an answer, and ignores a query term that names one."""
        found = self._probes.get(table)
        if found is not None:
            return found
        mapped = [*self.settings.fields, *self.settings.extra_fields]
        names = list(dict.fromkeys(["sys_id", *self.query_fields, *mapped]))
        body = self.http.get(
            self._path(table),
            params={
                "sysparm_fields": ",".join(names),
                "sysparm_limit": PROBE_ROWS,
                "sysparm_exclude_reference_link": "true",
            },
        )
        rows = [row for row in body["result"] if isinstance(row, dict)]
        present = set().union(*(row.keys() for row in rows)) if rows else set(names)
        found = Probe(
            len(rows),
            [name for name in self.query_fields if name not in present],
            {name for name in mapped if name in present},
        )
        self._probes[table] = found
        return found

    def _query_problem(self, table: str) -> str | None:
        """Why the configured query cannot be trusted on ``table`` (``None``: it can)."""
        if self.odd_terms:
            terms = ", ".join(repr(t) for t in self.odd_terms)
            return (
                f"query term(s) {terms} name no field: ServiceNow would ignore them "
                "silently (or, with glide.invalid_query.returns_no_rows, return nothing)"
            )
        unknown = self.probe(table).unknown_in_query if self.query_fields else []
        if unknown:
            return (
                f"query names {', '.join(unknown)}, which {table} does not have: ServiceNow "
                "would ignore those terms silently (or, with "
                "glide.invalid_query.returns_no_rows, return nothing)"
            )
        return None

    def _require_query(self, table: str) -> None:
        if not self.settings.query:
            return
        problem = self._query_problem(table)
        if problem:
            raise ServiceNowError(problem)
        if self.query_fields and not self.probe(table).rows:
            self.logger.warning(
                "%s: no row %s may read to check the query's fields against", table, self.who
            )

    # -- the connector ------------------------------------------------------------

    def check(self) -> CheckResult:
        counts: dict[str, int] = {}
        problems: list[str] = []
        notes: list[str] = []
        has: set[str] = set()
        table = self.settings.tables[0]
        try:
            for table in self.settings.tables:
                probe = self.probe(table)
                problem = self._query_problem(table)
                if problem:
                    problems.append(f"{table}: {problem}")
                    continue
                if not probe.rows:
                    notes.append(f"{table} has no row {self.who} may read")
                has |= probe.present
                params = self._params(table, wire.scoped(self.settings.query), 1)
                response, body = self.http.request("GET", self._path(table), params=params)
                counts[table] = int(response.headers.get("X-Total-Count") or len(body["result"]))
        except HttpError as exc:
            return CheckResult(False, self._explain(exc, table))
        if problems:
            return CheckResult(False, "; ".join(problems))
        missing = [name for name in self.settings.fields if name not in has]
        if missing:
            notes.append(f"no table has {', '.join(missing)}")
        scope = ", ".join(f"{t} {n}" for t, n in counts.items())
        message = f"connected to {self.settings.instance} as {self.who}; rows in scope: {scope}"
        return CheckResult(
            True, message + "".join(f"; {n}" for n in notes), {"rows": counts, "notes": notes}
        )

    def _explain(self, exc: HttpError, table: str) -> str:
        if exc.status == 401:
            return f"ServiceNow refused {self.who} at {self.settings.instance}: {exc}"
        if exc.status == 403:
            return f"{self.who} may not read {table}: {exc}"
        if exc.status == 400 and "Invalid table" in str(exc):
            return f"{table} is not a table on {self.settings.instance} (see tables): {exc}"
        return str(exc)

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        """Every row of every table changed since the checkpoint, oldest change first,
        paged by the ``Link`` header: a page that comes back short (ACLs), repeats a row
        or is empty loses nothing."""
        start = load_checkpoint(since)
        for table in self.settings.tables:
            self._require_query(table)  # before a row is read: all or nothing
        done: list[TableRead] = []
        cursors = {}
        for table in self.settings.tables:
            progress = TableRead(start.get(table) or Cursor())
            condition = progress.start.condition() or ""
            query = wire.ordered(wire.scoped(self.settings.query, condition))
            self.inspector.totals.pop(table, None)
            rows = paging.link_header(
                self.http,
                self._path(table),
                params=self._params(table, query, self.settings.page_size, sysparm_offset=0),
                key=_sys_id,
            )
            for row in rows:
                sys_id = _sys_id(row)
                if any(sys_id in other.read for other in done):
                    progress.shared += 1  # a class two tables share: read once, first table
                    continue
                if progress.take(sys_id, str(row.get("sys_updated_on") or "")):
                    yield record(table, row, self.settings.fields)
            self._note_unread(table, progress)
            cursors[table] = progress.cursor()
            done.append(progress)
        yield Checkpoint(dump_checkpoint(cursors))

    def _note_unread(self, table: str, progress: TableRead) -> None:
        total = self.inspector.totals.pop(table, None)
        read = len(progress.read) + progress.shared
        self.logger.debug("%s: read %d rows (X-Total-Count %s)", table, read, total)
        if total is not None and read < total:
            self.logger.warning(
                "%s: %d of the %d rows ServiceNow counts came back; the other %d (hidden "
                "from %s by ACLs, or gone during the read) are not decided",
                table,
                read,
                total,
                total - read,
                self.who,
            )
        if progress.rewind is not None:
            self.logger.info(
                "%s: rows changed during the read; the next read starts again at %s",
                table,
                progress.rewind,
            )

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        """The CI or asset with sys_id ``record_id``, from the first table that has it
        (within the configured query, as a read would give it)."""
        sys_id = record_id.strip().lower()
        if not SYS_ID.fullmatch(sys_id):
            return None
        for table in self.settings.tables:
            self._require_query(table)
            query = wire.scoped(self.settings.query, f"sys_id={sys_id}")
            body = self.http.get(self._path(table), params=self._params(table, query, 1))
            rows = body["result"]
            if rows:
                return record(table, rows[0], self.settings.fields)
        return None

    def close(self) -> None:
        self.http.close()


def _sys_id(row: Any) -> str:
    sys_id = row.get("sys_id") if isinstance(row, dict) else None
    if not isinstance(sys_id, str) or not SYS_ID.fullmatch(sys_id):
        raise ServiceNowError(f"ServiceNow sent a row without a sys_id: {str(row)[:80]}")
    return sys_id
