"""CI outputs of ``gate`` and ``sweep``: JUnit XML, SARIF 2.1.0 and GitHub
Actions workflow commands, asked for with ``--ci FORMAT[=FILE]`` (repeatable),
beside the command's own output.

Each writer is fed the decisions as the run makes them and keeps counts, never
the decisions: JUnit streams its test cases to an anonymous temporary file
(its header counts them), SARIF writes each result as it comes, GitHub prints
at most ten annotations of a kind.  Files appear whole, when the run ends, or
not at all (:class:`~.common.AtomicFile`).  All three read findings through
:func:`cyberreview_policy.report.rows.finding_rows`, as the CSV and JSON reports do.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import UsageError
from ..i18n.catalog import _
from .common import AtomicFile, CiRun

if TYPE_CHECKING:
    from ..sweep.summary import Decided, Skip, Summary

__all__ = ["FORMATS", "CiOutputs", "CiRun", "CiWriter", "open_outputs", "parse_spec"]

FORMATS = ("junit", "sarif", "github")
NEEDS_FILE = ("junit", "sarif")


class CiWriter(Protocol):
    def decision(self, decided: Decided) -> None: ...
    def skip(self, skip: Skip) -> None: ...
    def finish(self, summary: Summary) -> None: ...
    def discard(self) -> None: ...


def parse_spec(text: str) -> tuple[str, str | None]:
    """``FORMAT`` or ``FORMAT=FILE``: the format and the file (``None``: stdout)."""
    fmt, sep, path = text.partition("=")
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(
            _("--ci {text}: the format is one of {value}").format(
                text=text, value=", ".join(FORMATS)
            )
        )
    if sep and not path:
        raise UsageError(_("--ci {text}: give a file after '='").format(text=text))
    if fmt in NEEDS_FILE and not path:
        raise UsageError(
            _("--ci {text}: {fmt} goes to a file: --ci {fmt}=FILE").format(text=text, fmt=fmt)
        )
    return fmt, path or None


class CiOutputs:
    """Several CI writers fed together; ``finish`` commits every file, ``discard``
    (after a failure) leaves none behind."""

    def __init__(self, writers: list[CiWriter]):
        self.writers = writers
        self.done = False

    def decision(self, decided: Decided) -> None:
        for writer in self.writers:
            writer.decision(decided)

    def skip(self, skip: Skip) -> None:
        for writer in self.writers:
            writer.skip(skip)

    def finish(self, summary: Summary) -> None:
        for writer in self.writers:
            writer.finish(summary)
        self.done = True

    def close(self) -> None:
        if not self.done:
            for writer in self.writers:
                writer.discard()


def open_outputs(specs: list[str], run: CiRun, stdout_taken: str | None = None) -> CiOutputs | None:
    """The writers ``specs`` ask for, or ``None`` if none.

    :param stdout_taken: why standard output cannot carry workflow commands (it
        carries JSON), or ``None`` when it can.
    """
    if not specs:
        return None
    chosen = [parse_spec(text) for text in specs]
    paths = [path for _, path in chosen if path]
    if len(set(paths)) != len(paths):
        raise UsageError(_("--ci: each output needs a file of its own"))
    writers: list[CiWriter] = []
    try:
        for fmt, path in chosen:
            writers.append(_writer(fmt, path, run, stdout_taken))
    except BaseException:
        CiOutputs(writers).close()
        raise
    return CiOutputs(writers)


def _writer(fmt: str, path: str | None, run: CiRun, stdout_taken: str | None) -> CiWriter:
    from .github import GitHubWriter

    if path is None:  # github on stdout
        if stdout_taken:
            raise UsageError(
                _("--ci github writes to standard output, {stdout_taken}: --ci github=FILE").format(
                    stdout_taken=stdout_taken
                )
            )
        return GitHubWriter(sys.stdout, run)
    target = Path(path)
    if not target.parent.is_dir():
        raise UsageError(
            _("--ci {fmt}={path}: no directory {parent}").format(
                fmt=fmt, path=path, parent=target.parent
            )
        )
    try:
        if fmt == "github":
            return GitHubWriter(open(target, "w", encoding="utf-8"), run, close=True)
        file = AtomicFile(target)
    except OSError as exc:
        raise UsageError(
            _("--ci {fmt}={path}: cannot write: {value}").format(
                fmt=fmt, path=path, value=exc.strerror or exc
            )
        ) from None
    if fmt == "junit":
        from .junit import JUnitWriter

        return JUnitWriter(file, run)
    from .sarif import SarifWriter

    return SarifWriter(file, run)
