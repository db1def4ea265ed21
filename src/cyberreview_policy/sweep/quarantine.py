"""Records a source gives that cannot be mapped no longer pin its checkpoint.

A complete read of a configured source moves its checkpoint on even when some
records could not be mapped (an unlisted category, a field of the wrong
kind): those are held in the case store's quarantine (source, id, reason),
and every later sweep of the source fetches each one again (the connector's
``fetch``) until it maps, or the system no longer has it.  While any is held,
the sweep is incomplete (exit 3) and lists it.

Holding many records is no cheaper than reading them all again: past
:data:`MOST` records (a mapping broken for a whole class of them, say), or
when one has no id to fetch it by, the checkpoint stays where it was, as it
always did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, SourceError
from .summary import Skip

#: the most records a source may hold in quarantine before its checkpoint stays put
MOST = 1000


class Requarantined:
    """A connector source read to its end, then its held records fetched again (those
    the read did not give already); what could not be fetched is kept in
    :attr:`unfetched`, and what the system no longer has in :attr:`gone`."""

    def __init__(self, source: Any, held: dict[str, Any]):
        self.source = source
        self.name = source.name
        self.shaper = source.shaper  # sweep workers shape a connector's dicts
        self.held = held
        self.unfetched: dict[str, str] = {}  # id -> why it could not be fetched
        self.gone: list[str] = []

    @property
    def checkpoint(self) -> Any:
        return self.source.checkpoint

    def read(self) -> Iterator[Any]:
        seen: set[str] = set()
        for item in self.source.read():
            record = item.record
            rid = record.id if record is not None else getattr(item.error, "record_id", None)
            if rid in self.held:
                seen.add(rid)
            yield item
        from ..connectors.host import shaped

        for _rid, raw in self._fetched(seen):
            yield shaped(self.shaper, raw)

    def payloads(self) -> Iterator[tuple[Location, Any]]:
        seen: set[str] = set()
        for where, raw in self.source.payloads():
            rid = raw.get("id") if isinstance(raw, dict) else None
            if rid in self.held:
                seen.add(rid)
            yield where, raw
        for rid, raw in self._fetched(seen):
            yield _where(self.name, rid), raw

    def _fetched(self, seen: set[str]) -> Iterator[tuple[str, Any]]:
        for rid in sorted(set(self.held) - seen):
            try:
                raw = self.source.fetch_raw(rid)
            except SourceError as exc:
                self.unfetched[rid] = exc.message
                continue
            if raw is None:
                self.gone.append(rid)
            else:
                yield rid, raw

    def unfetched_skips(self) -> list[Skip]:
        """A skip for each held record that could not be fetched: the run is incomplete."""
        return [
            Skip(
                _where(self.name, rid),
                f"held in quarantine since {self.held[rid].since}: could not fetch it again: {why}",
                rid,
            )
            for rid, why in sorted(self.unfetched.items())
        ]


def _where(name: str, rid: str) -> Location:
    return Location(f"{name}[{rid}]")


@dataclass
class Unmapped:
    """The records of one source a sweep skipped: what quarantine would hold."""

    held: dict[str, str] = field(default_factory=dict)  # id -> reason
    without_id: int = 0

    def add(self, skip: Skip) -> None:
        if skip.record_id and len(self.held) <= MOST:
            self.held[skip.record_id] = skip.message
        elif not skip.record_id:
            self.without_id += 1

    def why_not(self) -> str | None:
        """Why these records cannot be held (the checkpoint then stays); ``None``: they can."""
        if self.without_id:
            return f"{self.without_id} record(s) without an id to fetch them by"
        if len(self.held) > MOST:
            return f"more than {MOST} records could not be mapped"
        return None


def hold(store: Any, key: str, source: Any, unmapped: Unmapped | None, actor: str) -> str | None:
    """After a complete read of ``source``: hold what it could not map in quarantine
    (under checkpoint key ``key``) and return ``None`` -- the checkpoint may move on;
    or, when they cannot be held, change nothing and say why."""
    unmapped = unmapped or Unmapped()
    problem = unmapped.why_not()
    if problem is not None:
        return problem
    held = dict(unmapped.held)
    if isinstance(source, Requarantined):  # kept, with the reason it was held for
        held.update({rid: source.held[rid].reason for rid in source.unfetched})
    store.set_quarantine(key, held, actor)
    return None
