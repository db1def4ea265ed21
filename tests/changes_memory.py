"""A change system in memory, registered as a plugin (``CYBERREVIEW_PLUGINS=tests.changes_memory``)
for the core's tests of ``cyberreview changes``: what it holds and what was posted are
module globals the tests set and read (the CLI runs in-process)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import Field

from cyberreview_policy.changes import Change, ChangeContext, ChangeSystemType
from cyberreview_policy.connectors import ConnectorSettings
from cyberreview_policy.errors import ChangeSystemError
from cyberreview_policy.plugin import hookimpl

CHANGES: dict[str, Change] = {}  # by number
POSTED: list[tuple[str, bool, str]] = []  # (number, approve, text)


class MemorySettings(ConnectorSettings):
    label: str = Field("memory", description="A name for messages.")


class Memory:
    def __init__(self, ctx: ChangeContext):
        self.name = ctx.name
        self.mode = ctx.mode

    def change(self, ref: str) -> Change:
        if ref not in CHANGES:
            raise ChangeSystemError(self.name, f"no change request {ref!r}")
        return CHANGES[ref]

    def pending(self) -> list[str]:
        return [number for number, change in CHANGES.items() if change.open]

    def post(self, change: Change, approve: bool, text: str) -> None:
        POSTED.append((change.number, approve, text))
        done = self.mode == "approval"
        CHANGES[change.number] = replace(
            change, posted=(text, *change.posted), open=not done, updated=f"{len(POSTED)}"
        )


@hookimpl
def cyberreview_register_change_systems(register: Callable[[ChangeSystemType], None]) -> None:
    register(ChangeSystemType("memory", config=MemorySettings, connect=Memory))


def reset(**changes: Any) -> None:
    CHANGES.clear()
    POSTED.clear()
    CHANGES.update(changes)
