"""What a change-system plugin implements, and what the host gives it.

The host owns everything that is the same for every change-management system:
deciding the CIs (with the case store), the wording of what is posted, the
fingerprint that keeps a retry from posting twice, exit codes, the watch loop
and its checkpoint.  A plugin only reads a change and writes one answer:

- ``change(ref)``: the change (by number or id), its affected CIs, whether a
  decision can be posted now, and the texts this tool may already have posted
  in the current round (approval comments, or work notes), newest first;
- ``pending()``: the changes awaiting a decision from us (for ``watch``);
- ``post(change, approve, text)``: approve or reject with ``text`` as the
  comment, or add ``text`` as a work note.  It must **not retry** a write by
  itself (use ``ctx.http(..., retry=RetryPolicy(attempts=1))``): when a write's
  answer is lost, the host reads the change back to see whether it landed
  before it writes again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..connectors.http import HttpClient

Mode = Literal["approval", "work_note"]


@dataclass(frozen=True)
class AffectedCI:
    """A configuration item a change names: its id in the configured source, and a
    name for people."""

    id: str
    name: str


@dataclass(frozen=True)
class Change:
    """A change request as the gate needs it, read fresh from its system."""

    id: str  # the system's key (ServiceNow: the change's sys_id)
    number: str  # what people call it (CHG0030001)
    state: str
    cis: tuple[AffectedCI, ...]
    cycle: str  # the round of decision (the approval record asked of us; "" for work notes)
    open: bool  # a decision can be posted now (an approval is requested from us)
    posted: tuple[str, ...]  # texts posted in this round, newest first (ours among them)
    updated: str = ""  # when the change last changed, as the system says it (for watch)
    why_closed: str = ""  # when not open: why (the approval is rejected already, ...)


@dataclass
class ChangeContext:
    """What the host hands a change-system plugin."""

    name: str  # the change system's name in the configuration
    settings: BaseModel  # validated, secrets resolved
    mode: Mode
    approver: str | None  # whose approvals we give (None: the user the settings log in as)
    http: Callable[..., HttpClient]  # the host's HTTP client: redaction, timeouts, budget
    logger: logging.Logger

    def secret(self, value: str) -> str:
        """Mask ``value`` in every log line from now on (a credential the plugin built or
        obtained); returns it."""
        from ..connectors import redact

        redact.register_secrets([value])
        return value


class ChangeSystem(Protocol):
    def change(self, ref: str) -> Change: ...

    def pending(self) -> list[str]: ...

    def post(self, change: Change, approve: bool, text: str) -> None: ...

    # optional: ``close()``, called when the command is done with it


def closer(system: Any) -> None:
    """Call the system's ``close()`` if it has one."""
    close = getattr(system, "close", None)
    if callable(close):
        close()
