"""What the CI writers share: the run they describe, how a finding reads as
text, where a record lives in the repository, and files that appear whole.

A CI system reads a report file once the step ends; a half-written file (the
run failed, the disk filled) must never pass for a complete one, so every
file is written beside its final name and moved into place by ``finish``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Location
    from ..models.decision import Finding
    from ..policy.pack import Pack
    from ..report.rows import FindingRow

#: how a finding's outcome reads in SARIF (result.level) and GitHub (command)
SARIF_LEVEL = {"block": "error", "warn": "warning", "advisory": "note"}
GITHUB_COMMAND = {"block": "error", "warn": "warning", "advisory": "notice"}
STDIN_NAMES = ("<stdin>", "-")


@dataclass(frozen=True)
class CiRun:
    """The run the CI outputs describe.

    :param command: ``gate`` or ``sweep``.
    :param fail_on_warn: warn fails the pipeline (gate ``--fail-on-warn``,
        sweep ``--fail-on warn``): JUnit then reports a warned record as a failure.
    """

    command: str
    as_of: dt.date
    packs: tuple[Pack, ...]
    fail_on_warn: bool = False
    cwd: Path = Path()

    @property
    def title(self) -> str:
        packs = ", ".join(f"{p.id} {p.version}" for p in self.packs)
        return f"cyberreview {self.command} as of {self.as_of} under {packs}"


def shown(finding: Finding) -> tuple[str, list[str], str | None, str]:
    """A finding's message, citations, remediation and title for a person: in the
    language asked when one was (``*_localized``), else the English."""
    return (
        finding.get("message_localized") or finding["message"],
        finding.get("citations_localized") or finding["citations"],
        finding.get("remediation_localized") or finding["remediation"],
        finding.get("title_localized") or finding["title"],
    )


def finding_text(finding: Finding) -> str:
    """A finding in full, as a reader of a CI report needs it: what fired, on what
    grounds, and what to do (one line each)."""
    message, citations, remediation, _title = shown(finding)
    lines = [f"{finding['outcome']} {finding['rule']}: {message}"]
    lines.append("cites: " + "; ".join(citations))
    if remediation:
        lines.append("fix: " + remediation)
    waiver = finding["waiver"]
    if waiver is not None:
        lines.append(f"waived by {waiver['id']} until {waiver['expires']}")
    return "\n".join(lines)


def repo_path(location: Location | None, cwd: Path) -> tuple[str, int | None] | None:
    """The record's file as a repository path (relative, with ``/``) and line, when it
    came from a file; ``None`` for records of a configured source or stdin.

    CI systems resolve paths against the checkout, which is the working directory
    of the step: a path under it is made relative, any other is kept absolute.
    """
    if location is None or location.file is None or location.line is None:
        return None  # a connector's record: "source[ref]", no file
    if location.file in STDIN_NAMES:
        return None
    return _repo_file(location.file, cwd), location.line


@lru_cache(maxsize=256)
def _repo_file(file: str, cwd: Path) -> str:
    """Once per file, not once per finding: a sweep asks for the same few files."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(cwd.resolve())
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def fingerprint(row: FindingRow) -> str:
    """Stable across runs for the same rule on the same record: the record's identity
    (adapter and id) and the rule id, never its line, facts or wording."""
    text = f"{row.identity}\x1f{row.finding['rule']}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class AtomicFile:
    """A text file written under a temporary name and moved into place on commit."""

    def __init__(self, path: Path):
        self.path = path
        # beside the target (same file system, so the rename is atomic); the umask
        # decides its mode, as for any file the command writes
        self.temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
        self.stream: IO[str] = open(self.temp, "x", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write(self, text: str) -> None:
        self.stream.write(text)

    def commit(self) -> None:
        self.stream.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.stream.close()
        self.temp.unlink(missing_ok=True)


def scratch() -> IO[Any]:
    """An anonymous temporary file (deleted when closed) for parts written before
    the header that counts them."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
