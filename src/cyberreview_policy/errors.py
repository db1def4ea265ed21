"""The one exception tree of cyberreview-policy.

Every error a user can cause derives from :class:`CyberreviewError` and
carries what is needed to fix it: the file, the line, the field, the rule or
the plugin.  ``str(error)`` is a single line fit for stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def dotted(loc: Sequence[str | int]) -> str:
    """``('rules', 2, 'when')`` -> ``rules[2].when``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class CyberreviewError(Exception):
    """Root of every error this package raises on purpose."""


class Location:
    """Where something is: a file (or ``<stdin>``), a line and a column."""

    __slots__ = ("column", "file", "line")

    def __init__(self, file: str | Path | None, line: int | None = None, column: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __repr__(self) -> str:
        return f"Location({str(self)!r})"


class LocatedError(CyberreviewError):
    """An error that points at a place in a file and, optionally, a field."""

    def __init__(self, message: str, location: Location | None = None, field: str | None = None):
        self.message = message
        self.location = location
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"{self.location}: {text}" if self.location else text


class RecordError(LocatedError):
    """A record that is not valid JSON/CSV, or does not fit the canonical record."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        record_id: str | None = None,
    ):
        self.record_id = record_id
        super().__init__(message, location, field)


class PolicyError(LocatedError):
    """A policy pack, rule file or pack test that cannot be loaded."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        rule: str | None = None,
    ):
        self.rule = rule
        super().__init__(message, location, field)

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.rule:
            text = f"rule {self.rule}: {text}"
        return f"{self.location}: {text}" if self.location else text


class UnknownPackError(CyberreviewError):
    """A pack id that no plugin registers, or no pack in force on a date."""


class PluginError(CyberreviewError):
    """A plugin that failed to load or registered something invalid."""

    def __init__(self, plugin: str, message: str):
        self.plugin = plugin
        self.message = message
        super().__init__(f"plugin {plugin!r}: {message}")


class SourceError(CyberreviewError):
    """A source that could not be read (completely): the run is incomplete."""

    def __init__(self, source: str, message: str):
        self.source = source
        self.message = message
        super().__init__(f"source {source}: {message}")


class CaseStoreError(CyberreviewError):
    """The case store cannot be reached, or refuses an operation."""


class UnknownCaseError(CaseStoreError):
    """No case has that id."""


class UsageError(CyberreviewError):
    """A command line that cannot be carried out as given."""


class ChangeSystemError(CyberreviewError):
    """A change-management system that cannot be read or written as asked (a change that
    does not exist, a caller that is not an approver, a report that could not be posted)."""

    def __init__(self, system: str, message: str):
        self.system = system
        self.message = message
        super().__init__(f"change system {system}: {message}")
