"""Store connections for a service process: one per decision thread.

The request handlers run the blocking work (the engine, the case store) on a
small fixed pool of threads; each thread keeps its own store connection
(SQLite connections belong to the thread that opened them, and a PostgreSQL
connection serves one transaction at a time).  A connection that fails is
closed and forgotten, so the next request connects afresh: a store that
comes back is used again without a restart.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from ..cases.base import CaseStore
from ..errors import CaseStoreError

T = TypeVar("T")


class Workers:
    """A fixed pool of threads, each with a lazily opened store connection."""

    def __init__(self, threads: int, open_store: Callable[[], CaseStore]):
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="decide")
        self._open = open_store
        self._local = threading.local()
        self._all: list[CaseStore] = []
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a worker thread, in this context (the request's language)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, context.run, fn, *args
        )

    @contextmanager
    def store(self) -> Iterator[CaseStore]:
        """This thread's store; closed and dropped if anything fails with it."""
        store: CaseStore | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()  # raises CaseStoreError when unreachable
            self._local.store = store
            with self._lock:
                self._all.append(store)
        try:
            yield store
        except CaseStoreError as exc:
            if type(exc) is CaseStoreError:  # the driver failed, not a refusal (TransitionError)
                self._drop(store)
            raise

    def _drop(self, store: CaseStore) -> None:
        self._local.store = None
        with self._lock:
            if store in self._all:
                self._all.remove(store)
        with suppress(Exception):  # a dead connection may fail to close: it is gone anyway
            store.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            stores, self._all = self._all, []
        for store in stores:
            with suppress(Exception):
                store.close()
