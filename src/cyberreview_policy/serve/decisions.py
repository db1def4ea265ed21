"""``POST /v1/decisions``: parse, decide under the case store, fail closed, remember.

Runs on a worker thread (see :mod:`.pool`).  What the service cannot do is
never an ``allow``: a source or store it cannot reach, a pack it cannot load,
a waiver it cannot use, a rule that fails, each gives ``block`` with an ``error``
naming a machine code, in an HTTP 200 answer like any decision (gates parse
one shape).  Only the caller's own mistakes are 4xx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from ..errors import (
    CaseStoreError,
    CyberreviewError,
    MissingRecordError,
    PluginUnavailable,
    Refusal,
    SourceError,
)
from ..i18n.catalog import _
from ..models.jsonout import compact
from ..runtime import Runtime
from .auth import Principal
from .engines import Engines
from .groupcommit import GroupCommit
from .metrics import Metrics
from .pool import Workers

log = logging.getLogger("cyberreview.serve")

#: how long a duplicate waits for the answer to the request that claimed its key
WAIT_FOR_DUPLICATE = 10.0
#: a claim this old was left by a process that died: the next request takes it over
CLAIM_STALE_AFTER = dt.timedelta(seconds=60)


@dataclass
class Parsed:
    records: list[Any]
    single: bool
    as_of: dt.date
    request_id: str | None
    fetch: tuple[str, str] | None = None  # (source, id)


def invalid_request(found: list[dict[str, str]]) -> Refusal:
    """400 naming every problem's path in the body, the first in the message."""
    first = found[0]
    message = f"{first['path']}: {first['message']}" + (
        _(" (and {count} more)").format(count=len(found) - 1) if len(found) > 1 else ""
    )
    return Refusal(400, "invalid_request", message, found)


def invalid_body(exc: Any, body: str | bytes) -> Refusal:
    """400 for a body that does not fit its shape (a pydantic validation error)."""
    return invalid_request(_problems(exc, body))


def _problems(
    exc: Any, text: str | bytes, prefix: tuple[str | int, ...] = ()
) -> list[dict[str, str]]:
    """The problems of a validation error as ``{path, message}``; a lone surrogate
    escape is found in ``text`` and named by its field, as files name it."""
    from ..errors import dotted, is_invalid_json, problems
    from ..models.validate import SURROGATE, shown, surrogate_in
    from .schemas import SHAPE_TAGS

    found = problems(exc, drop=SHAPE_TAGS)
    if found and is_invalid_json(exc):
        surrogate = surrogate_in(text)
        if surrogate is not None:
            return [{"path": shown((*prefix, *surrogate)), "message": SURROGATE}]
    return [{"path": dotted((*prefix, *p.loc)) or "(body)", "message": p.message} for p in found]


def _records(raw: list[dict[str, Any]], prefix: str | None) -> list[Any]:
    """Each record through the one validator; 400 with every record's problems."""
    import json

    from ..models.jsonout import json_default
    from ..models.validate import ValidationError, from_json

    out: list[Any] = []
    found: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        text = json.dumps(item, default=json_default)
        where: tuple[str | int, ...] = (prefix, index) if prefix else (index,)
        try:
            out.append(from_json(text))
        except ValidationError as exc:
            found.extend(_problems(exc, text, where))
    if found:
        raise invalid_request(found)
    return out


def parse(body: bytes, today: dt.date) -> Parsed:
    """The request body, validated; :class:`Refusal` (400) with the field errors."""
    from ..models.validate import ValidationError, from_json
    from .schemas import FetchRequest, RawRecordsRequest, parse_adapter

    if not body.strip():
        raise Refusal(400, "invalid_request", _("the body is empty: send a record as JSON"), [])
    check_body(body)
    if body.lstrip()[:1] == b"{":
        try:  # the common case, a record: straight to the one validator
            return Parsed([from_json(body)], True, today, None)
        except ValidationError as exc:
            record_error = exc
    else:
        record_error = None
    try:
        value = parse_adapter().validate_json(body)
    except ValidationError as exc:
        raise invalid_request(_problems(exc, body)) from None
    if isinstance(value, FetchRequest):
        return Parsed([], True, value.as_of or today, value.request_id, (value.source, value.id))
    if isinstance(value, RawRecordsRequest):
        records = _records(value.records, "records")
        return Parsed(records, False, value.as_of or today, value.request_id)
    if isinstance(value, list):
        return Parsed(_records(value, None), False, today, None)
    assert record_error is not None  # a record's shape, and the validator refused it
    raise invalid_request(_problems(record_error, body))


def check_body(body: bytes) -> None:
    """400 for a JSON body that says one thing twice (a key in a record, a list, the
    envelope, a transition), or holds NaN, Infinity or NUL (which no PostgreSQL text
    column holds): every body is checked whole, before its parts are taken apart."""
    from ..errors import dotted
    from ..models.jsoncheck import unfit

    found = unfit(body)
    if found is not None:
        message = (
            found.message
            if found.line is None
            else _("invalid JSON: {error}").format(error=found.parse_error)
        )
        raise invalid_request([{"path": dotted(found.loc) or "(body)", "message": message}])


def refused_decision(
    record_id: str, as_of: dt.date, packs: list[dict[str, str]], code: str, message: str
) -> dict[str, Any]:
    """``block``: the service could not decide ``record_id``, and says why."""
    unknown = {"id": "none", "version": "0"}
    return {
        "record_id": record_id,
        "decision": "block",
        "as_of": as_of,
        "pack": packs[0] if packs else unknown,
        "packs": packs,
        "findings": [],
        "actions": [],
        "cases": [],
        "source": None,
        "error": {"code": code, "message": message},
    }


def scoped_key(principal: Principal, key: str) -> str:
    """Where ``key`` is kept: under the caller's token id (its name may be shared by a
    token revoked before, and names may contain the separator), length-prefixed so
    that no two (caller, key) pairs spell the same string."""
    owner = principal.token_id or f"anonymous:{principal.role}"
    return f"{len(owner)}:{owner}:{key}"


def answer(data: Any) -> str:
    """The answer's JSON text: compact, written by orjson (the service's busiest step
    after the decision itself was serialising it with the standard library)."""
    return compact(data).decode()


class RequestDecider:
    """Answers ``POST /v1/decisions``: parses, decides each record, remembers answers."""

    def __init__(
        self,
        rt: Runtime,
        engines: Engines,
        workers: Workers,
        metrics: Metrics,
        commits: GroupCommit,
    ):
        self.rt = rt
        self.engines = engines
        self.workers = workers
        self.metrics = metrics
        self.commits = commits

    def _fetch(self, source: str, record_id: str) -> Any:
        """The record, or ``(code, message)`` when the source cannot give it."""
        from ..errors import ConfigError

        try:
            configured = self.rt.config.file.sources
        except ConfigError as exc:
            return ("config_error", str(exc))
        if source not in configured:
            known = ", ".join(sorted(configured)) or "none"
            raise Refusal(
                400,
                "unknown_source",
                _("source: no source {source} is configured (configured: {known})").format(
                    source=repr(source), known=known
                ),
                [
                    {
                        "path": "source",
                        "message": _("not configured (configured: {known})").format(known=known),
                    }
                ],
            )
        try:
            item = self.rt.configured_source(source).fetch(record_id)
        except MissingRecordError as exc:
            self.metrics.source_error(source)
            return ("record_not_found", str(exc))
        except SourceError as exc:
            self.metrics.source_error(source)
            return ("source_unavailable", str(exc))
        except CyberreviewError as exc:
            self.metrics.source_error(source)
            return (
                "source_unavailable",
                _("source {source}: {message}").format(source=source, message=exc),
            )
        if item.error is not None:
            return ("source_record_invalid", str(item.error))
        return item.record

    def decide(self, parsed: Parsed, principal: Principal, lang: str = "en") -> Any:
        """Decision data for the request (one decision, or a list); in a language other
        than English the findings also carry their ``*_localized`` texts."""
        data, engine, records = self._decided(parsed, principal)
        return self._localized(data, engine, records, lang)

    def _localized(self, data: Any, engine: Any, records: list[Any], lang: str) -> Any:
        """``data`` (decided, in English) with its findings' texts in ``lang`` too, from
        ``records`` (each decision's record, in order); refused decisions stay as they are."""
        if lang == "en" or engine is None:
            return data
        for decision, record in zip(
            data if isinstance(data, list) else [data], records, strict=True
        ):
            if "error" not in decision and not isinstance(record, str):
                engine.localized(decision, record, lang)
        return data

    def _decided(self, parsed: Parsed, principal: Principal) -> tuple[Any, Any, list[Any]]:
        """The request decided, in English: the data, the engine and the records decided."""
        refs: list[dict[str, str]] = []
        engine = None
        failed: tuple[str, str] | None = None
        try:
            packs = self.engines.packs(parsed.as_of)
            refs = [{"id": p.ref["id"], "version": p.ref["version"]} for p in packs]
            with self.workers.store() as store:
                engine = self.engines.for_date(parsed.as_of, store)
        except PluginUnavailable as exc:
            failed = ("plugin_unavailable", str(exc))
        except CaseStoreError as exc:
            self.metrics.store_error()
            failed = ("store_unavailable", str(exc))
        except CyberreviewError as exc:
            failed = ("policy_unavailable", str(exc))
        records = parsed.records
        if parsed.fetch is not None:
            got = self._fetch(*parsed.fetch)
            if isinstance(got, tuple):
                failed = failed or got
                records = [parsed.fetch[1]]
            else:
                records = [got]
        out = []
        for record in records:
            if failed is not None or engine is None:
                code, message = failed or ("policy_unavailable", "no engine")
                rid = record if isinstance(record, str) else str(record.id)
                decision = refused_decision(rid, parsed.as_of, refs, code, message)
            else:
                decision = self._one(engine, record, parsed.as_of, principal, refs)
            self.metrics.decided(decision["decision"], decision.get("error"))
            out.append(decision)
        return (out[0] if parsed.single else out), engine, records

    def _one(
        self, engine: Any, record: Any, as_of: dt.date, who: Principal, refs: list[dict[str, str]]
    ) -> Any:
        from ..cases.service import decision_audit
        from ..engine.gatekeeper import Gatekeeper
        from ..errors import EvaluationError

        try:
            with self.workers.store() as store:
                gatekeeper = Gatekeeper(engine, store, self.rt.calendar, who.actor)
                decision = gatekeeper.decide(record, as_of, audit=None)
            # in the audit trail before it is answered: committed with the others of the moment
            self.commits.audit("gate.decision", who.actor, **decision_audit(decision, record))
            return decision
        except EvaluationError as exc:
            log.error("evaluation failed: %s", type(exc).__name__)
            return refused_decision(record.id, as_of, refs, "evaluation_failed", str(exc))
        except CaseStoreError as exc:
            self.metrics.store_error()
            return refused_decision(record.id, as_of, refs, "store_unavailable", str(exc))

    def handle(
        self, body: bytes, principal: Principal, key: str | None, lang: str = "en"
    ) -> tuple[int, str]:
        """Status and JSON text of the answer to ``body``; :class:`Refusal` for 4xx."""
        today = dt.date.today()
        parsed = parse(body, today)
        if parsed.as_of != today and not principal.allow_as_of:
            raise Refusal(
                403,
                "as_of_not_allowed",
                _(
                    "as_of {as_of}: this token decides under the law in force today "
                    "({today}); choosing another date needs a token created with "
                    "--allow-as-of"
                ).format(as_of=parsed.as_of, today=today),
                [{"path": "as_of", "message": _("not allowed for this token")}],
            )
        if key and parsed.request_id and key != parsed.request_id:
            raise Refusal(
                400,
                "invalid_request",
                _("request_id differs from the Idempotency-Key header: send one of them"),
                [{"path": "request_id", "message": _("differs from the Idempotency-Key header")}],
            )
        key = key or parsed.request_id
        if key is None:
            return 200, answer(self.decide(parsed, principal, lang))
        return self._idempotent(body, parsed, principal, key, lang)

    def _idempotent(
        self, body: bytes, parsed: Parsed, principal: Principal, key: str, lang: str
    ) -> tuple[int, str]:
        """The stored answer to ``key``, or a new one (this request claimed the key).

        The answer is kept in English; each request, the first and every replay, gets
        it in its own language (:meth:`_replayed`)."""
        from ..cases.servestate import serve_store

        scoped = scoped_key(principal, key)
        fingerprint = hashlib.sha256(body).hexdigest()
        deadline = time.monotonic() + WAIT_FOR_DUPLICATE
        try:
            while True:
                with self.workers.store() as store:
                    kept = serve_store(store).stored_response(scoped)
                    stale = dt.datetime.now(dt.UTC) - CLAIM_STALE_AFTER
                    if (kept is None or kept.pending) and serve_store(store).claim_response(
                        scoped, fingerprint, stale
                    ):
                        break
                if kept is None:
                    continue  # released meanwhile: claim again
                if kept.fingerprint != fingerprint:
                    raise Refusal(
                        422,
                        "idempotency_key_reused",
                        _("Idempotency-Key {key} was used before for a different request").format(
                            key=repr(key)
                        ),
                    )
                if not kept.pending:
                    return kept.status, self._replayed(kept.body, parsed, lang)
                if time.monotonic() > deadline:
                    raise Refusal(
                        409,
                        "request_in_progress",
                        _("a request with Idempotency-Key {key} is still being decided").format(
                            key=repr(key)
                        ),
                    )
                time.sleep(0.02)  # a duplicate in flight: its answer comes in milliseconds
        except CaseStoreError:  # store_unavailable: not kept
            return 200, answer(self.decide(parsed, principal, lang))
        return self._answer_claimed(parsed, principal, scoped, lang)

    def _replayed(self, text: str, parsed: Parsed, lang: str) -> str:
        """A kept answer (English) in ``lang``: the findings' texts localized anew from
        the request's records (the body is the same, so are they; a fetched record is
        fetched again). When that cannot be done (the source or the store does not
        answer) the kept answer is given as it is, in English: no ``lang`` says so."""
        if lang == "en":
            return text
        import json

        data = json.loads(text)
        records = parsed.records
        if parsed.fetch is not None:
            got = self._fetch(*parsed.fetch)
            if isinstance(got, tuple):
                return text
            records = [got]
        try:
            with self.workers.store() as store:
                engine = self.engines.for_date(parsed.as_of, store)
        except CyberreviewError:
            return text
        for decision in data if isinstance(data, list) else [data]:
            decision["as_of"] = dt.date.fromisoformat(decision["as_of"])
        return answer(self._localized(data, engine, records, lang))

    def _answer_claimed(
        self, parsed: Parsed, principal: Principal, scoped: str, lang: str
    ) -> tuple[int, str]:
        """Decide the request whose key this one claimed, and keep the answer (in
        English); a fail-closed block is not kept (the claim is released: the next try
        decides)."""
        from ..cases.servestate import serve_store

        completed = False
        try:
            data, engine, records = self._decided(parsed, principal)
            text = answer(data)
            if not any("error" in d for d in (data if isinstance(data, list) else [data])):
                with contextlib.suppress(CaseStoreError), self.workers.store() as store:
                    serve_store(store).complete_response(scoped, 200, text)
                    completed = True
            if lang != "en":
                text = answer(self._localized(data, engine, records, lang))
            return 200, text
        finally:
            if not completed:
                with contextlib.suppress(CaseStoreError), self.workers.store() as store:
                    serve_store(store).release_response(scoped)
