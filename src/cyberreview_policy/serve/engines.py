"""Engines for a service process: packs and waivers are loaded once, not per request.

An engine is kept per as-of date (the law in force differs by date) and is
rebuilt when the store's waivers change, and refused while a waiver file of an
earlier version is in ``$CYBERREVIEW_HOME``.  The store and the home are looked
at no more than once every :data:`LOOK_EVERY` seconds (a look per request was a
few per cent of the service's time): a waiver granted through this process
applies at once, one granted through another replica or ``cyberreview waivers``
within that second.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
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
LOOK_EVERY = 1.0  # seconds between looks at the store's waivers


class Engines:
    def __init__(self, rt: Runtime, pins: Sequence[str]):
        self.rt = rt
        self.pins = tuple(pins)
        self._packs: OrderedDict[dt.date, list[Pack]] = OrderedDict()
        self._cache: OrderedDict[dt.date, tuple[object, Engine]] = OrderedDict()
        self._lock = threading.Lock()
        self._stamp: object = None
        self._next_look = 0.0  # time.monotonic() of the next look at the waiver files

    def forget_waivers(self) -> None:
        """Look at the store's waivers on the next request (one was just granted here)."""
        self._next_look = 0.0

    def _waiver_stamp(self, store: CaseStore) -> object:
        now = time.monotonic()
        if now >= self._next_look:
            self._stamp = (store.waivers_stamp(), legacy_files(home_dir()))
            self._next_look = now + LOOK_EVERY
        return self._stamp

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
        stamp = self._waiver_stamp(store)  # old waiver files: refused while there
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
