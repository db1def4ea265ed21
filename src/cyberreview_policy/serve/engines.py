"""Engines for a service process: packs and waivers are loaded once, not per request.

An engine is kept per as-of date (the law in force differs by date) and is
rebuilt when the store's waivers change (a waiver granted through any replica,
or by ``cyberreview waivers``, applies from the next request on), and refused
while a waiver file of an earlier version is in ``$CYBERREVIEW_HOME``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..cases.base import CaseStore
from ..engine.core import Engine
from ..env import home_dir
from ..runtime import Runtime
from ..waivers import legacy_files

if TYPE_CHECKING:
    from ..policy.pack import Pack

_KEEP = 32  # as-of dates kept; a gate mostly asks about today


class Engines:
    def __init__(self, rt: Runtime, pins: Sequence[str]):
        self.rt = rt
        self.pins = tuple(pins)
        self._packs: OrderedDict[dt.date, list[Pack]] = OrderedDict()
        self._cache: OrderedDict[dt.date, tuple[object, Engine]] = OrderedDict()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load what every request needs before the first one comes."""
        self.rt.calendar  # noqa: B018
        self.rt.catalog  # noqa: B018

    def packs(self, as_of: dt.date) -> list[Pack]:
        """The packs in force on ``as_of`` (as pinned); raises what selecting them raises."""
        with self._lock:
            if as_of in self._packs:
                self._packs.move_to_end(as_of)
                return self._packs[as_of]
        packs = self.rt.packs(self.pins, as_of)
        with self._lock:
            _keep(self._packs, as_of, packs)
        return packs

    def for_date(self, as_of: dt.date, store: CaseStore) -> Engine:
        """The engine for ``as_of`` with ``store``'s waivers; raises what selecting
        packs or reading waivers raises."""
        stamp = (store.waivers_stamp(), legacy_files(home_dir()))  # refused while there
        with self._lock:
            cached = self._cache.get(as_of)
            if cached is not None and cached[0] == stamp:
                self._cache.move_to_end(as_of)
                return cached[1]
        engine = self.rt.engine(self.packs(as_of), store=store)
        with self._lock:
            _keep(self._cache, as_of, (stamp, engine))
        return engine


def _keep(cache: OrderedDict[dt.date, Any], key: dt.date, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _KEEP:
        cache.popitem(last=False)
