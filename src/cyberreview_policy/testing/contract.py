"""The contract every connector passes: inherit :class:`SourceContract`.

A connector's test module starts its system (the real one where it can run,
else a faithful fake), says how to reach it, and inherits the tests::

    import pytest
    from cyberreview_policy.testing import SourceContract

    class TestInventory(SourceContract):
        source_type = "inventory"              # as its plugin registers it

        @pytest.fixture(scope="class")
        def system(self):
            with start_inventory() as server:  # has .url
                yield server

        def settings(self, system, url):
            return {"url": url, "token": system.token}

        def bad_credentials(self, settings):
            return {**settings, "token": "not-the-token"}

        def add_record(self, system):
            return system.add_asset()          # the new record's source.ref

        def is_page(self, request):            # a request for a page of records?
            return request.path == "/api/assets/"

        def page_items(self, body):            # the items of that page, in the body
            return body["results"]

        def item_ref(self, item):              # an item's source.ref in the record
            return str(item["id"])

        def error_body(self):                  # what the system sends with HTTP 200 on error
            return {"error": "internal"}

The kit puts a fault-injecting proxy (:class:`~.faults.FaultServer`) between
the connector and the system: ``url`` is the proxy's.  Through it, it checks
the settings model, ``check()`` good, bad and unreachable, that records
validate, that reads agree and resume from checkpoints, the paging edge cases
servers really produce, the faults the host retries or fails on, and that no
secret reaches a log line.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr

from ..config import inline_source
from ..connectors.api import ConnectorSettings
from ..connectors.host import ConnectorSource, connect
from ..errors import SourceError
from ..models.identity import plain
from ..models.validate import RecordData as Record
from ..plugin.types import SourceType
from .faults import Fault, FaultServer, Request

SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "private_key")


@dataclass
class ReadResult:
    """What one complete read gave."""

    records: list[Record]
    errors: list[str]  # the refs of items reported and skipped
    checkpoint: Any
    by_ref: dict[str, Record] = field(init=False)

    def __post_init__(self) -> None:
        self.by_ref = {_ref(r): r for r in self.records}

    @property
    def refs(self) -> set[str]:
        return set(self.by_ref)


def _ref(record: Record) -> str:
    assert record.source is not None, f"{record.id}: no source"
    assert record.source.ref, f"{record.id}: no source.ref"
    return str(record.source.ref)


def _comparable(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = plain(record)
    data["source"].pop("fetched_at", None)
    return data


def _repeating(paging: str) -> Any:
    """A page rewrite that repeats the last item of each page at the start of the next.

    ``cursor``: the page grows by that item (a server-side cursor that re-sends a tie).
    ``offset``: what an insert ahead of the reader does to offset paging: every later
    page shifts by one, its own last item carried to the next, none lost.
    """
    carry: list[Any] = []

    def rewrite(index: int, items: list[Any]) -> list[Any]:
        if paging == "cursor":
            out = carry + items
            carry[:] = items[-1:]
            return out
        view = carry + items
        served = view[: len(items)] if items else view
        carry[:] = view[len(served) :] if index else items[-1:]
        return served if index else items

    return rewrite


def _marked_secret(prop: dict[str, Any]) -> bool:
    """A JSON Schema property of a ``SecretStr`` (or an optional one)."""
    options = prop.get("anyOf", [prop])
    return any(o.get("writeOnly") is True and o.get("format") == "password" for o in options)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class SourceContract:
    """Inherit, name ``source_type``, and fill in the fixture and methods below."""

    #: the source type under test, as its plugin registers it
    source_type: ClassVar[str]
    #: a plugin object to register (a module); ``None``: found by entry point
    plugin: ClassVar[object | None] = None
    #: the source's name in the tests' configuration
    name: ClassVar[str] = "contract"
    #: items per page the kit asks for: small, so a handful of records spans pages
    page_size: ClassVar[int] = 2
    #: how the connector pages: ``"cursor"`` when the server or a key carries the
    #: position (next links, tokens, ``id > last``), ``"offset"`` when it counts offsets
    paging: ClassVar[str] = "cursor"
    #: refs the system holds that the connector must report and skip
    expected_rejects: ClassVar[set[str]] = set()
    #: the operator facts the configuration adds, and its defaults and mappings
    operator: ClassVar[dict[str, Any]] = {
        "name": "Contract Test Operator",
        "ciio": True,
        "sector": "energy",
    }
    defaults: ClassVar[dict[str, Any]] = {}
    mappings: ClassVar[dict[str, Any]] = {}

    # -- what a connector's test provides ------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls) -> Any:
        """Start the system (class-scoped: once for all the contract tests), yield it."""
        pytest.fail(f"{cls.__name__}: define a `system` fixture that starts the system")

    def system_url(self, system: Any) -> str:
        """The system's base URL (default: ``system.url``, or ``system`` itself)."""
        return system if isinstance(system, str) else str(system.url)

    def settings(self, system: Any, url: str) -> dict[str, Any]:
        """Good settings for the system reached at ``url``, secrets given plainly."""
        raise NotImplementedError("settings(system, url)")

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        """``settings`` with credentials the system refuses."""
        raise NotImplementedError("bad_credentials(settings)")

    def add_record(self, system: Any) -> str:
        """Add or change one record in the system; return the ref it will carry."""
        raise NotImplementedError("add_record(system)")

    def is_page(self, request: Request) -> bool:
        """Whether ``request`` asks for a page of the records read."""
        raise NotImplementedError("is_page(request)")

    def page_items(self, body: Any) -> list[Any]:
        """The (mutable) list of items in the answer to such a request."""
        raise NotImplementedError("page_items(body)")

    def item_ref(self, item: Any) -> str:
        """The ``source.ref`` of the record made from ``item``."""
        raise NotImplementedError("item_ref(item)")

    def error_body(self) -> Any:
        """A body the system returns with HTTP 200 to say a request failed."""
        raise NotImplementedError("error_body()")

    # -- the kit's own fixtures and helpers ----------------------------------------

    @pytest.fixture
    def proxy(self, system: Any) -> Iterator[FaultServer]:
        with FaultServer(upstream=self.system_url(system)) as server:
            yield server

    @pytest.fixture(scope="class")
    @classmethod
    def kind(cls) -> SourceType:
        """The source type under test: ``plugin`` with the built-ins, else as installed."""
        from ..plugin.manager import make_host

        if cls.plugin is not None:
            host = make_host(entry_points=False, extra=[(cls.source_type, cls.plugin)])
        else:
            host = make_host()
        kinds = host.registry.objects("sources")
        if cls.source_type not in kinds:
            broken = "; ".join(f"{p.name}: {p.error}" for p in host.failures()) or "none"
            pytest.fail(
                f"no plugin registers source type {cls.source_type!r} "
                f"(registered: {', '.join(sorted(kinds))}; broken plugins: {broken})"
            )
        kind: SourceType = kinds[cls.source_type]
        return kind

    @pytest.fixture
    def full(self, kind: SourceType, system: Any, proxy: FaultServer) -> ReadResult:
        """A complete read through the proxy, before any fault."""
        return self.read_all(self.open(kind, system, proxy.url))

    def open(
        self, kind: SourceType, system: Any, url: str, since: Any = None, **overrides: Any
    ) -> ConnectorSource:
        settings = {
            **self.settings(system, url),
            "page_size": self.page_size,
            "max_attempts": 3,
            **overrides,
        }
        return self.connect(kind, settings, since)

    def connect(self, kind: SourceType, settings: dict[str, Any], since: Any) -> ConnectorSource:
        source = inline_source(
            self.name,
            kind.name,
            kind.settings_model(),
            settings,
            operator=self.operator,
            defaults=self.defaults,
            mappings=self.mappings,
        )
        return connect(kind, source, since=since)

    def read_all(self, source: ConnectorSource) -> ReadResult:
        records, errors = [], []
        for item in source.read():
            if item.record is not None:
                records.append(item.record)
            else:
                assert item.error is not None
                errors.append((item.location.file or "").split("[", 1)[-1].rstrip("]"))
        refs = [_ref(r) for r in records]
        assert len(refs) == len(set(refs)), f"a record came twice: {sorted(refs)}"
        return ReadResult(records, errors, source.checkpoint)

    def serve_pages(self, proxy: FaultServer, rewrite: Any) -> list[list[str]]:
        """Rewrite every page of records with ``rewrite(index, items)``; return what was served."""
        served: list[list[str]] = []

        def hook(request: Request, body: Any) -> Any:
            if self.is_page(request):
                items = self.page_items(body)
                items[:] = rewrite(len(served), list(items))
                served.append([self.item_ref(item) for item in items])
            return body

        proxy.page_hook = hook
        return served

    def secrets(self, kind: SourceType, settings: dict[str, Any]) -> set[str]:
        model = kind.settings_model()
        assert model is not None
        validated = model.model_validate(settings)
        return {
            value.get_secret_value()
            for value in vars(validated).values()
            if isinstance(value, SecretStr) and len(value.get_secret_value()) >= 4
        }

    # -- the contract -----------------------------------------------------------

    def test_settings_model(self, kind: SourceType, system: Any) -> None:
        """A settings model built on ConnectorSettings; secrets are SecretStr; all described."""
        model = kind.settings_model()
        assert model is not None, f"source type {kind.name} gives no config model"
        assert issubclass(model, ConnectorSettings), "subclass ConnectorSettings"
        schema = model.model_json_schema()
        json.dumps(schema)
        for key, prop in schema["properties"].items():
            if any(word in key.lower() for word in SECRET_WORDS):
                assert _marked_secret(prop), f"setting {key!r} looks secret: make it a SecretStr"
            assert prop.get("description"), f"setting {key!r} has no description"
        model.model_validate(self.settings(system, "http://127.0.0.1:1"))

    def test_check_passes(self, kind: SourceType, system: Any, proxy: FaultServer) -> None:
        result = self.open(kind, system, proxy.url).check()
        assert result.ok, result.message
        assert result.message

    def test_check_refuses_bad_credentials(
        self, kind: SourceType, system: Any, proxy: FaultServer
    ) -> None:
        settings = self.bad_credentials(self.settings(system, proxy.url))
        result = self.connect(kind, {**settings, "max_attempts": 1}, None).check()
        assert not result.ok, "check() passed with bad credentials"
        assert result.message
        secrets = self.secrets(kind, settings)
        assert not any(s in result.message for s in secrets), "check()'s message holds a secret"

    def test_check_reports_unreachable(self, kind: SourceType, system: Any) -> None:
        url = f"http://127.0.0.1:{_closed_port()}"
        result = self.open(kind, system, url, max_attempts=1, connect_timeout=1).check()
        assert not result.ok, "check() passed with nothing listening"
        assert result.message

    def test_records_validate(self, kind: SourceType, full: ReadResult) -> None:
        assert len(full.records) > 2 * self.page_size, (
            f"the system holds {len(full.records)} records: seed more than "
            f"{2 * self.page_size} so that reads span pages"
        )
        assert set(full.errors) == self.expected_rejects
        for record in full.records:
            assert record.source is not None
            assert record.source.adapter == self.name
        assert full.checkpoint is not None, "a complete read yields a checkpoint"
        json.dumps(full.checkpoint)  # stored by the host

    def test_read_with_bad_credentials_fails(
        self, kind: SourceType, system: Any, proxy: FaultServer
    ) -> None:
        settings = self.bad_credentials(self.settings(system, proxy.url))
        source = self.connect(kind, {**settings, "max_attempts": 1}, None)
        with pytest.raises(SourceError):
            self.read_all(source)
        assert source.checkpoint is None

    def test_two_full_reads_agree(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        again = self.read_all(self.open(kind, system, proxy.url))
        assert again.refs == full.refs
        for ref, record in full.by_ref.items():
            assert _comparable(again.by_ref[ref]) == _comparable(record)

    def test_fetch_matches_read(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        source = self.open(kind, system, proxy.url)
        for record in full.records[:3]:
            item = source.fetch(record.id)
            assert item.record is not None, item.error
            assert _comparable(item.record) == _comparable(record)
        with pytest.raises(SourceError, match="no record"):
            source.fetch("no-such-record-0")

    def test_incremental_read(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        since = json.loads(json.dumps(full.checkpoint))  # as the store keeps it
        ref = self.add_record(system)
        newer = self.read_all(self.open(kind, system, proxy.url, since=since))
        assert newer.refs == {ref}, "a read from a checkpoint returns only what changed since"
        assert newer.checkpoint is not None
        assert newer.checkpoint != since
        after = self.read_all(self.open(kind, system, proxy.url, since=newer.checkpoint))
        assert after.refs == set()
        assert after.checkpoint is not None

    def test_interrupted_read_keeps_checkpoint(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        since = full.checkpoint
        ref = self.add_record(system)
        pages = [0]

        def second_page_on(request: Request) -> bool:
            if self.is_page(request):
                pages[0] += 1
            return pages[0] >= 2

        proxy.fail_next(*[Fault.status(503)] * 2, match=second_page_on)
        broken = self.open(kind, system, proxy.url, since=None, max_attempts=2)
        with pytest.raises(SourceError):
            self.read_all(broken)
        assert broken.checkpoint is None, "a failed read must not move the checkpoint"
        resumed = self.read_all(self.open(kind, system, proxy.url, since=since))
        assert ref in resumed.refs

    def test_short_page_is_not_the_end(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        dropped: list[str] = []

        def shorten_first(index: int, items: list[Any]) -> list[Any]:
            if index == 0 and items:
                dropped.append(self.item_ref(items[-1]))
                return items[:-1]
            return items

        served = self.serve_pages(proxy, shorten_first)
        result = self.read_all(self.open(kind, system, proxy.url))
        assert len(served) > 1, "the read stopped at a short page"
        assert result.refs | set(result.errors) == {ref for page in served for ref in page}
        assert result.refs >= full.refs - set(dropped), "records after the short page were lost"

    def test_duplicates_across_pages_are_dropped(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        served = self.serve_pages(proxy, _repeating(self.paging))
        result = self.read_all(self.open(kind, system, proxy.url))  # asserts no record twice
        assert any(page and page[0] in earlier for earlier, page in pairwise(served))
        assert result.refs == full.refs

    def test_empty_page(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        """An empty page ends an offset read, and is skipped where a next link follows;
        either way the read yields exactly what was served, and completes."""
        served = self.serve_pages(proxy, lambda i, items: [] if i == 1 else items)
        source = self.open(kind, system, proxy.url)
        result = self.read_all(source)
        assert len(served) >= 2
        assert served[1] == []
        assert result.refs | set(result.errors) == {ref for page in served for ref in page}
        assert source.checkpoint is not None

    def test_nothing_new_since_the_last_read(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        result = self.read_all(self.open(kind, system, proxy.url, since=full.checkpoint))
        assert result.refs == set()
        assert result.checkpoint is not None

    def test_429_with_retry_after(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        proxy.requests.clear()
        proxy.fail_next(Fault.status(429, retry_after=1), match=self.is_page)
        result = self.read_all(self.open(kind, system, proxy.url))
        assert result.refs == full.refs
        assert proxy.pending == 0
        pages = [r for r in proxy.requests if self.is_page(r)]
        assert pages[1].at - pages[0].at >= 0.9, "Retry-After: 1 was not honoured"

    def test_500_then_success(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        proxy.fail_next(Fault.status(500), Fault.status(502), match=self.is_page)
        result = self.read_all(self.open(kind, system, proxy.url))
        assert result.refs == full.refs
        assert proxy.pending == 0

    def test_timeout_is_retried(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        proxy.fail_next(Fault.delay(2.0), match=self.is_page)
        result = self.read_all(self.open(kind, system, proxy.url, read_timeout=0.5))
        assert result.refs == full.refs
        assert proxy.pending == 0

    def test_malformed_json_fails_the_source(
        self, kind: SourceType, system: Any, proxy: FaultServer
    ) -> None:
        proxy.fail_next(Fault.malformed(), match=self.is_page)
        source = self.open(kind, system, proxy.url)
        with pytest.raises(SourceError, match="malformed JSON"):
            self.read_all(source)
        assert source.checkpoint is None

    def test_error_body_fails_the_source(
        self, kind: SourceType, system: Any, proxy: FaultServer
    ) -> None:
        proxy.fail_next(Fault.body(self.error_body()), match=self.is_page)
        source = self.open(kind, system, proxy.url)
        with pytest.raises(SourceError):
            self.read_all(source)
        assert source.checkpoint is None

    def test_no_secret_in_logs(
        self,
        kind: SourceType,
        system: Any,
        proxy: FaultServer,
        caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        caplog.set_level(logging.DEBUG)
        good = self.settings(system, proxy.url)
        bad = self.bad_credentials(good)
        said: list[str] = []
        self.open(kind, system, proxy.url).check()
        said.append(self.connect(kind, {**bad, "max_attempts": 1}, None).check().message)
        proxy.fail_next(Fault.status(500), match=self.is_page)
        self.read_all(self.open(kind, system, proxy.url))
        proxy.fail_next(Fault.body(self.error_body()), match=self.is_page)
        for settings in (good, {**bad, "max_attempts": 1}):
            try:
                self.read_all(self.connect(kind, {**settings, "page_size": self.page_size}, None))
            except SourceError as exc:
                said.append(str(exc))
        secrets = self.secrets(kind, good) | self.secrets(kind, bad)
        for request in proxy.requests:  # session tokens the connector obtained
            credential = request.headers.get("Authorization", "")
            secrets |= {part for part in (credential, *credential.split()[1:]) if len(part) >= 8}
        assert secrets, "no secret to look for: the test would prove nothing"
        printed = capsys.readouterr()
        assert caplog.records, "nothing was logged: the test would prove nothing"
        places = {
            "the log": caplog.text,
            "the output": printed.out + printed.err,
            "a check's or an error's message": "\n".join(said),
        }
        # named, not shown: a failure message quoting the secret would leak it again
        leaked = [where for where, text in places.items() if any(s in text for s in secrets)]
        assert not leaked, f"a secret reached {' and '.join(leaked)} (not repeated here)"
