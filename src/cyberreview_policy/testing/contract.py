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

        def change_record(self, system, ref):  # as a user would: its change time moves on
            system.touch_asset(ref)

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
servers really produce, a record changed behind the reader, values the system
leaves out (they must come out unknown, never as a default that decides), the
faults the host retries or fails on, and that no secret, nor its first
characters, reaches a log record, a message or the output.  Each test has a
time limit (``timeout``): a connector that hangs fails it with a message.
"""

from __future__ import annotations

import json
import logging
from itertools import pairwise
from typing import Any

import pytest

from ..connectors.api import ConnectorSettings
from ..errors import SourceError
from ..plugin.types import SourceType
from . import scenarios
from .base import ContractBase
from .faults import Fault, FaultServer, Request
from .reads import (
    SECRET_WORDS,
    ReadResult,
    closed_port,
    comparable,
    marked_secret,
    ref_of,
    repeating,
)

__all__ = ["ReadResult", "SourceContract"]


class SourceContract(ContractBase):
    """The contract tests: inherit, name ``source_type``, give the ``system`` fixture and
    the methods below (``settings``, ``bad_credentials``, ``add_record``,
    ``change_record``, ``is_page``, ``page_items``, ``item_ref``, ``error_body``).

    Class attributes: ``source_type`` (as the plugin registers it); ``plugin`` (a
    module to register; default: found by entry point); ``page_size`` (2: a handful
    of records spans pages); ``paging`` (``"cursor"``, or ``"offset"`` for
    client-side offsets); ``expected_rejects`` (refs the connector must report and
    skip); ``operator``, ``defaults``, ``mappings`` (the configuration's);
    ``timeout`` (seconds a test may take, 120; 0: none).  The tests put a
    fault-injecting proxy between the connector and the system: ``url`` is the
    proxy's.  docs/connectors.md says what each test proves.
    """

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
                assert marked_secret(prop), f"setting {key!r} looks secret: make it a SecretStr"
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
        for secret in self.named_secrets(kind, settings).values():
            assert secret not in result.message, "check()'s message holds a secret"

    def test_check_reports_unreachable(self, kind: SourceType, system: Any) -> None:
        url = f"http://127.0.0.1:{closed_port()}"
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
            assert comparable(again.by_ref[ref]) == comparable(record)

    def test_fetch_matches_read(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        source = self.open(kind, system, proxy.url)
        for record in full.records[:3]:
            item = source.fetch(record.id)
            assert item.record is not None, item.error
            assert comparable(item.record) == comparable(record)
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
        served = self.serve_pages(proxy, repeating(self.paging))
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

    def test_older_record_changed(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        """The record read first, changed after the read: the next read from its
        checkpoint gives it (and not everything).  A checkpoint that keys on ids or
        creation sees only new records."""
        since = json.loads(json.dumps(full.checkpoint))
        oldest = ref_of(full.records[0])
        self.change_record(system, oldest)
        newer = self.read_all(self.open(kind, system, proxy.url, since=since))
        assert oldest in newer.refs, (
            f"record {oldest}, read first and changed since, is not in the next incremental "
            "read: the checkpoint must follow changes, not ids or creation"
        )
        assert len(newer.refs) < len(full.refs), "a read from a checkpoint read everything"

    def test_record_changed_during_the_read(
        self, kind: SourceType, system: Any, proxy: FaultServer, full: ReadResult
    ) -> None:
        """A record changed after its page was read, and a record added after that,
        while the read goes on: the record comes again later in the same read, or in
        the next read from its checkpoint.  A checkpoint taken from the newest change
        *seen* loses it unless the pages come in the order things changed."""
        moved: list[str] = []

        def hook(request: Request, body: Any) -> Any:
            items = self.page_items(body) if self.is_page(request) else []
            if items and not moved:
                ref = self.item_ref(items[0])
                self.change_record(system, ref)
                moved[:] = [ref, self.add_record(system)]
            return body

        proxy.page_hook = hook
        during = self.read_all(self.open(kind, system, proxy.url), repeats=True)
        proxy.page_hook = None
        assert moved, "no page of records was read: the test would prove nothing"
        changed, added = moved
        after = self.read_all(self.open(kind, system, proxy.url, since=during.checkpoint))
        again = [ref_of(r) for r in during.records].count(changed) > 1
        assert again or changed in after.refs, (
            f"record {changed} changed after its page was read, and {added} was added after "
            "it; neither the rest of that read nor the next read from its checkpoint gave "
            f"{changed} again: its change is lost (order the read by change time, or keep "
            "the checkpoint at or before the moment the read began)"
        )
        assert added in during.refs | after.refs, f"record {added}, added during a read, is lost"

    def test_incomplete_record(self, kind: SourceType, system: Any, proxy: FaultServer) -> None:
        """Values the system leaves out of a record (a field nobody filled in, one the API
        drops when empty) come out unknown: ``None``, which the rules treat as not known
        -- never a default that decides (``cii: False``, a category, a country)."""
        items: dict[str, Any] = {}

        def keep(request: Request, body: Any) -> Any:
            if self.is_page(request):
                items.update(
                    {self.item_ref(i): json.loads(json.dumps(i)) for i in self.page_items(body)}
                )
            return body

        proxy.page_hook = keep
        before = self.read_raw(self.open(kind, system, proxy.url))
        plan = scenarios.Omissions.plan({ref: items[ref] for ref in before if ref in items})
        fields = scenarios.deciding_fields()
        checked, problems = 0, []
        for omitted, after in self._reads_without(kind, system, proxy, plan):
            for ref, path in omitted.items():
                if ref not in after:
                    continue
                checked += 1
                for name, was, now in scenarios.defaulted(before[ref], after[ref], fields):
                    problems.append(
                        f"without {'.'.join(path)!r}, record {ref} has {name} = {now!r} "
                        f"(was {was!r})"
                    )
        assert checked, "no item could be read with a value left out: the test proves nothing"
        assert not problems, (
            "a value the system leaves out must come out unknown (None), never a default "
            "that decides: " + "; ".join(problems[:5])
        )

    def test_no_secret_in_logs(
        self,
        kind: SourceType,
        system: Any,
        proxy: FaultServer,
        caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """With DEBUG logging, good and bad credentials and faults: no secret -- whole, or
        its first or last characters -- in any log record (its message, arguments,
        traceback or ``extra`` fields, on any logger), check message, source error, or
        standard output and error."""
        caplog.set_level(logging.DEBUG)
        good = self.settings(system, proxy.url)
        bad = self.bad_credentials(good)
        said: list[str] = []
        collector = scenarios.Collector()
        with collector.installed("cyberreview", f"cyberreview.source.{self.name}"):
            self.open(kind, system, proxy.url).check()
            said.append(self.connect(kind, {**bad, "max_attempts": 1}, None).check().message)
            proxy.fail_next(Fault.status(500), match=self.is_page)
            self.read_all(self.open(kind, system, proxy.url))
            proxy.fail_next(Fault.body(self.error_body()), match=self.is_page)
            for settings in (good, {**bad, "max_attempts": 1}):
                try:
                    source = self.connect(kind, {**settings, "page_size": self.page_size}, None)
                    self.read_all(source)
                except SourceError as exc:
                    said.append(str(exc))
        secrets = {
            **{f"setting {k}": v for k, v in self.named_secrets(kind, good).items()},
            **{f"bad setting {k}": v for k, v in self.named_secrets(kind, bad).items()},
        }
        for request in proxy.requests:  # session tokens the connector obtained
            credential = request.headers.get("Authorization", "")
            for part in (credential, *credential.split()[1:]):
                if len(part) >= 8:
                    secrets.setdefault("a credential the connector sent", part)
        assert secrets, "no secret to look for: the test would prove nothing"
        assert collector.records, "nothing was logged: the test would prove nothing"
        printed = capsys.readouterr()
        places = {
            **{
                f"a log record of {r.name} ({r.levelname})": scenarios.record_text(r)
                for r in collector.records
            },
            "the captured log": caplog.text,
            "standard output": printed.out,
            "standard error": printed.err,
            **{f"a check message or source error ({n})": t for n, t in enumerate(said, 1)},
        }
        for place, text in places.items():
            leaked = scenarios.leak(text, secrets)
            if leaked:
                pytest.fail(f"a secret reached {place}: {leaked}", pytrace=False)
