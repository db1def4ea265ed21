"""The one exception tree of cyberreview-policy, and reading validation errors.

Every error a user can cause derives from :class:`CyberreviewError` and
carries what is needed to fix it: the file, the line, the field, the rule or
the plugin.  ``str(error)`` is a single line fit for stderr.

Stdlib only: catching an error never loads pydantic.  :func:`problems` and
:func:`located` read a pydantic (or pydantic-core) ``ValidationError`` by duck
typing (its ``errors()``), so one helper serves every reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Wording:
    """How errors word their messages: English, until :mod:`.i18n.catalog` (imported by
    whatever chooses another language) has :func:`speak` install its translation.
    Error messages are prose; their codes and field paths are not translated."""

    @staticmethod
    def gettext(message: str) -> str:
        return message

    @staticmethod
    def word(kind: str, value: object) -> str:
        return str(value)


#: the wording in use (one: a list to replace it in)
_wording: list[Wording] = [Wording()]


def speak(wording: Wording) -> None:
    """Word error messages with ``wording`` from now on (:mod:`.i18n.catalog` calls it:
    the errors need not import the catalogs, which import the errors)."""
    _wording[0] = wording


def _(message: str) -> str:
    """``message`` in the language of this context (the CLI's ``--lang``, an HTTP
    request's): gettext for the modules the catalogs import (``models``), which
    cannot import them."""
    return _wording[0].gettext(message)


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
            text = _("rule {rule}: {text}").format(rule=self.rule, text=text)
        return f"{self.location}: {text}" if self.location else text


class UnknownPackError(CyberreviewError):
    """A pack id that no plugin registers, or no pack in force on a date."""


class PluginError(CyberreviewError):
    """A plugin that failed to load or registered something invalid."""

    def __init__(self, plugin: str, message: str):
        self.plugin = plugin
        self.message = message
        super().__init__(
            _("plugin {plugin}: {message}").format(plugin=repr(plugin), message=message)
        )


class PluginUnavailable(PluginError):
    """A plugin that failed to load or register: what it would have decided is unknown,
    so commands that decide refuse to (fail closed) until it is fixed or disabled."""

    def __init__(self, plugin: str, message: str, others: int = 0):
        self.plugin = plugin
        self.message = message
        more = _(" (and {count} more broken plugins)").format(count=others) if others else ""
        CyberreviewError.__init__(
            self,
            _(
                "plugin {plugin} is unavailable: {message}{more}; what it would decide is "
                "unknown: fix it, or disable it by name (plugins: disabled: [{name}] in "
                "cyberreview.yaml)"
            ).format(plugin=repr(plugin), message=message, more=more, name=plugin),
        )


class SourceError(CyberreviewError):
    """A source that could not be read (completely): the run is incomplete."""

    def __init__(self, source: str, message: str):
        self.source = source
        self.message = message
        super().__init__(_("source {source}: {message}").format(source=source, message=message))


class MissingRecordError(SourceError):
    """A source that answered, and has no record of the id asked for (``record_id``):
    told apart by its class, whatever language its message is worded in."""

    def __init__(self, source: str, record_id: str):
        self.record_id = record_id
        super().__init__(source, _("no record {id}").format(id=repr(record_id)))


class CaseStoreError(CyberreviewError):
    """The case store cannot be reached, or refuses an operation."""


class UnknownStoreError(CaseStoreError):
    """No plugin serves the store URL's scheme (a configuration mistake, not an outage)."""


class UnknownCaseError(CaseStoreError):
    """No case has that id (``case_id``: as it was asked for, when known)."""

    def __init__(self, message: str, case_id: str | None = None):
        super().__init__(message)
        self.case_id = case_id


class UsageError(CyberreviewError):
    """A command line that cannot be carried out as given."""


class ChangeSystemError(CyberreviewError):
    """A change-management system that cannot be read or written as asked (a change that
    does not exist, a caller that is not an approver, a report that could not be posted)."""

    def __init__(self, system: str, message: str):
        self.system = system
        self.message = message
        super().__init__(
            _("change system {system}: {message}").format(system=system, message=message)
        )


class ConfigError(LocatedError):
    """A configuration file that cannot be used; names file, line and key."""


class CalendarError(LocatedError):
    """A calendar file that cannot be used; names file, line and field."""


class WaiverError(LocatedError):
    """A waiver file or waiver that cannot be used; names file, line and field."""


class UnknownWaiverError(WaiverError):
    """No waiver has that id."""


class WaiverConflictError(WaiverError):
    """A decision on a waiver that is no longer a request: approved or rejected already
    (another reviewer was first), or revoked."""


class SelfApprovalError(WaiverError):
    """An identity deciding on its own waiver request: another one must."""


class EvaluationError(CyberreviewError):
    """A rule could not be evaluated on a record (a named check raised)."""


class TransitionError(CaseStoreError):
    """A transition the procedure does not allow, or a date out of order."""


class MaterialError(CaseStoreError):
    """Material that cannot be attached or returned as asked (empty, too large, an
    unknown kind, the same file again, a version that does not exist)."""


class UnknownMaterialError(MaterialError):
    """No material of that kind, or no such version, on the case."""


class SweepBusyError(CaseStoreError):
    """Another sweep of the same source (and shard) is running."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM): it unwinds as on Ctrl-C, releasing
    what it holds (a sweep's lock), and the command line says "interrupted"."""


class TokenError(CaseStoreError):
    """A token that cannot be created or revoked as asked (or sign in): ``english``
    is the message in English, for records that do not change with the language."""

    def __init__(self, message: str, english: str | None = None):
        super().__init__(message)
        self.english = message if english is None else english


class AuthUnavailable(CaseStoreError):
    """The service's token table could not be read, and none was read before."""


class DossierError(CyberreviewError):
    """A declaration dossier that cannot be built as asked (the ``dossier`` extra is
    missing, a record that is not the case's, more material than a dossier holds)."""


class Refusal(CyberreviewError):
    """A request the HTTP service refuses (4xx, or 503): ``status``, a machine ``code``,
    a one-line message, and the problems of a body that does not fit."""

    def __init__(
        self, status: int, code: str, message: str, problems: list[dict[str, str]] | None = None
    ):
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.problems is not None:
            error["problems"] = self.problems
        return {"error": error}


class TrackerError(CyberreviewError):
    """A tracker that cannot be opened (its plugin failed to start)."""


class HttpError(CyberreviewError):
    """A request that failed for good: what the server said, or why it could not be asked.

    ``status``: the HTTP status the server answered (``None``: no answer -- a
    timeout, a dropped connection -- or an error the server sent with HTTP 200).
    ``retryable``: the failure is one that asking again may cure (429, 5xx, no
    answer); an error hook raises it set to have the host's client retry.  The
    message (in the language of the context) and ``english`` (for log lines) are
    redacted of every registered secret when the error is made.
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        retryable: bool = False,
        english: str | None = None,
    ):
        from .env import redact

        self.status = status
        self.retryable = retryable
        #: the message in English, for the log lines (which stay English)
        self.english = redact(message if english is None else english)
        super().__init__(redact(message))


# -- internal: raised and caught inside the package, turned into the errors above --


class PathError(ValueError):
    """A dotted path that does not name a record field."""


class CompileError(Exception):
    """A condition that cannot compile; ``loc`` is where in the data (of ``file``)."""

    def __init__(self, loc: tuple[str | int, ...], message: str, file: str | None = None):
        self.loc = loc
        self.message = message
        self.file = file
        super().__init__(message)


class OperandError(ValueError):
    """An operand that does not fit the operator or the field."""


class TemplateError(ValueError):
    """A message template that cannot compile."""


class ArrayError(ValueError):
    """The text is not a JSON array (or breaks off); ``line``/``column`` say where."""

    def __init__(self, message: str, line: int, column: int):
        self.line = line
        self.column = column
        super().__init__(message)


# -- validation errors, read --------------------------------------------------------

_LITERAL_ITEM = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (``loc``, as data keys) and what."""

    loc: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        return dotted(self.loc)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.loc else self.message


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected_literals(error: Any) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    items = _LITERAL_ITEM.findall(expected)
    return ", ".join(items) if items else expected


def _n(message: str) -> str:
    """Mark ``message`` for the catalog (it is translated where it is shown)."""
    return message


#: pydantic error types the tool words alike: the message, ``{value}`` the input shown
_WORDED: dict[str, str] = {
    "missing": _n("required field is missing"),
    "extra_forbidden": _n("unknown field"),
    "string_too_short": _n("must not be empty"),
    "bool_parsing": _n("{value} is not a boolean (true, false or null)"),
    "bool_type": _n("{value} is not a boolean (true, false or null)"),
    "string_type": _n("expected a string, got {value}"),
    "model_type": _n("expected an object, got {value}"),
    "dict_type": _n("expected an object, got {value}"),
    "model_attributes_type": _n("expected an object, got {value}"),
    "list_type": _n("expected a list, got {value}"),
}


def message_of(error: Any) -> str:
    """One error of a pydantic ``ValidationError.errors()`` as the tool words it, in the
    language of this context (pydantic's own words for what the tool does not know)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind in _WORDED:
        return _(_WORDED[kind]).format(value=_shown(value))
    if kind == "literal_error":
        return _("{value} is not one of {expected}").format(
            value=_shown(value), expected=_expected_literals(error)
        )
    if kind.startswith(("date_", "datetime_")) or (
        kind == "value_error" and "YYYY-MM-DD" in str(ctx.get("error", ""))
    ):
        return _("{value} is not a valid date (expected YYYY-MM-DD)").format(value=_shown(value))
    if kind.startswith(("int_", "float_", "decimal_")):
        return _("{value} is not a number").format(value=_shown(value))
    if kind in {"greater_than_equal", "greater_than"}:
        return _("{value} must be at least {minimum}").format(
            value=_shown(value), minimum=ctx.get("ge", ctx.get("gt"))
        )
    if kind == "string_pattern_mismatch":
        return _("{value} does not match {pattern}").format(
            value=_shown(value), pattern=ctx.get("pattern")
        )
    if kind == "json_invalid":
        return _("invalid JSON: {error}").format(error=ctx.get("error", error["msg"]))
    if kind == "product_required":
        return _("required for a record of kind {kind}").format(
            kind=_wording[0].word("record_kind", ctx.get("kind"))
        )
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def is_invalid_json(exc: Any) -> bool:
    """Whether validation error ``exc`` is text that is not JSON (its first problem),
    whatever the language its message is worded in."""
    errors = exc.errors(include_url=False)
    return bool(errors) and errors[0]["type"] == "json_invalid"


def _loc(error: Any) -> tuple[str | int, ...]:
    loc = tuple(error["loc"])
    field = (error.get("ctx") or {}).get("field")
    if isinstance(field, str):
        loc = (*loc, field)
    return loc


def problems(exc: Any, *, drop: Sequence[str] = ()) -> list[Problem]:
    """The errors of ``exc`` (a pydantic or pydantic-core ``ValidationError``) as
    :class:`Problem`\\ s.

    ``drop`` lists location parts that are not data keys (union tags) to leave out.
    """
    out: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in _loc(error) if part not in drop)
        out.append(Problem(loc, message_of(error)))
    return out


def summarize(found: Sequence[Problem], limit: int = 3) -> str:
    """One line for a list of problems: the first few, then how many more."""
    text = "; ".join(str(p) for p in found[:limit])
    if len(found) > limit:
        text += _(" (and {count} more)").format(count=len(found) - limit)
    return text


def located(
    exc: Any,
    where: Callable[[tuple[str | int, ...]], tuple[Location | None, tuple[str | int, ...]]],
    *,
    drop: Sequence[str] = (),
) -> tuple[str, Location | None, str | None]:
    """The first problem of validation error ``exc`` as (message, location, field).

    ``where(loc)`` maps the problem's data location to a place in the input (a line of
    a JSON or YAML file) and the field path to name.  The message says how many more
    problems there are.
    """
    found = problems(exc, drop=drop)
    first = found[0]
    location, field_loc = where(first.loc)
    more = _(" (and {count} more)").format(count=len(found) - 1) if len(found) > 1 else ""
    return first.message + more, location, dotted(field_loc) or None
