"""A contract-faithful local ServiceNow: the Table API over an in-memory CMDB.

ServiceNow cannot run on a test machine, so this stands in for it, on the
cyberreview-policy kit's :class:`~cyberreview_policy.testing.FaultServer`
(standard library only besides).  What it reproduces, as ServiceNow documents
it (the Table API reference; ``/work/shared/docs/integrations.md``):

- ``GET /api/now/table/{table}`` and ``GET /api/now/table/{table}/{sys_id}``
  for any table of its schema; a table answers for its extensions too
  (``cmdb_ci`` gives routers, servers and applications, each with its
  ``sys_class_name``), with the fields of the table asked, not of the row's class;
- ``sysparm_query``: ``^`` (and), ``^OR``, ``^NQ``, ``=``, ``!=``, ``>``,
  ``>=``, ``<``, ``<=``, ``IN``, ``NOT IN``, ``STARTSWITH``, ``ENDSWITH``,
  ``LIKE``, ``NOTLIKE``, ``ISEMPTY``, ``ISNOTEMPTY``, ``BETWEEN``,
  ``ANYTHING``, ``ORDERBY``, ``ORDERBYDESC``, dotted fields
  (``model_id.name=...``); empty values match no comparison (SQL's NULL);
  **a term ServiceNow cannot use (an unknown field) is silently dropped**, or,
  with ``invalid_query_returns_no_rows`` (the instance property
  ``glide.invalid_query.returns_no_rows``), the query returns nothing;
- ``sysparm_fields`` (unknown fields left out of the answer, dotted fields
  such as ``model_id.name`` answered under that key), ``sysparm_display_value``
  (``false``: values as stored, reference fields as ``{"link", "value"}``;
  ``true``: display values, choice labels, referenced records' names; ``all``:
  ``{"display_value", "value"}``), ``sysparm_exclude_reference_link``,
  ``sysparm_limit`` (default 10,000), ``sysparm_offset``;
- every value a string, as ServiceNow sends it (``"true"``, ``"1"``, ``""``
  for empty); ``sys_updated_on`` as ``YYYY-MM-DD HH:MM:SS`` UTC, stamped on
  every change by a clock that moves a second per change (or not at all inside
  :meth:`FakeServiceNow.same_second`);
- ``{"result": [...]}``, ``X-Total-Count`` (rows the query matches, before
  ACLs), ``Link`` with ``rel="first"``, ``"prev"``, ``"next"``, ``"last"``
  absolute URLs;
- **ACLs applied after the limit**: a row :meth:`~FakeServiceNow.hide` makes
  invisible is dropped from its page, which comes back short while more follow;
- basic auth and ``Authorization: Bearer`` OAuth tokens; 401 with
  ServiceNow's JSON error (``{"error": {"message", "detail"}, "status": "failure"}``);
  400 ``Invalid table``; 404 for a missing record;
- 429 ``Rate limit exceeded`` with ``Retry-After`` (seconds) and
  ``X-RateLimit-Limit``, ``-Reset``, ``-Rule``: past ``rate_limit`` requests a
  second per user (off by default), or injected with :meth:`~FakeServiceNow.throttle`.

Change management (``change_request``, ``task_ci``, ``sysapproval_approver``,
``sys_journal_field``, writes, approvals and their permissions) is in
``fake_changes.py``, reached as ``sn.changes``.

Extending it: tables are generic
(:meth:`~FakeServiceNow.define`), and :meth:`~FakeServiceNow.route` takes
paths with ``{parameters}``; a handler gets the request, the parameters and the
authenticated user, and answers with :meth:`~FakeServiceNow.reply` or
:func:`error`.

Volume: queries are evaluated once per (table, query) and the sorted sys_ids
cached until the next change, so a page is a slice; :meth:`~FakeServiceNow.generate`
adds many CIs quickly.  See ``bench_servicenow.py`` for what it serves.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import datetime as dt
import hashlib
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from cyberreview_policy.testing.faults import FaultServer, Reply, Request

Row = dict[str, str]
Getter = Callable[[Row], str]
Handler = Callable[[Request, dict[str, str], str], Reply]

INSTALL_STATUS = {
    "1": "Installed",
    "2": "On Order",
    "3": "In Maintenance",
    "4": "Pending Install",
    "5": "Pending Repair",
    "6": "In Stock",
    "7": "Retired",
    "8": "Stolen",
    "100": "Absent",
}
OPERATIONAL_STATUS = {
    "1": "Operational",
    "2": "Non-Operational",
    "3": "Repair in Progress",
    "4": "DR Standby",
    "5": "Ready",
    "6": "Retired",
}
NUMERIC = frozenset({"integer", "decimal", "currency"})
DATETIME = "%Y-%m-%d %H:%M:%S"
RATE_RULE = "0f4f0c1a1b2e3d4c5b6a798877665544"  # the sys_id of the rate limit rule
DEFAULT_LIMIT = 10000


@dataclass(frozen=True)
class Column:
    """A field of a table: its type, the table a reference points to, a choice's labels."""

    type: str = "string"  # string, integer, decimal, currency, boolean, choice, reference,
    # glide_date, glide_date_time, sys_id
    reference: str | None = None
    choices: dict[str, str] | None = None


def ref(table: str) -> Column:
    return Column("reference", reference=table)


def choice(labels: dict[str, str]) -> Column:
    return Column("choice", choices=labels)


@dataclass
class Table:
    name: str
    parent: str | None
    columns: dict[str, Column]  # its own, not its parent's
    display: str  # the field a reference to one of its rows shows


SYS_COLUMNS = {
    "sys_id": Column("sys_id"),
    "sys_class_name": Column(),
    "sys_created_on": Column("glide_date_time"),
    "sys_created_by": Column(),
    "sys_updated_on": Column("glide_date_time"),
    "sys_updated_by": Column(),
    "sys_mod_count": Column("integer"),
}


def error(status: int, message: str, detail: str | None = None, **headers: str) -> Reply:
    """ServiceNow's error answer."""
    body = {"error": {"message": message, "detail": detail}, "status": "failure"}
    return Reply(status, body, {"Content-Type": "application/json;charset=UTF-8", **headers})


# -- encoded queries -----------------------------------------------------------------------

_FIELD = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_OPERATORS = (
    "ISNOTEMPTY",
    "ISEMPTY",
    "STARTSWITH",
    "ENDSWITH",
    "NOTLIKE",
    "NOT IN",
    "LIKE",
    "IN",
    "BETWEEN",
    "ANYTHING",
    "!=",
    ">=",
    "<=",
    "=",
    ">",
    "<",
)


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    value: str


@dataclass
class Query:
    """An encoded query: ``^NQ`` groups of and-ed terms, each a list of ``^OR``
    alternatives (``None``: a term that does not parse), and its ``ORDERBY``s."""

    groups: list[list[list[Term | None]]]
    order: list[tuple[str, bool]]  # (field, descending)


def parse_query(encoded: str) -> Query:
    groups: list[list[list[Term | None]]] = [[]]
    order: list[tuple[str, bool]] = []
    for raw in encoded.split("^"):
        text = raw
        if text.startswith("NQ"):
            groups.append([])
            text = text[2:]
        if not text or text == "EQ":
            continue
        if text.startswith("ORDERBYDESC"):
            order.append((text[11:], True))
        elif text.startswith("ORDERBY"):
            order.append((text[7:], False))
        elif text.startswith("OR") and groups[-1]:
            groups[-1][-1].append(_term(text[2:]))
        else:
            groups[-1].append([_term(text[2:] if text.startswith("OR") else text)])
    return Query(groups, order)


def _term(text: str) -> Term | None:
    match = _FIELD.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    for op in _OPERATORS:
        if rest.startswith(op):
            return Term(match.group(), op, rest[len(op) :])
    return None


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _test(op: str, value: str, column: Column) -> Callable[[str], bool] | None:
    """What ``op value`` asks of a stored value (``""``, empty, matches no comparison)."""
    low = value.lower()
    if op == "=":
        return lambda v: v == value
    if op == "!=":
        return lambda v: v not in ("", value)
    if op == "ISEMPTY":
        return lambda v: v == ""
    if op == "ISNOTEMPTY":
        return lambda v: v != ""
    if op == "ANYTHING":
        return lambda v: True
    if op in ("IN", "NOT IN"):
        values = set(value.split(","))
        return (lambda v: v in values) if op == "IN" else (lambda v: v != "" and v not in values)
    if op == "STARTSWITH":
        return lambda v: v.lower().startswith(low)
    if op == "ENDSWITH":
        return lambda v: v.lower().endswith(low)
    if op == "LIKE":
        return lambda v: low in v.lower()
    if op == "NOTLIKE":
        return lambda v: v != "" and low not in v.lower()
    if op == "BETWEEN":
        low_end, _, high_end = value.partition("@")
        return _between(low_end, high_end, column.type in NUMERIC)
    compare = _COMPARE.get(op)
    if compare is None:
        return None
    if column.type in NUMERIC:
        target = _number(value)
        return lambda v: (n := _number(v)) is not None and target is not None and compare(n, target)
    return lambda v: v != "" and compare(v, value)


def _between(low: str, high: str, numeric: bool) -> Callable[[str], bool]:
    if numeric:
        lo, hi = _number(low), _number(high)
        return lambda v: (
            (n := _number(v)) is not None and lo is not None and hi is not None and (lo <= n <= hi)
        )
    return lambda v: v != "" and low <= v <= high


# -- the store -----------------------------------------------------------------------------


class Store:
    """Tables (with inheritance), rows as ServiceNow stores them (strings), ACLs, queries."""

    def __init__(self, base_url: Callable[[], str]):
        self.base_url = base_url
        self.tables: dict[str, Table] = {}
        self.rows: dict[str, Row] = {}
        self.hidden: set[str] = set()
        self.invalid_query_returns_no_rows = False
        self.version = 0
        self.lock = threading.RLock()
        self._columns: dict[str, dict[str, Column]] = {}
        self._families: dict[str, frozenset[str]] = {}
        self._selected: collections.OrderedDict[tuple[str, str], tuple[int, list[str]]] = (
            collections.OrderedDict()
        )

    # schema

    def define(
        self, table: str, parent: str | None = None, display: str = "name", /, **columns: Column
    ) -> None:
        if parent is not None and parent not in self.tables:
            raise KeyError(f"define {parent} before {table}")
        own = dict(columns) if parent else {**SYS_COLUMNS, **columns}
        self.tables[table] = Table(table, parent, own, display)
        self._columns.clear()
        self._families.clear()

    def columns(self, table: str) -> dict[str, Column]:
        found = self._columns.get(table)
        if found is None:
            chain = list(self.lineage(table))
            found = {}
            for name in reversed(chain):
                found.update(self.tables[name].columns)
            self._columns[table] = found
        return found

    def lineage(self, table: str) -> Iterator[str]:
        """``table``, its parent, ... up to its root."""
        name: str | None = table
        while name is not None:
            yield name
            name = self.tables[name].parent

    def family(self, table: str) -> frozenset[str]:
        """``table`` and every table that extends it."""
        found = self._families.get(table)
        if found is None:
            found = frozenset(n for n in self.tables if table in self.lineage(n))
            self._families[table] = found
        return found

    # resolving (dotted) fields

    def resolver(self, table: str, path: str) -> tuple[Getter, Column] | None:
        """A getter for ``path`` (``model_id.name``) on rows of ``table``, and its column;
        ``None`` when ``table`` has no such field."""
        parts = path.split(".")
        columns = self.columns(table)
        column: Column | None = None
        for index, part in enumerate(parts):
            column = columns.get(part)
            if column is None:
                return None
            if index < len(parts) - 1:
                if column.reference is None:
                    return None
                columns = self.columns(column.reference)
        assert column is not None
        if len(parts) == 1:
            name = parts[0]
            return (lambda row: row.get(name, "")), column
        rows, hops, last = self.rows, parts[:-1], parts[-1]

        def get(row: Row) -> str:
            target: Row | None = row
            for hop in hops:
                target = rows.get(target.get(hop, "")) if target is not None else None
            return target.get(last, "") if target is not None else ""

        return get, column

    # queries

    def select(self, table: str, encoded: str) -> list[str]:
        """The sys_ids ``encoded`` selects from ``table``, in its order (cached until a change)."""
        with self.lock:
            key = (table, encoded)
            hit = self._selected.get(key)
            if hit is not None and hit[0] == self.version:
                return hit[1]
            ids = self._select(table, parse_query(encoded))
            self._selected[key] = (self.version, ids)
            while len(self._selected) > 64:
                self._selected.popitem(last=False)
            return ids

    def _select(self, table: str, query: Query) -> list[str]:
        match, invalid = self._compile(table, query)
        if invalid and self.invalid_query_returns_no_rows:
            return []
        family = self.family(table)
        candidates = self._candidates(query)
        rows = [
            row
            for sys_id in candidates
            if (row := self.rows.get(sys_id)) is not None
            and row["sys_class_name"] in family
            and match(row)
        ]
        for name, descending in reversed(query.order):
            resolved = self.resolver(table, name)
            if resolved is None:
                continue  # ordering by a field the table does not have: ignored
            get, column = resolved
            if column.type in NUMERIC:
                rows.sort(key=lambda r: _number(get(r)) or 0.0, reverse=descending)
            else:
                rows.sort(key=get, reverse=descending)
        return [row["sys_id"] for row in rows]

    def _candidates(self, query: Query) -> Iterable[str]:
        """Rows worth testing: those a ``sys_id=...`` term names, else all."""
        if len(query.groups) == 1:
            for alternatives in query.groups[0]:
                term = alternatives[0] if len(alternatives) == 1 else None
                if term is not None and term.field == "sys_id" and term.op == "=":
                    return [term.value]
        return list(self.rows)

    def _compile(self, table: str, query: Query) -> tuple[Callable[[Row], bool], bool]:
        """A predicate for ``query`` on ``table``'s rows, and whether a term was dropped."""
        invalid = False
        groups: list[list[list[Callable[[Row], bool]]]] = []
        for group in query.groups:
            conjunction = []
            for alternatives in group:
                tests = []
                for term in alternatives:
                    test = self._predicate(table, term) if term is not None else None
                    if test is None:
                        invalid = True  # ServiceNow drops what it cannot use
                    else:
                        tests.append(test)
                if tests:
                    conjunction.append(tests)
            groups.append(conjunction)

        def match(row: Row) -> bool:
            return any(
                all(any(test(row) for test in tests) for tests in conjunction)
                for conjunction in groups
            )

        return match, invalid

    def _predicate(self, table: str, term: Term) -> Callable[[Row], bool] | None:
        resolved = self.resolver(table, term.field)
        if resolved is None:
            return None
        get, column = resolved
        test = _test(term.op, term.value, column)
        if test is None:
            return None
        return lambda row: test(get(row))

    # rendering

    def renderer(
        self, table: str, fields: list[str], display: str, links: bool
    ) -> Callable[[Row], dict[str, Any]]:
        """What a row of ``table`` looks like in an answer: the fields asked (all of the
        table's when none; unknown ones left out), as ``display`` says."""
        names = fields or list(self.columns(table))
        plan: list[tuple[str, Getter, Callable[[str], Any]]] = []
        for name in names:
            resolved = self.resolver(table, name)
            if resolved is not None:
                get, column = resolved
                plan.append((name, get, self._formatter(column, display, links)))

        def render(row: Row) -> dict[str, Any]:
            return {name: fmt(get(row)) for name, get, fmt in plan}

        return render

    def _formatter(self, column: Column, display: str, links: bool) -> Callable[[str], Any]:
        shown = self._display(column)
        if column.reference is not None and links:
            prefix = f"{self.base_url()}/api/now/table/{column.reference}/"
            if display == "false":
                return lambda v: {"link": prefix + v, "value": v} if v else ""
            if display == "true":
                return lambda v: {"display_value": shown(v), "link": prefix + v} if v else ""
            return lambda v: {"display_value": shown(v), "link": prefix + v, "value": v}
        if display == "false":
            return lambda v: v
        if display == "true":
            return shown
        return lambda v: {"display_value": shown(v), "value": v}

    def _display(self, column: Column) -> Callable[[str], str]:
        if column.reference is not None:
            target = self.tables[column.reference].display
            rows = self.rows
            return lambda v: (rows.get(v) or {}).get(target, "")
        if column.choices is not None:
            labels = column.choices
            return lambda v: labels.get(v, v)
        return lambda v: v


# -- the server ----------------------------------------------------------------------------


class _Server(FaultServer):
    """The kit's server, routing by patterns (its own routes are exact paths)."""

    def __init__(self, dispatch: Callable[[Request], Reply]):
        super().__init__()
        self._dispatch = dispatch

    def _route(self, request: Request) -> Reply:
        return self._dispatch(request)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool


class Clock:
    """``sys_updated_on`` of each change: a second after the last, unless frozen."""

    def __init__(self, start: dt.datetime):
        self.now = start
        self.frozen = 0

    def stamp(self) -> str:
        if not self.frozen:
            self.now += dt.timedelta(seconds=1)
        return self.now.strftime(DATETIME)


@dataclass
class FakeServiceNow:
    """A ServiceNow instance on ``127.0.0.1``: ``with FakeServiceNow() as sn: sn.url``.

    ``seed``: load East Grid Power's CMDB (``eastgrid_cmdb.py``); ``rate_limit``:
    requests a second per user before 429s (0: none).
    """

    seed: bool = True
    username: str = "cyberreview"
    password: str = "Sn0w-Review!2026"
    token: str = "sn-oauth-6f1d2c3b4a59687766554433221100ff"
    rate_limit: float = 0.0
    start: dt.datetime = dt.datetime(2026, 10, 1, 8, 0, 0)
    users: dict[str, str] = field(default_factory=dict)  # user name: password
    tokens: dict[str, str] = field(default_factory=dict)  # OAuth token: user name

    def __post_init__(self) -> None:
        self.users.setdefault(self.username, self.password)
        self.tokens.setdefault(self.token, self.username)
        self.server = _Server(self._dispatch)
        self.store = Store(lambda: self.server.url)
        self.clock = Clock(self.start)
        self._routes: list[_Route] = []
        self._hits: dict[str, collections.deque[float]] = {}
        self.before_request: list[Callable[[Request], None]] = []  # called with each request
        self.throttled = 0  # requests answered 429 by the rate limit
        self._ids = itertools.count(1)
        define_standard_tables(self.store)
        self.route("GET", "/api/now/table/{table}", self._table_list)
        self.route("GET", "/api/now/table/{table}/{sys_id}", self._table_get)
        from fake_changes import install  # testing/, next to this module

        self.changes = install(self)  # change management: fake_changes.py
        if self.seed:
            import eastgrid_changes
            import eastgrid_cmdb

            eastgrid_cmdb.load(self)
            eastgrid_changes.load(self)

    # -- running it ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def __enter__(self) -> FakeServiceNow:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    # -- data ---------------------------------------------------------------------

    def define(
        self, table: str, parent: str | None = None, display: str = "name", /, **columns: Column
    ) -> None:
        """A table (``parent``: the table it extends; ``display``: the field a reference to
        one of its rows shows), with its own columns."""
        with self.store.lock:
            self.store.define(table, parent, display, **columns)
            self.store.version += 1

    def add(self, table: str, sys_id: str | None = None, **values: Any) -> str:
        """A new row of ``table`` (values as Python: booleans, numbers, None for empty, or
        strings as ServiceNow holds them); returns its sys_id."""
        with self.store.lock:
            if table not in self.store.tables:
                raise KeyError(f"no table {table}")
            sys_id = sys_id or hashlib.md5(f"fake:{next(self._ids)}".encode()).hexdigest()
            if sys_id in self.store.rows:
                raise KeyError(f"sys_id {sys_id} exists")
            now = self.clock.stamp()
            row = {
                "sys_id": sys_id,
                "sys_class_name": table,
                "sys_created_on": now,
                "sys_created_by": "admin",
                "sys_updated_on": now,
                "sys_updated_by": "admin",
                "sys_mod_count": "0",
            }
            row.update(self._raw(table, values))
            self.store.rows[sys_id] = row
            self.store.version += 1
            return sys_id

    def update(self, sys_id: str, **values: Any) -> None:
        """Change a row: ``sys_updated_on`` moves (a second, or not in :meth:`same_second`)."""
        with self.store.lock:
            row = self.store.rows[sys_id]
            row.update(self._raw(row["sys_class_name"], values))
            row["sys_updated_on"] = self.clock.stamp()
            row["sys_updated_by"] = "admin"
            row["sys_mod_count"] = str(int(row["sys_mod_count"]) + 1)
            self.store.version += 1

    def delete(self, sys_id: str) -> None:
        with self.store.lock:
            del self.store.rows[sys_id]
            self.store.hidden.discard(sys_id)
            self.store.version += 1

    def hide(self, *sys_ids: str) -> None:
        """Make rows invisible to API users (an ACL): pages they fall on come back short."""
        with self.store.lock:
            self.store.hidden.update(sys_ids)

    def show(self, *sys_ids: str) -> None:
        with self.store.lock:
            self.store.hidden.difference_update(sys_ids)

    def row(self, sys_id: str) -> Row:
        return self.store.rows[sys_id]

    def find(self, table: str, encoded: str = "") -> list[Row]:
        """Rows of ``table`` (and its extensions) ``encoded`` selects, ACLs ignored."""
        return [self.store.rows[i] for i in self.store.select(table, encoded)]

    @contextlib.contextmanager
    def same_second(self, *, as_last: bool = False) -> Iterator[None]:
        """Every change inside gets the same ``sys_updated_on``: a second after the last
        change, or (``as_last``) that of the last change."""
        if not as_last:
            self.clock.stamp()
        self.clock.frozen += 1
        try:
            yield
        finally:
            self.clock.frozen -= 1

    @property
    def invalid_query_returns_no_rows(self) -> bool:
        return self.store.invalid_query_returns_no_rows

    @invalid_query_returns_no_rows.setter
    def invalid_query_returns_no_rows(self, value: bool) -> None:
        with self.store.lock:
            self.store.invalid_query_returns_no_rows = value
            self.store.version += 1

    def generate(self, table: str, count: int, *, per_second: int = 10, **values: Any) -> list[str]:
        """``count`` rows of ``table`` named ``{table}-{n}``, ``per_second`` of them sharing
        each ``sys_updated_on`` (ties), quickly: for volume tests."""
        base = self._raw(table, values)
        ids: list[str] = []
        with self.store.lock:
            rows = self.store.rows
            for n in range(count):
                if n % per_second == 0:
                    now = self.clock.stamp()
                sys_id = hashlib.md5(f"gen:{table}:{len(rows)}:{n}".encode()).hexdigest()
                rows[sys_id] = {
                    **base,
                    "sys_id": sys_id,
                    "sys_class_name": table,
                    "name": f"{table}-{n:06d}",
                    "sys_created_on": now,
                    "sys_created_by": "admin",
                    "sys_updated_on": now,
                    "sys_updated_by": "admin",
                    "sys_mod_count": "0",
                }
                ids.append(sys_id)
            self.store.version += 1
        return ids

    def _raw(self, table: str, values: dict[str, Any]) -> Row:
        columns = self.store.columns(table)
        unknown = sorted(set(values) - set(columns))
        if unknown:
            raise KeyError(f"{table} has no field {', '.join(unknown)}")
        return {name: _stored(value) for name, value in values.items()}

    # -- faults -------------------------------------------------------------------

    def throttle(
        self, times: int = 1, retry_after: int = 1, match: Callable[[Request], bool] | None = None
    ) -> None:
        """The next ``times`` Table API requests (or those ``match`` picks) get 429s."""
        replies = [self._throttled(retry_after) for _ in range(times)]
        self.server.fail_next(*replies, match=match or is_table_request)

    def fail_next(self, *faults: Reply, match: Callable[[Request], bool] | None = None) -> None:
        """The kit's faults (``Fault.status(500)``, ...) for the next Table API requests."""
        self.server.fail_next(*faults, match=match or is_table_request)

    def _throttled(self, retry_after: int) -> Reply:
        limit = int(self.rate_limit) or 1000
        return error(
            429,
            "Rate limit exceeded",
            f"Rate limit of {limit} requests per second for Table API exceeded",
            **{"Retry-After": str(retry_after), **self._rate_headers()},
        )

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(int(self.rate_limit) or 1000),
            "X-RateLimit-Reset": str(int(time.time()) + 1),
            "X-RateLimit-Rule": RATE_RULE,
        }

    # -- routing ------------------------------------------------------------------

    def route(self, method: str, path: str, handler: Handler, *, auth: bool = True) -> None:
        """Serve ``path`` (``/api/now/table/{table}/{sys_id}``: ``{name}`` matches one
        segment) with ``handler(request, parameters, user)``."""
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
        self._routes.append(_Route(method.upper(), re.compile(f"^{pattern}$"), handler, auth))

    def reply(self, result: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        """A JSON answer ``{"result": ...}``."""
        sent = {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
        if self.rate_limit:
            sent = {**self._rate_headers(), **sent}
        return Reply(status, {"result": result}, sent)

    def _dispatch(self, request: Request) -> Reply:
        for hook in self.before_request:
            hook(request)
        for route in self._routes:
            found = route.pattern.match(request.path)
            if found is None or route.method != request.method:
                continue
            user = self.authenticate(request)
            if route.auth and user is None:
                return error(
                    401,
                    "User Not Authenticated",
                    "Required to provide Auth information",
                    **{"WWW-Authenticate": 'BASIC realm="Service-now"'},
                )
            limited = self._limit(user or "guest")
            if limited is not None:
                return limited
            reply = route.handler(request, found.groupdict(), user or "guest")
            return self.changes.dropped(request, reply)
        return error(400, "Requested URI does not represent any resource")

    def authenticate(self, request: Request) -> str | None:
        """The user a request authenticates as (basic auth or an OAuth bearer token)."""
        header = next((v for k, v in request.headers.items() if k.lower() == "authorization"), "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer":
            return self.tokens.get(credential.strip())
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(credential).decode().partition(":")
            except ValueError:
                return None
            return user if user in self.users and self.users[user] == password else None
        return None

    def _limit(self, user: str) -> Reply | None:
        if not self.rate_limit:
            return None
        now = time.monotonic()
        with self.store.lock:
            window = self._hits.setdefault(user, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.rate_limit:
                self.throttled += 1
                return self._throttled(1)
            window.append(now)
        return None

    # -- the Table API ------------------------------------------------------------

    def _table_list(self, request: Request, args: dict[str, str], user: str) -> Reply:
        table = args["table"]
        if table not in self.store.tables:
            return error(400, f"Invalid table {table}")
        params = {key: values[-1] for key, values in request.query.items()}
        limit = _int(params.get("sysparm_limit"), DEFAULT_LIMIT, minimum=1)
        offset = _int(params.get("sysparm_offset"), 0, minimum=0)
        with self.store.lock:
            ids = self.store.select(table, params.get("sysparm_query", ""))
            render = self._renderer(table, params)
            rows = self.store.rows
            page = [
                render(rows[sys_id])
                for sys_id in ids[offset : offset + limit]  # the limit, then the ACLs:
                if sys_id not in self.store.hidden
            ]
        headers = {"X-Total-Count": str(len(ids))}
        if params.get("sysparm_suppress_pagination_header") != "true":
            headers["Link"] = self._links(request.path, params, offset, limit, len(ids))
        return self.reply(page, headers=headers)

    def _table_get(self, request: Request, args: dict[str, str], user: str) -> Reply:
        table, sys_id = args["table"], args["sys_id"]
        if table not in self.store.tables:
            return error(400, f"Invalid table {table}")
        params = {key: values[-1] for key, values in request.query.items()}
        with self.store.lock:
            row = self.store.rows.get(sys_id)
            if (
                row is None
                or row["sys_class_name"] not in self.store.family(table)
                or sys_id in self.store.hidden
            ):
                return error(
                    404,
                    "No Record found",
                    "Record doesn't exist or ACL restricts the record retrieval",
                )
            return self.reply(self._renderer(table, params)(row))

    def _renderer(self, table: str, params: dict[str, str]) -> Callable[[Row], dict[str, Any]]:
        fields = [f.strip() for f in params.get("sysparm_fields", "").split(",") if f.strip()]
        display = params.get("sysparm_display_value", "false").lower()
        if display not in ("true", "false", "all"):
            display = "false"
        links = params.get("sysparm_exclude_reference_link", "false").lower() != "true"
        return self.store.renderer(table, fields, display, links)

    def _links(self, path: str, params: dict[str, str], offset: int, limit: int, total: int) -> str:
        def at(start: int) -> str:
            query = {**params, "sysparm_offset": str(start), "sysparm_limit": str(limit)}
            return f"{self.url}{path}?{urlencode(query)}"

        links = [(at(0), "first")]
        if offset > 0:
            links.append((at(max(0, offset - limit)), "prev"))
        if offset + limit < total:
            links.append((at(offset + limit), "next"))
        links.append((at(((total - 1) // limit) * limit if total else 0), "last"))
        return ",".join(f'<{url}>;rel="{rel}"' for url, rel in links)


def is_table_request(request: Request) -> bool:
    return request.path.startswith("/api/now/table/")


def is_page(request: Request) -> bool:
    """A request for a page of a read: a table, with an offset."""
    return is_table_request(request) and "sysparm_offset" in request.query


def at_offset(offset: int, table: str | None = None) -> Callable[[Request], bool]:
    """Matches the requests for the page at ``offset`` (of ``table``): page N of size S
    is at offset (N - 1) * S."""

    def match(request: Request) -> bool:
        return (
            is_table_request(request)
            and request.query.get("sysparm_offset") == [str(offset)]
            and (table is None or request.path == f"/api/now/table/{table}")
        )

    return match


def _int(text: str | None, default: int, minimum: int) -> int:
    try:
        return max(minimum, int(text)) if text else default
    except ValueError:
        return default


def _stored(value: Any) -> str:
    """A Python value as ServiceNow stores and sends it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME)
    return str(value)


def define_standard_tables(store: Store) -> None:
    """The tables of the CMDB, assets and what they reference, with the East Grid Power
    instance's custom ``u_`` fields on ``cmdb_ci``."""
    store.define("sys_user", user_name=Column(), name=Column(), email=Column())
    store.define("core_company", name=Column(), country=Column(), manufacturer=Column("boolean"))
    store.define("cmn_location", name=Column(), country=Column())
    store.define(
        "cmdb_model",
        None,
        "display_name",
        name=Column(),
        display_name=Column(),
        manufacturer=ref("core_company"),
        model_number=Column(),
    )
    store.define("cmdb_hardware_product_model", "cmdb_model")
    store.define("cmdb_application_product_model", "cmdb_model")
    store.define("cmdb_model_category", name=Column())
    store.define(
        "cmdb_ci",
        name=Column(),
        asset_tag=Column(),
        serial_number=Column(),
        install_status=choice(INSTALL_STATUS),
        operational_status=choice(OPERATIONAL_STATUS),
        manufacturer=ref("core_company"),
        model_id=ref("cmdb_model"),
        model_number=Column(),
        vendor=ref("core_company"),
        location=ref("cmn_location"),
        company=ref("core_company"),
        assigned_to=ref("sys_user"),
        asset=ref("alm_asset"),
        install_date=Column("glide_date_time"),
        short_description=Column(),
        # the instance's own fields for the cybersecurity review
        u_review_category=Column(),
        u_catalogue_type=Column(),
        u_cii_system=Column(),
        u_review_status=Column(),
        u_may_affect_national_security=Column("boolean"),
        u_purchase_ref=Column(),
        u_throughput_tbps=Column("decimal"),
        u_routing_entries=Column("integer"),
        u_forwarding_gpps=Column("decimal"),
        u_cpus=Column("integer"),
        u_cores_per_cpu=Column("integer"),
        u_memory_gb=Column("decimal"),
        u_instruction_time_us=Column("decimal"),
    )
    store.define("cmdb_ci_hardware", "cmdb_ci", ram=Column("integer"), cpu_count=Column("integer"))
    store.define("cmdb_ci_netgear", "cmdb_ci_hardware", firmware_version=Column())
    store.define("cmdb_ci_ip_router", "cmdb_ci_netgear")
    store.define("cmdb_ci_ip_switch", "cmdb_ci_netgear")
    store.define("cmdb_ci_ip_firewall", "cmdb_ci_netgear")
    store.define(
        "cmdb_ci_computer",
        "cmdb_ci_hardware",
        os=Column(),
        os_version=Column(),
        cpu_core_count=Column("integer"),
    )
    store.define("cmdb_ci_server", "cmdb_ci_computer", host_name=Column(), ip_address=Column())
    store.define("cmdb_ci_linux_server", "cmdb_ci_server")
    store.define("cmdb_ci_win_server", "cmdb_ci_server")
    store.define("cmdb_ci_printer", "cmdb_ci_hardware")
    store.define("cmdb_ci_ot", "cmdb_ci_hardware")
    store.define("cmdb_ci_ot_control", "cmdb_ci_ot")
    store.define("cmdb_ci_ot_plc", "cmdb_ci_ot_control")
    store.define("cmdb_ci_ot_rtu", "cmdb_ci_ot_control")
    store.define("cmdb_ci_appl", "cmdb_ci", version=Column())
    store.define("cmdb_ci_service", "cmdb_ci", service_classification=Column())
    store.define(
        "alm_asset",
        None,
        "display_name",
        asset_tag=Column(),
        display_name=Column(),
        model=ref("cmdb_model"),
        model_category=ref("cmdb_model_category"),
        ci=ref("cmdb_ci"),
        serial_number=Column(),
        install_status=choice(INSTALL_STATUS),
        substatus=Column(),
        vendor=ref("core_company"),
        cost=Column("currency"),
        purchase_date=Column("glide_date"),
        po_number=Column(),
        assigned_to=ref("sys_user"),
        location=ref("cmn_location"),
    )
    store.define("alm_hardware", "alm_asset")
