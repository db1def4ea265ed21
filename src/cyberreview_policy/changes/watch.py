"""``cyberreview changes watch``: poll for changes awaiting our decision, for instances
that cannot call out.

Each round asks the change system for its pending changes (in approval mode:
approvals requested from us; in work-note mode: changes in the watched
states) and handles each once.  The checkpoint, a JSON file in
``$CYBERREVIEW_HOME/changes/``, remembers what was handled: a change is
handled again only when it changed since (its ``updated`` moved, or a new
approval was asked of us) or when the last attempt failed.  Posting is
idempotent anyway (:mod:`.report`); the checkpoint spares the CMDB and the
case store a decision per round.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..env import private_dir
from ..errors import ChangeSystemError
from ..i18n.catalog import _


@dataclass
class Checkpoint:
    """What a watch handled, by change id: the key posted, the run, and ``updated``."""

    path: Path
    handled: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            raise ChangeSystemError(
                path.stem,
                _("cannot read the watch checkpoint {path}: {exc}").format(path=path, exc=exc),
            ) from None
        return cls(path, dict(data.get("handled") or {}))

    def seen(self, change_id: str, cycle: str, updated: str) -> bool:
        """Handled already, and neither the change nor its round of decision moved since."""
        entry = self.handled.get(change_id)
        if entry is None or not updated:
            return False
        return entry.get("updated") == updated and entry.get("cycle", "") == cycle

    def mark(self, change_id: str, **entry: Any) -> None:
        self.handled[change_id] = entry

    def save(self) -> None:
        """Atomically: write a sibling file and rename it over the checkpoint."""
        private_dir(self.path.parent)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"handled": self.handled}, indent=1), "utf-8")
        os.replace(temporary, self.path)


class Stop:
    """Set by SIGINT/SIGTERM: the round in progress finishes its change, then the
    watch ends cleanly."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        import signal

        def stop(signum: int, frame: Any) -> None:
            if self.event.is_set():  # a second Ctrl-C: stop now
                raise KeyboardInterrupt
            self.event.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped; True when stopped."""
        return self.event.wait(seconds)

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


def watch(
    round_: Callable[[], None],
    *,
    interval: float,
    once: bool,
    stop: Stop,
) -> None:
    """Run ``round_`` now, then every ``interval`` seconds until stopped (or once)."""
    while not stop.stopped:
        round_()
        if once or stop.wait(interval):
            return
