"""Engines for a service process: packs and waivers are loaded once, not per request.

An engine is kept per as-of date (the law in force differs by date) and is
rebuilt when a waiver file changes (``cyberreview waivers add`` on the same
host takes effect without a restart).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from ..engine.core import Engine
from ..env import home_dir
from ..runtime import Runtime

_KEEP = 32  # as-of dates kept; a gate mostly asks about today


def _stamp(files: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(out)


class Engines:
    def __init__(self, rt: Runtime, pins: Sequence[str]):
        self.rt = rt
        self.pins = tuple(pins)
        self._cache: OrderedDict[dt.date, tuple[object, Engine]] = OrderedDict()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load what every request needs before the first one comes."""
        self.rt.calendar  # noqa: B018
        self.rt.catalog  # noqa: B018

    def for_date(self, as_of: dt.date) -> Engine:
        """The engine for ``as_of``; raises what selecting packs or loading waivers raises."""
        from .. import waivers

        stamp = _stamp(waivers.waiver_files(home_dir()))
        with self._lock:
            cached = self._cache.get(as_of)
            if cached is not None and cached[0] == stamp:
                self._cache.move_to_end(as_of)
                return cached[1]
        engine = self.rt.engine(self.rt.packs(self.pins, as_of))
        with self._lock:
            self._cache[as_of] = (stamp, engine)
            while len(self._cache) > _KEEP:
                self._cache.popitem(last=False)
        return engine
