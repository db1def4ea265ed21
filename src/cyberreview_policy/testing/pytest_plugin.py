"""The pytest plugin (entry point ``pytest11``): fixtures for connector tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .faults import FaultServer


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A started :class:`FaultServer` with no routes yet: add them with ``route()``."""
    with FaultServer() as server:
        yield server
