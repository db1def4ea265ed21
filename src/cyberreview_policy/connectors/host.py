"""The host side of a connector: isolation, validation, mappings, checkpoints.

:class:`ConnectorSource` turns a connector into a
:class:`~cyberreview_policy.sources.base.Source` the sweep and the gate read:

- whatever the connector raises fails *its* source, named, never the run;
- each dict it yields gets the configured operator facts and defaults where it
  leaves them unknown, and its mappings, then is validated as a canonical
  record; a record that does not fit is reported with its source reference and
  skipped;
- the last :class:`~.api.Checkpoint` it yields is kept, for the caller to
  store once the read is complete (a read that fails never advances it).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ..config import Source as ConfiguredSource
from ..errors import (
    CyberreviewError,
    HttpError,
    Location,
    MissingRecordError,
    RecordError,
    SourceError,
)
from ..i18n.catalog import _
from ..plugin.types import SourceType
from ..sources.base import Item
from . import redact
from .api import Checkpoint, CheckResult, Connector, SourceContext
from .dotted import get, put
from .http import HttpClient, RateBudget, RetryPolicy


class Shaper:
    """Operator facts, defaults and mappings of one configured source, applied to raw dicts."""

    def __init__(self, source: ConfiguredSource, operator_defaults: dict[str, Any]):
        self.name = source.name
        settings = source.config
        self.operator = {
            **operator_defaults,
            **(settings.operator.model_dump(exclude_none=True) if settings.operator else {}),
        }
        self.defaults = settings.defaults
        self.mappings = settings.mappings

    def apply(self, raw: dict[str, Any]) -> dict[str, Any]:
        """``raw`` completed: the objects on the paths written are copied, the rest shared
        (a deep copy of every record would cost a third of the host's time)."""
        data = dict(raw)
        for key, value in self.operator.items():
            put(data, f"operator.{key}", value, only_if_unknown=True, copy_parents=True)
        for path, value in self.defaults.items():
            put(data, path, value, only_if_unknown=True, copy_parents=True)
        for target, mapping in self.mappings.items():
            if mapping.if_unknown and get(data, target) is not None:
                continue
            mapped = self._map(target, mapping, get(data, mapping.from_))
            if mapped is not None:
                put(data, target, mapped, copy_parents=True)
        return data

    def _map(self, target: str, mapping: Any, value: Any) -> Any:
        """What ``mapping`` makes of ``value`` (``None``: leave the field alone)."""
        if value is None:
            return mapping.missing
        if mapping.values is None:
            return value
        if str(value) in mapping.values:
            return mapping.values[str(value)]
        if mapping.default is not None:
            return mapping.default
        if mapping.unlisted == "keep":
            return value
        raise RecordError(
            _(
                "no mapping for {value} (from {origin}; add it under "
                "sources.{source}.mappings.{target}.values, a default, or unlisted: keep)"
            ).format(value=repr(value), origin=mapping.from_, source=self.name, target=target),
            field=target,
        )


def http_factory(name: str, settings: Any) -> Callable[..., HttpClient]:
    """``http(base_url, **options)``: the host's HTTP client with the timeouts, retries
    and rate budget of ``settings`` (a :class:`~.api.ConnectorSettings`); for sources
    and case trackers alike."""
    rate = RateBudget(float(getattr(settings, "requests_per_second", 0) or 0))
    timeout = (
        float(getattr(settings, "connect_timeout", 5.0)),
        float(getattr(settings, "read_timeout", 30.0)),
    )
    attempts = int(getattr(settings, "max_attempts", 5))

    def http(base_url: str = "", **options: Any) -> HttpClient:
        """The host's HTTP client, with the settings' timeouts, retries and rate budget."""
        options.setdefault("rate", rate)
        options.setdefault("timeout", timeout)
        options.setdefault("retry", RetryPolicy(attempts=attempts))
        return HttpClient(base_url, name=name, **options)

    return http


def redacted_logger(name: str, secrets: list[str]) -> logging.Logger:
    """A logger whose lines never carry ``secrets`` (nor URLs' credentials)."""
    logger = logging.getLogger(name)
    redact.install(logger)
    redact.install(logging.getLogger("urllib3.connectionpool"))  # logs URLs
    redact.register_secrets(secrets)
    return logger


def context(source: ConfiguredSource, kind: SourceType) -> SourceContext:
    logger = redacted_logger(f"cyberreview.source.{source.name}", source.secrets)
    settings = source.settings
    assert settings is not None
    return SourceContext(source.name, settings, http_factory(source.name, settings), logger)


def _isolated(name: str, what: str, exc: BaseException) -> SourceError:
    """What a connector raised, as its source's error; secrets masked."""
    if isinstance(exc, SourceError):
        return SourceError(exc.source, redact.redact(exc.message))
    if isinstance(exc, HttpError | CyberreviewError):
        return SourceError(name, redact.redact(f"{what}: {exc}"))
    text = _("{what}: the connector failed: {type}: {error}").format(
        what=what, type=type(exc).__name__, error=exc
    )
    return SourceError(name, redact.redact(text))


class ConnectorSource:
    """A configured connector, read the way the host reads every source."""

    def __init__(
        self,
        connector: Connector,
        shaper: Shaper,
        since: Any | None = None,
    ):
        self.connector = connector
        self.shaper = shaper
        self.name = shaper.name
        self.since = since
        self.checkpoint: Any | None = None  # set when a read completes

    def check(self) -> CheckResult:
        try:
            result = self.connector.check()
            return CheckResult(result.ok, redact.redact(result.message), result.details)
        except Exception as exc:  # a connector must not take the host down
            return CheckResult(False, str(_isolated(self.name, _("check"), exc)))
        finally:
            self._close()

    def _close(self) -> None:
        """The connector's optional ``close()``; its failure changes no outcome."""
        close = getattr(self.connector, "close", None)
        if close is None:
            return
        try:
            close()
        except Exception as exc:
            logging.getLogger(f"cyberreview.source.{self.name}").info("close: %s", exc)

    def _raw(self) -> Iterator[Any]:
        """The connector's records as it yields them; the checkpoint is kept once the
        read completes."""
        pending = None
        try:
            for raw in self.connector.read(self.since):
                if isinstance(raw, Checkpoint):
                    pending = raw.value
                    continue
                yield raw
        except GeneratorExit:
            raise
        except Exception as exc:
            raise _isolated(self.name, _("read"), exc) from None
        finally:
            self._close()
        self.checkpoint = pending

    def read(self) -> Iterator[Item]:
        for raw in self._raw():
            yield shaped(self.shaper, raw)

    def payloads(self) -> Iterator[tuple[Location, Any]]:
        """The records unshaped, for :func:`shaped` elsewhere: sweep workers shape and
        validate in parallel, and a dict costs far less to send than a record."""
        for raw in self._raw():
            yield _where(self.name, raw), raw

    def fetch_raw(self, record_id: str) -> Any | None:
        """The connector's dict for one record, unshaped; ``None`` when the system has
        no such record (raises :class:`SourceError` when it cannot say)."""
        try:
            return self.connector.fetch(record_id)
        except Exception as exc:
            raise _isolated(self.name, _("fetch {id}").format(id=record_id), exc) from None
        finally:
            self._close()

    def fetch(self, record_id: str) -> Item:
        raw = self.fetch_raw(record_id)
        if raw is None:
            raise MissingRecordError(self.name, record_id)
        return shaped(self.shaper, raw)


def _where(name: str, raw: Any) -> Location:
    ref = get(raw, "source.ref") or get(raw, "id") if isinstance(raw, dict) else None
    return Location(f"{name}[{ref}]")


def shaped(shaper: Shaper, raw: Any) -> Item:
    """One record as the connector yielded it: shaped by the configuration, stamped with
    its source, validated; an item with the error when it does not fit (never raises
    for bad data; a connector that yields something else than a dict is its failure)."""
    try:
        return _shaped(shaper, raw)
    except CyberreviewError:
        raise
    except Exception as exc:
        raise _isolated(shaper.name, _("read"), exc) from None


def _shaped(shaper: Shaper, raw: dict[str, Any]) -> Item:
    from ..models.validate import ValidationError, from_json
    from ..sources.files import record_error

    where = _where(shaper.name, raw)
    try:
        data = shaper.apply(raw)
    except RecordError as exc:
        return Item(where, error=RecordError(exc.message, where, exc.field, str(raw.get("id"))))
    given = data.get("source")
    source = data["source"] = dict(given) if isinstance(given, dict) else {}
    source["adapter"] = shaper.name
    source.setdefault("fetched_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    text = _json(data)
    try:
        return Item(where, from_json(text))
    except ValidationError as exc:
        lenient = without_invalid(data, exc)
        if lenient is not None:
            try:
                return Item(where, from_json(_json(lenient[0])), problems=lenient[1])
            except ValidationError:
                pass
        error = record_error(exc, text, where, pinpoint=False)
        # one problem, a field missing (told by its type: the message may be translated)
        missing = [e["type"] for e in exc.errors(include_url=False)] == ["missing"]
    if missing:
        message = _(
            "{message} (the source gives none: set it with sources.{source}.mappings or "
            "sources.{source}.defaults)"
        ).format(message=error.message, source=shaper.name)
        error = RecordError(message, error.location, error.field, error.record_id)
    return Item(where, error=error)


def connect(
    kind: SourceType,
    source: ConfiguredSource,
    operator: dict[str, Any] | None = None,
    since: Any | None = None,
) -> ConnectorSource:
    """Start ``kind``'s connector for configured ``source``; ``operator``: file-wide facts."""
    try:
        factory = kind.connector()
        if factory is None:
            raise SourceError(
                source.name,
                _("source type {type} is not a connector").format(type=repr(kind.name)),
            )
        connector = factory(context(source, kind))
    except Exception as exc:
        raise _isolated(source.name, _("connect"), exc) from None
    return ConnectorSource(connector, Shaper(source, operator or {}), since)


#: what a record cannot be decided without: a wrong value here skips the record
REQUIRED = {("id",), ("kind",), ("operator", "name"), ("product", "name"), ("product", "category")}


def without_invalid(
    data: dict[str, Any], exc: Any
) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    """``data`` with every value of the wrong type removed (made unknown), and what was
    removed; ``None`` when a required field is wrong or missing (the record is skipped).

    Systems hold what people typed: ``"16 Tbps"`` in a number field, ``"2027-3-1"``
    in a date.  Such a value is unknown, and unknown is not false: the record is
    decided without it (the rules treat it as not known) and the problem is
    reported, rather than the whole record being skipped.
    """
    from ..errors import problems

    found = problems(exc)
    cleaned = copy.deepcopy(data)
    order = sorted(
        found, key=lambda p: [(0, x, "") if isinstance(x, int) else (1, 0, x) for x in p.loc]
    )
    for problem in reversed(order):  # later list items first: indexes stay right
        loc = problem.loc
        if not loc or loc[:2] in REQUIRED or loc[:1] in REQUIRED or "missing" in problem.message:
            return None
        parent: Any = cleaned
        try:
            for part in loc[:-1]:
                parent = parent[part]
            del parent[loc[-1]]
        except (KeyError, IndexError, TypeError):
            return None
    return cleaned, tuple(str(p) for p in found)


def _json(data: Any) -> str:
    import json

    from ..models.jsonout import json_default

    return json.dumps(data, default=json_default)
