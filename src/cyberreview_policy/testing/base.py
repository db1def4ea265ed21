"""The contract kit's base: what a connector's test provides (the system, its
settings, five answers about its API), and the kit's fixtures and helpers
(the proxy, connecting, reading).  :class:`~.contract.SourceContract` adds the
tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr

from ..config import inline_source
from ..connectors.host import ConnectorSource, connect
from ..errors import SourceError
from ..plugin.types import SourceType
from . import scenarios
from .faults import FaultServer, Request
from .reads import ReadResult, ref_of


class ContractBase:
    """What a connector's test gives the kit, and the kit's fixtures and helpers."""

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
    #: seconds each contract test may take (0: no limit): a connector that retries a
    #: refusal forever, or waits without a timeout, fails instead of hanging the run
    timeout: ClassVar[float] = 120.0

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
        """Add one record to the system; return the ref it will carry."""
        raise NotImplementedError("add_record(system)")

    def change_record(self, system: Any, ref: str) -> None:
        """Change record ``ref`` in the system as a user would (a field its record
        shows, or what it is read with: its order, its product), so that the system
        counts it as changed now."""
        raise NotImplementedError(
            "change_record(system, ref): change that record in the system, as a user "
            "would, so that an incremental read must give it again"
        )

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

    @pytest.fixture(autouse=True)
    def _time_limit(self, request: pytest.FixtureRequest) -> Iterator[None]:
        with scenarios.time_limit(self.timeout, request.node.name):
            yield

    @pytest.fixture
    def proxy(self, system: Any) -> Iterator[FaultServer]:
        """The fault-injecting proxy in front of the system.  If it failed to forward a
        request (the system unreachable, a page hook or ``change_record`` that raised),
        the test errors with the proxy's own message: the connector only saw a 500."""
        with FaultServer(upstream=self.system_url(system)) as server:
            yield server
            server.assert_no_errors()

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

    def read_all(self, source: ConnectorSource, repeats: bool = False) -> ReadResult:
        """Read ``source`` to the end; no record twice unless ``repeats``."""
        records, errors = [], []
        for item in source.read():
            if item.record is not None:
                records.append(item.record)
            else:
                assert item.error is not None
                errors.append((item.location.file or "").split("[", 1)[-1].rstrip("]"))
        refs = [ref_of(r) for r in records]
        assert repeats or len(refs) == len(set(refs)), f"a record came twice: {sorted(refs)}"
        return ReadResult(records, errors, source.checkpoint)

    def read_raw(self, source: ConnectorSource) -> dict[str, Any]:
        """The dicts the connector yields, by ``source.ref``, before the host shapes them."""
        found = {}
        for _where, raw in source.payloads():
            ref = raw.get("source", {}).get("ref") if isinstance(raw, dict) else None
            found[str(ref)] = raw
        return found

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

    def _reads_without(
        self, kind: SourceType, system: Any, proxy: FaultServer, plan: scenarios.Omissions
    ) -> Iterator[tuple[dict[str, tuple[str, ...]], dict[str, Any]]]:
        """(what was left out, the raw read) for the omissions of ``plan`` the connector
        could read.  It may need a value, such as an id, and fail the read without it
        (its choice): when a round fails, its omissions are tried alone until the one it
        cannot do without is found, which is then left in for the rest of the test."""
        required: set[tuple[str, ...]] = set()
        for omitted in plan.rounds:
            pending = {ref: path for ref, path in omitted.items() if path not in required}
            while pending:
                after = self._read_without(kind, system, proxy, pending)
                if after is not None:
                    yield pending, after
                    break
                for ref, path in list(pending.items()):
                    del pending[ref]
                    alone = self._read_without(kind, system, proxy, {ref: path})
                    if alone is None:
                        required.add(path)
                        break
                    yield {ref: path}, alone
                pending = {ref: path for ref, path in pending.items() if path not in required}

    def _read_without(
        self, kind: SourceType, system: Any, proxy: FaultServer, omit: dict[str, tuple[str, ...]]
    ) -> dict[str, Any] | None:
        """A raw read with ``omit`` (ref: path) left out of the items; ``None`` if it failed."""

        def strip(request: Request, body: Any) -> Any:
            if self.is_page(request):
                for item in self.page_items(body):
                    path = omit.get(self.item_ref(item))
                    if path is not None:
                        scenarios.without(item, path)
            return body

        proxy.page_hook = strip
        try:
            return self.read_raw(self.open(kind, system, proxy.url))
        except SourceError:
            return None
        finally:
            proxy.page_hook = None

    def named_secrets(self, kind: SourceType, settings: dict[str, Any]) -> dict[str, str]:
        """The ``SecretStr`` settings' values, by setting name."""
        model = kind.settings_model()
        assert model is not None
        validated = model.model_validate(settings)
        return {
            name: value.get_secret_value()
            for name, value in vars(validated).items()
            if isinstance(value, SecretStr) and len(value.get_secret_value()) >= 4
        }
