"""Group commit of the service's audit entries: one transaction, one fsync, for the
decisions of a few milliseconds.

A decision thread hands its entry to :meth:`GroupCommit.audit` and waits; one
committer thread, with its own store connection, takes the store's write lock,
then every entry waiting, appends them to the hash chain in order in one
transaction (``CaseStore.audit_taken``) and wakes their threads.  While a commit
is on disk the next entries gather, so the batches grow with the load and
nothing waits on a timer; and the entries are taken only once the lock is held,
so those that come while another process's committer has the lock (``serve
--workers``, one SQLite file) join this commit instead of waiting for the next.
An answer still goes out only after its entry is durable: the trail is as
complete as with a commit per decision, and a commit that fails fails every
decision waiting for it (the caller blocks them: ``store_unavailable``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..cases.base import CaseStore
from ..errors import CaseStoreError
from ..i18n.catalog import _

#: entries in one transaction at most (a commit stays short, whatever the backlog)
MAX_BATCH = 256


class _Waiting:
    __slots__ = ("action", "actor", "done", "error", "fields")

    def __init__(self, action: str, actor: str, fields: dict[str, Any]):
        self.action = action
        self.actor = actor
        self.fields = fields
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommit:
    """One committer thread for a service process's audit entries."""

    def __init__(self, open_store: Callable[[], CaseStore]):
        self._open = open_store
        self._store: CaseStore | None = None
        self._queue: list[_Waiting] = []
        self._ready = threading.Condition()
        self._closed = False
        self.commits = 0  # transactions, and entries in them: for /metrics and tests
        self.entries = 0
        self._thread = threading.Thread(target=self._run, name="audit-commit", daemon=True)
        self._thread.start()

    def audit(self, action: str, actor: str, **fields: Any) -> None:
        """Append an entry to the audit trail; return once it is committed."""
        waiting = _Waiting(action, actor, fields)
        with self._ready:
            if self._closed:
                raise CaseStoreError(_("the service is stopping: the audit trail is closed"))
            self._queue.append(waiting)
            self._ready.notify()
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return  # closed, and nothing left
            self._commit()

    def _commit(self) -> None:
        """One transaction with what is waiting once the write lock is held."""
        batch: list[_Waiting] = []

        def take() -> list[tuple[str, str, dict[str, Any]]]:
            with self._ready:
                batch.extend(self._queue[:MAX_BATCH])
                del self._queue[:MAX_BATCH]
            return [(w.action, w.actor, w.fields) for w in batch]

        try:
            if self._store is None:
                self._store = self._open()
            self._store.audit_taken(take)
            self.commits += 1
            self.entries += len(batch)
        except Exception as exc:  # none of the batch was committed
            if not batch:  # no connection or no lock: what waits fails, not the next try
                take()
            error = exc if isinstance(exc, CaseStoreError) else CaseStoreError(str(exc))
            for waiting in batch:
                waiting.error = error
            self._reconnect()
        finally:
            for waiting in batch:
                waiting.done.set()

    def _reconnect(self) -> None:
        """Forget a connection that failed: the next batch opens a new one."""
        store, self._store = self._store, None
        if store is not None:
            with suppress(Exception):
                store.close()

    def close(self) -> None:
        """Commit what is waiting, then stop."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join()
        self._reconnect()
