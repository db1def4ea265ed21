"""Push cases to a tracker, never creating an issue twice.

For each case (``docs/trackers.md`` says why each step is there):

1. Linked already (the store knows the issue's key): send it only if what the
   tracker shows changed (the view's digest), by ``update``.
2. Not linked, and ended before it was ever mirrored: skipped.
3. Not linked: ``find`` the issue by its fingerprint label first.  Found (a
   create whose answer was lost, a store restored from a backup): link it.
4. Not found, but an *intent* is on record (a create may have been sent, and
   the tracker's search index may not show it yet): search again, with
   backoff, until the tracker's ``search_lag`` after the intent has passed.  A
   create sent after the intent would be found by then, so none was made.
5. Record the intent and commit it; then ``create`` (sent once: never
   retried when its outcome is unknown); store the key; then ``update`` (the
   workflow state), and store what was sent.  A create the tracker certainly
   refused (an :class:`~cyberreview_policy.connectors.HttpError` that is not
   ``retryable``: a 4xx, or no connection at all) clears the intent.

A crash or a lost answer anywhere leaves either the key or the intent in the
store, and the next sync resumes from there.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..cases.base import CaseStore
from ..cases.trackerstate import TrackerRef
from ..connectors import redact
from ..errors import HttpError
from .api import TrackedCase, Tracker

log = logging.getLogger("cyberreview.trackers")
redact.install(log)

INTENT_MARGIN = 1.0  # seconds: intents are stored to the second
HEARTBEAT = 60.0  # seconds between heartbeats of the run lock


@dataclass
class SyncResult:
    """What one sync did with one tracker."""

    tracker: str
    created: list[str] = field(default_factory=list)  # case ids
    updated: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # found by fingerprint, not created
    unchanged: int = 0
    skipped: int = 0  # ended before ever being mirrored
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case id, reason)

    @property
    def ok(self) -> bool:
        return not self.failed

    def line(self) -> str:
        return (
            f"{self.tracker}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.linked)} found and linked, {self.unchanged} unchanged, "
            f"{self.skipped} skipped (ended before being mirrored), {len(self.failed)} failed"
        )


class TrackerSync:
    """One tracker, one store; :meth:`run` pushes a batch of cases."""

    def __init__(
        self,
        name: str,
        tracker: Tracker,
        store: CaseStore,
        actor: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):
        self.name = name
        self.tracker = tracker
        self.store = store
        self.actor = actor
        self.sleep = sleep
        self.now = now
        self.heartbeat: Callable[[], None] | None = None  # keeps a run lock alive

    def _beat(self, last: float) -> float:
        if self.heartbeat is not None and time.monotonic() - last > HEARTBEAT:
            self.heartbeat()
            return time.monotonic()
        return last

    def run(self, cases: Iterable[TrackedCase]) -> SyncResult:
        result = SyncResult(self.name)
        refs = self.store.tracker_refs(self.name)
        beat = time.monotonic()
        for case in cases:
            beat = self._beat(beat)
            try:
                outcome = self.push(case, refs.get(case.id))
            except HttpError as exc:
                result.failed.append((case.id, str(exc)))
                if exc.status in (401, 403):  # every other case would fail alike
                    break
                continue
            except Exception as exc:  # a tracker must not take the sync down
                result.failed.append((case.id, redact.redact(f"{type(exc).__name__}: {exc}")))
                continue
            if outcome == "unchanged":
                result.unchanged += 1
            elif outcome == "skipped":
                result.skipped += 1
            else:
                getattr(result, outcome).append(case.id)
        return result

    def push(self, case: TrackedCase, ref: TrackerRef | None) -> str:
        """Bring the case's issue up to date: ``created``, ``updated``, ``linked``,
        ``unchanged`` or ``skipped``."""
        digest = case.digest()
        if ref is not None and ref.key is not None:
            if ref.digest == digest:
                return "unchanged"
            self._update(ref.key, case, digest)
            return "updated"
        if ref is None and case.ended:
            return "skipped"
        key = self._find(case, ref)
        if key is not None:
            log.info("%s: %s: found issue %s by its fingerprint", self.name, case.id, key)
            self._link(case, key, None)
            self._update(key, case, digest)
            return "linked"
        self.store.intend_create(self.name, case.id, case.fingerprint)
        try:
            key = self.tracker.create(case)
        except HttpError as exc:
            if not exc.retryable:  # refused (a 4xx, or never connected): nothing was created
                self.store.clear_intent(self.name, case.id)
            raise
        log.info("%s: %s: created issue %s", self.name, case.id, key)
        self._link(case, key, None)
        self._update(key, case, digest)
        return "created"

    def _link(self, case: TrackedCase, key: str, digest: str | None) -> None:
        self.store.save_tracker_ref(
            self.name, case.id, case.fingerprint, key=key, digest=digest, actor=self.actor
        )

    def _update(self, key: str, case: TrackedCase, digest: str) -> None:
        self.tracker.update(key, case)
        self._link(case, key, digest)

    def _find(self, case: TrackedCase, ref: TrackerRef | None) -> str | None:
        """Search by fingerprint; while an intent on record is younger than the
        tracker's search lag, keep searching, with backoff, until it is not."""
        key = self.tracker.find(case)
        if key is not None or ref is None or ref.intent_at is None:
            return key
        settled = ref.intent_at + dt.timedelta(seconds=self.tracker.search_lag + INTENT_MARGIN)
        pause = 1.0
        while (left := (settled - self.now()).total_seconds()) > 0:
            log.info(
                "%s: %s: a create may be pending since %s; searching again in %.0fs",
                self.name,
                case.id,
                ref.intent_at.isoformat(),
                min(pause, left),
            )
            self.sleep(min(pause, left))
            pause *= 2
            key = self.tracker.find(case)
            if key is not None:
                return key
        return None
