"""Built-in plugin: the PostgreSQL case store (``postgresql://...``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..plugin import hookimpl
from ..plugin.types import StoreType

if TYPE_CHECKING:
    from ..cases.base import CaseStore


def open_postgres(url: str) -> CaseStore:
    from ..cases.postgres import PostgresStore

    return PostgresStore(url)


@hookimpl
def cyberreview_register_case_stores(register: Callable[[StoreType], None]) -> None:
    register(StoreType("postgresql", open_postgres, "PostgreSQL, for shared deployments"))
    register(StoreType("postgres", open_postgres, "PostgreSQL (same as postgresql://)"))
