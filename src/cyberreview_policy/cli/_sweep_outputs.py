"""The outputs of ``cyberreview sweep``, as the run feeds them (:mod:`..sweep.outputs`):
the decisions (stdout or ``--output``), ``--report`` files and ``--ci`` outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..i18n.catalog import _
from ..sweep.summary import short

if TYPE_CHECKING:
    from ..ci import CiOutputs
    from ..report import Report
    from ..sweep.outputs import RunContext, Said
    from ..sweep.ranges import Part
    from ..sweep.summary import Decided, Skip, Summary
    from ._writers import Writer


class WriterOutput:
    """The decisions, one by one, then the summary (text, JSON or JSON Lines)."""

    def __init__(self, writer: Writer, close: Callable[[], None], fmt: str, path: str | None):
        self.writer = writer
        self._close = close
        self.whole = fmt == "text"  # JSON can be written from the workers' bytes
        self.fmt = fmt
        self.path = path
        decision = writer.decision
        self.decided = lambda event: decision(event.decision, event.json)  # type: ignore[method-assign]
        #: JSON Lines takes a sweep worker's part of a file whole (sweep/ranges.py)
        self.part: Callable[[Part], None] | None = getattr(writer, "part", None)

    @classmethod
    def open(cls, fmt: str, path: str | None) -> WriterOutput:
        from ._writers import open_writer

        try:
            writer, close = open_writer(fmt, path)
        except OSError as exc:
            raise UsageError(
                _("cannot write {path}: {value}").format(path=path, value=exc.strerror or exc)
            ) from None
        return cls(writer, close, fmt, path)

    def decided(self, event: Decided) -> None:
        self.writer.decision(event.decision, event.json)

    def skipped(self, skip: Skip) -> None:
        self.writer.skip(skip)

    def changed(self, changes: list[Any]) -> None:
        pass  # the summary counts them

    def finish(self, summary: Summary, context: Callable[[], RunContext]) -> list[Said]:
        self.writer.finish(summary)
        if not self.path:
            return []
        text = f"wrote {self.fmt} to {self.path}: {short(summary)}"
        return [("output.written", text, {"path": self.path})]

    def close(self) -> None:
        self._close()


class ReportOutput:
    """``--report`` files: CSV and JSON streamed, the HTML page at the end."""

    whole = True

    def __init__(self, report: Report):
        self.report = report

    def decided(self, event: Decided) -> None:
        self.report.decision(event)

    def skipped(self, skip: Skip) -> None:
        pass  # the summary lists skipped records

    def changed(self, changes: list[Any]) -> None:
        self.report.changed(changes)

    def finish(self, summary: Summary, context: Callable[[], RunContext]) -> list[Said]:
        self.report.finish(summary, context())
        return [("report.written", f"wrote {p}", {"path": str(p)}) for p in self.report.paths]

    def close(self) -> None:
        self.report.close()


class CiOutput:
    """``--ci`` outputs: JUnit, SARIF, GitHub annotations."""

    whole = True

    def __init__(self, outputs: CiOutputs, specs: list[str]):
        self.outputs = outputs
        self.specs = specs

    def decided(self, event: Decided) -> None:
        self.outputs.decision(event)

    def skipped(self, skip: Skip) -> None:
        self.outputs.skip(skip)

    def changed(self, changes: list[Any]) -> None:
        pass

    def finish(self, summary: Summary, context: Callable[[], RunContext]) -> list[Said]:
        self.outputs.finish(summary)
        return [("ci.written", f"wrote --ci {spec}", {"output": spec}) for spec in self.specs]

    def close(self) -> None:
        self.outputs.close()
