"""Where an incremental read resumes, and what one read has seen.

A purchase order's ``LastChangeDateTime`` holds 100 ns (``Precision="7"``) but
OData v2 JSON sends milliseconds.  So the read goes on from the latest
millisecond seen with ``ge`` (which catches every change at or after it, the
truncated one included), and the purchase orders already read at that very
millisecond are read again but not yielded twice: ``{"at", "seen"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .odata import SapError


@dataclass
class Cursor:
    """The latest change read (``YYYY-MM-DDTHH:MM:SS.mmmZ``), and the purchase orders
    changed in that millisecond."""

    at: str | None = None
    seen: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, checkpoint: Any) -> Cursor:
        if not checkpoint:
            return cls()
        at = checkpoint.get("at") if isinstance(checkpoint, dict) else None
        if not isinstance(at, str) or not isinstance(checkpoint.get("seen", []), list):
            raise SapError(
                f"the checkpoint {checkpoint!r} is not one this connector writes: "
                "sweep without --since once"
            )
        return cls(at, {str(po) for po in checkpoint.get("seen", [])})

    def dump(self) -> dict[str, Any]:
        return {"at": self.at, "seen": sorted(self.seen)}

    def is_new(self, po: str, at: str | None) -> bool:
        if self.at is None:
            return True
        if at is None:
            return False  # cannot be: the read asks for LastChangeDateTime ge at
        return at > self.at or po not in self.seen

    def advance(self, po: str, at: str | None) -> None:
        if at is None:
            return
        if self.at is None or at > self.at:
            self.at, self.seen = at, {po}
        elif at == self.at:
            self.seen.add(po)


class Progress:
    """One read from ``start``: which purchase orders to yield, and the cursor it ends at.

    The read pages by offset, ordered by ``LastChangeDateTime`` then ``PurchaseOrder``.
    A purchase order changed during the read moves to the end: it is read again there
    (and yielded again, as changed), but every purchase order after its old place moves
    up one, and the one at the next page's edge is not read at all.  So when a purchase
    order comes twice, the cursor goes back to its first time: the next read from it
    reads what was skipped.  (A page that repeats one is not a change: same time.)
    """

    def __init__(self, start: Cursor):
        self.start = start
        self.end = Cursor(start.at, set(start.seen))
        self.read: dict[str, str | None] = {}  # every purchase order read: its change time
        self.rewind: str | None = None
        self.untimed = 0  # purchase orders without a LastChangeDateTime

    def take(self, po: str, at: str | None) -> bool:
        """Whether to yield the items of a purchase order read with change time ``at``."""
        if po in self.read:
            before = self.read[po]
            if before == at:
                return False  # the same again (a repeated row)
            if before is not None:
                self.rewind = before if self.rewind is None else min(self.rewind, before)
        self.read[po] = at
        if at is None:
            self.untimed += 1
        if not self.start.is_new(po, at):
            return False
        self.end.advance(po, at)
        return True

    def cursor(self) -> Cursor:
        if self.rewind is None:
            return self.end
        seen = {po for po, at in self.read.items() if at == self.rewind}
        return Cursor(self.rewind, seen)
