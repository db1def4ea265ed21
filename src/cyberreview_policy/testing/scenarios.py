"""The harder contract scenarios, as functions the contract's tests call: a time
limit per test, records whose fields the system leaves out, and secrets (or
their first characters) in log records.
"""

from __future__ import annotations

import logging
import signal
import threading
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel

from ..connectors.dotted import get

#: the shortest start of a secret that counts as leaking it (``token[:8]`` in a log line)
PREFIX = 8


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fail ``what`` with a message once it has run ``seconds`` (``0``: no limit).

    A connector that retries a refusal forever, or waits without a timeout, would
    otherwise hang the test run.  Uses ``SIGALRM``: in the main thread on POSIX;
    elsewhere the block runs without a limit.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:
        yield
        return

    def expired(signum: int, frame: types.FrameType | None) -> None:
        pytest.fail(
            f"{what} ran longer than {seconds:g} s (the kit's `timeout`): the connector "
            "hangs -- does it retry a refusal (401, 403) forever, or wait without a "
            "timeout?  Let the host's HTTP client retry, and raise on what it gives up on",
            pytrace=True,
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- records the system gives incomplete -------------------------------------------------


def _leaves(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted path, annotation, default) of every leaf of ``model``."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(options) == 1:
            annotation = options[0]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaves(annotation, f"{prefix}{name}.")
            continue
        free_text = annotation is str and not any(hasattr(m, "pattern") for m in info.metadata)
        if not free_text:
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            yield f"{prefix}{name}", annotation, default


def deciding_fields() -> dict[str, Any]:
    """The record fields a decision can turn on -- flags, numbers, enumerations, codes,
    dates -- and the value each has when unknown (``None``, or the model's default)."""
    from ..models.record import Record

    skip = ("id", "kind", "materials", "attributes")
    return {
        path: default
        for path, _annotation, default in _leaves(Record)
        if path not in skip and not path.startswith("source.")
    }


def item_paths(item: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The paths of an item's values (objects walked into, lists taken whole)."""
    if not isinstance(item, dict):
        return []
    paths: list[tuple[str, ...]] = []
    for key, value in item.items():
        here = (*prefix, str(key))
        inner = item_paths(value, here) if isinstance(value, dict) and value else []
        paths += inner or [here]
    return paths


def without(item: Any, path: tuple[str, ...]) -> None:
    """Remove ``path`` from ``item``, in place."""
    *parents, last = path
    for key in parents:
        item = item.get(key) if isinstance(item, dict) else None
    if isinstance(item, dict):
        item.pop(last, None)


@dataclass
class Omissions:
    """Which item leaves out which value, in which read: each value is left out of up to
    three items that hold different values there (``True`` and ``False``, two
    countries), and each item leaves out one value a read."""

    rounds: list[dict[str, tuple[str, ...]]] = field(default_factory=list)  # ref -> path

    @classmethod
    def plan(cls, items: dict[str, Any]) -> Omissions:
        jobs: dict[str, list[tuple[str, ...]]] = {ref: [] for ref in items}
        every = {path: None for item in items.values() for path in item_paths(item)}
        for path in every:
            having = [ref for ref, item in items.items() if _at(item, path) not in (None, "")]
            having.sort(key=lambda ref: len(jobs[ref]))
            by_value: dict[str, str] = {}
            for ref in having:
                by_value.setdefault(repr(_at(items[ref], path)), ref)
            for ref in list(by_value.values())[:3]:
                jobs[ref].append(path)
        depth = max((len(paths) for paths in jobs.values()), default=0)
        rounds = [
            {ref: paths[n] for ref, paths in jobs.items() if n < len(paths)} for n in range(depth)
        ]
        return cls(rounds)


def _at(item: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        item = item.get(key) if isinstance(item, dict) else None
    return item


def defaulted(
    before: dict[str, Any], after: dict[str, Any], fields: dict[str, Any]
) -> list[tuple[str, Any, Any]]:
    """(field, value before, value after) for each deciding field that a missing value
    turned into another known value (a flag, a number, a code) rather than unknown."""
    found = []
    for path, unknown in fields.items():
        was, now = get(before, path), get(after, path)
        decides = isinstance(now, bool | int | float | str)  # not what is left of an object
        if decides and now not in (was, unknown):
            found.append((path, was, now))
    return found


# -- secrets in what the connector logged --------------------------------------------------

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


def record_text(record: logging.LogRecord) -> str:
    """A log record as any handler might write it: the message, its arguments, the
    traceback, and the ``extra`` fields a JSON formatter would include."""
    parts = [record.getMessage(), str(record.msg), repr(record.args)]
    if record.exc_text:
        parts.append(record.exc_text)
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    parts += [f"{k}={v!r}" for k, v in vars(record).items() if k not in _STANDARD]
    return "\n".join(parts)


class Collector(logging.Handler):
    """Every record of the process at DEBUG and up, whatever its logger's own handlers."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @contextmanager
    def installed(self, *names: str) -> Iterator[Collector]:
        loggers = [logging.getLogger(name) for name in ("", *names)]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.addHandler(self)
            logger.setLevel(logging.DEBUG)
        try:
            yield self
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.removeHandler(self)
                logger.setLevel(level)


def leak(text: str, secrets: dict[str, str]) -> str | None:
    """Which secret ``text`` gives away, whole or by its first or last :data:`PREFIX`
    characters (``None``: none); named by where it came from, never shown.  A start or
    end made of letters only (``password``) is a word a message may well hold, and
    does not count."""
    for name, secret in secrets.items():
        if secret in text:
            return f"{name} (the whole value)"
        if len(secret) < 2 * PREFIX or len(set(secret)) <= 4:
            continue
        for where, part in (("first", secret[:PREFIX]), ("last", secret[-PREFIX:])):
            if not part.isalpha() and part in text:
                return f"{name} (its {where} {PREFIX} characters)"
    return None
