"""Built-in plugin: the embedded SQLite case store (``sqlite:///PATH``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..plugin import hookimpl
from ..plugin.types import StoreType

if TYPE_CHECKING:
    from ..cases.base import CaseStore


def open_sqlite(url: str) -> CaseStore:
    from ..cases.sqlite import SqliteStore, path_from_url

    return SqliteStore(path_from_url(url))


@hookimpl
def cyberreview_register_case_stores(register: Callable[[StoreType], None]) -> None:
    register(StoreType("sqlite", open_sqlite, "embedded SQLite file (the default)"))
