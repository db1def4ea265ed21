"""GitHub Actions workflow commands: ``::error file=…,line=…,title=…::message``.

Block findings are errors, warn findings warnings, advisory notes notices; a
waived finding is not annotated (it neither blocks nor warns).  GitHub shows at
most 10 annotations of each kind per step (and 50 per job), in the order they
are printed, and silently drops the rest: so at most :data:`PER_KIND` of each
kind are printed, and one last notice says how many were left out and where to
find them all.  Escaping follows the Actions toolkit: ``%``, CR and LF in the
message; also ``:`` and ``,`` in properties.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from ..i18n.catalog import _
from ..report.rows import finding_rows
from .common import GITHUB_COMMAND, CiRun, repo_path, shown

if TYPE_CHECKING:
    from ..sweep.summary import Decided, Skip, Summary

PER_KIND = 10  # GitHub's limit per step and kind


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line; properties that are ``None`` are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}\n"


class GitHubWriter:
    def __init__(self, out: TextIO, run: CiRun, close: bool = False):
        self.out = out
        self.run = run
        self.close_out = close
        self.shown: Counter[str] = Counter()
        self.left: Counter[str] = Counter()

    def _room(self, kind: str) -> bool:
        limit = PER_KIND - 1 if kind == "notice" else PER_KIND  # one notice is kept back
        if self.shown[kind] >= limit:
            self.left[kind] += 1
            return False
        self.shown[kind] += 1
        return True

    def decision(self, decided: Decided) -> None:
        for row in finding_rows(decided):
            finding = row.finding
            kind = GITHUB_COMMAND[finding["outcome"]]
            if row.waived or not self._room(kind):
                continue
            where = repo_path(row.location, self.run.cwd)
            message, citations, remediation, title = shown(finding)
            lines = [f"{row.record_id}: {message}"]
            lines.append(_("Cites: {citations}").format(citations=_("; ").join(citations)))
            if remediation:
                lines.append(_("Fix: {text}").format(text=remediation))
            self.out.write(
                command(
                    kind,
                    "\n".join(lines),
                    file=where[0] if where else None,
                    line=where[1] if where else None,
                    title=f"{finding['rule']}: {title} ({row.record_id})",
                )
            )

    def skip(self, skip: Skip) -> None:
        if self._room("error"):
            where = repo_path(skip.location, self.run.cwd)
            self.out.write(
                command(
                    "error",
                    f"{skip.location}: {skip.message} (the run is incomplete)",
                    file=where[0] if where else None,
                    line=where[1] if where else None,
                    title="cyberreview: record not read",
                )
            )

    def finish(self, summary: Summary) -> None:
        for source in summary.sources:
            if not source.complete:
                self.out.write(
                    command(
                        "error", f"source {source.name}: {source.error} (the run is incomplete)"
                    )
                )
        if self.left:
            parts = ", ".join(
                f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in sorted(self.left.items())
            )
            self.out.write(
                command(
                    "notice",
                    f"{parts} not annotated (GitHub shows {PER_KIND} of a kind per step); "
                    "the SARIF or JUnit output (--ci sarif=FILE, --ci junit=FILE) has them all",
                    title="cyberreview: more findings",
                )
            )
        self.out.flush()
        if self.close_out:
            self.out.close()

    def discard(self) -> None:
        if self.close_out:
            self.out.close()
