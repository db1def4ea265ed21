"""Where a sweep's results go: the outputs a run is given by its caller.

The command line opens them (the decisions on stdout or ``--output``, reports,
CI outputs) and hands them to :class:`~.run.SweepRun`, which feeds each decision
and skip to every output as it happens and tells them the summary and its
:class:`RunContext` when the run ends.  The run knows no output format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..cases.sweepstate import FindingChange
    from .summary import Decided, Skip, Summary


@dataclass
class RunContext:
    """What outputs may show besides the decisions: known when the sweep ends."""

    run_id: str | None = None
    scope: str = ""
    previous: dict[str, Any] | None = None  # the last complete sweep of this baseline
    generated_at: str = ""
    store: str | None = None


#: one line for the run's log: (event, message, fields)
Said = tuple[str, str, dict[str, Any]]


class Output(Protocol):
    #: needs each decision as data; when no output does, sweep workers send the
    #: decisions as JSON bytes only (``Decided.json``)
    whole: bool

    def decided(self, event: Decided) -> None: ...

    def skipped(self, skip: Skip) -> None: ...

    def changed(self, changes: list[FindingChange]) -> None:
        """Findings new, changed, waived or resolved since the previous sweep."""
        ...

    def finish(self, summary: Summary, context: Callable[[], RunContext]) -> list[Said]:
        """The run has ended: write what is left; say what was written."""
        ...

    def close(self) -> None:
        """Release files; after a failure, leave no half-written output behind."""
        ...
