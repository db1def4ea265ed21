"""Open the trackers of ``cyberreview.yaml`` through their plugins, and sync cases."""

from __future__ import annotations

import datetime as dt
import functools
import time
import uuid
from typing import TYPE_CHECKING

from ..errors import TrackerError, UsageError
from ..i18n.catalog import _
from ..runtime import client_kit, kind_of, started
from .api import Tracker, TrackerContext
from .sync import SyncResult, TrackerSync
from .view import Citations, tracked_case

if TYPE_CHECKING:
    from ..cases.base import CaseStore
    from ..runtime import Runtime


LOCK_WAIT = 300.0  # seconds a sync waits for another sync of the same tracker
LOCK_POLL = 2.0


def configured(rt: Runtime, only: str | None = None) -> list[str]:
    """The names of the configured trackers (or ``only``, checked to be one)."""
    trackers = rt.config.file.trackers
    if only is None:
        return sorted(trackers)
    if only not in trackers:
        known = ", ".join(sorted(trackers)) or "none"
        where = str(rt.config.path) if rt.config.path else "no configuration file"
        raise UsageError(
            _("no tracker {only} is configured (configured: {known}; {where})").format(
                only=repr(only), known=known, where=where
            )
        )
    return [only]


def open_tracker(rt: Runtime, name: str) -> tuple[Tracker, str]:
    """Tracker ``name`` of the configuration, connected; and its instance name."""
    entry = rt.config.file.trackers[name]
    kind = kind_of(rt, "trackers", ("trackers", name), entry.type, "tracker")
    settings, logger, http = client_kit(
        rt, ("trackers", name), entry.settings, kind, f"cyberreview.tracker.{name}"
    )
    context = TrackerContext(name, settings, http, logger)
    tracker: Tracker = started(
        kind,
        context,
        lambda failure: TrackerError(
            _("tracker {name}: cannot start: {failure}").format(name=name, failure=failure)
        ),
    )
    from ..env import redact_url

    return tracker, entry.instance or redact_url(rt.store_url_in_use())


def sync_trackers(
    rt: Runtime,
    store: CaseStore,
    actor: str,
    as_of: dt.date,
    only: str | None = None,
    *,
    lock_wait: float = LOCK_WAIT,
) -> list[SyncResult]:
    """Push every case of ``store`` to each configured tracker (or ``only``), one sync
    per tracker at a time (it waits up to ``lock_wait`` seconds for another to finish)."""
    names = configured(rt, only)
    if not names:
        return []
    cases = store.list_cases()
    citations = Citations(rt.catalog)
    results = []
    for name in names:
        tracker, instance = open_tracker(rt, name)
        views = [
            tracked_case(
                case, instance=instance, as_of=as_of, calendar=rt.calendar, citations=citations
            )
            for case in cases
        ]
        run_id = uuid.uuid4().hex
        try:
            _lock(store, name, run_id, actor, lock_wait)
            sync = TrackerSync(name, tracker, store, actor)
            sync.heartbeat = functools.partial(store.heartbeat_sweep, run_id)
            results.append(sync.run(views))
        finally:
            store.release_sweep(run_id)
            close = getattr(tracker, "close", None)
            if close is not None:
                close()
    return results


def _lock(store: CaseStore, name: str, run_id: str, actor: str, wait: float) -> None:
    """One sync per tracker and store at a time (two at once could both find no issue
    and both create one): the sweeps' lock, scope ``tracker:NAME``; wait for it."""
    from ..errors import SweepBusyError

    deadline = time.monotonic() + wait
    while True:
        try:
            store.acquire_sweep([f"tracker:{name}"], run_id, actor)
            return
        except SweepBusyError:
            if time.monotonic() >= deadline:
                raise TrackerError(
                    _(
                        "tracker {name}: another cases sync of it is running on this store "
                        "(waited {wait:.0f}s); try again when it has finished"
                    ).format(name=name, wait=wait)
                ) from None
            time.sleep(min(LOCK_POLL, max(0.0, deadline - time.monotonic())))
