"""What a connector implements, and what the host gives it.

A connector reads one system (an ERP, a CMDB) and yields canonical records
(``docs/record-v1.md``) as plain dicts.  It does not retry, redact, store
checkpoints or catch its own errors: the host does all of that (see
:mod:`.host`).  Its parts:

- a pydantic **config model** for its settings (``SecretStr`` for secrets,
  which the configuration file may only take from an environment variable or
  a file);
- ``check()``: can the system be reached with these credentials?  A
  :class:`CheckResult`, never an exception for the ordinary failures;
- ``read(since)``: every record changed after checkpoint ``since`` (``None``:
  all), as dicts, and :class:`Checkpoint` values that mark how far it got;
- ``fetch(record_id)``: one record, for ``cyberreview gate --source``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .http import HttpClient


class ConnectorSettings(BaseModel):
    """Settings every connector takes; a connector's model subclasses it.

    Mark secrets with ``SecretStr``: the configuration file then takes them only
    from ``{env: NAME}`` or ``{file: PATH}``, and they are kept out of logs.
    """

    model_config = ConfigDict(extra="forbid")

    connect_timeout: float = Field(5.0, gt=0, description="Seconds to connect.")
    read_timeout: float = Field(30.0, gt=0, description="Seconds to wait for an answer.")
    max_attempts: int = Field(5, ge=1, description="Requests in all, retries included.")
    requests_per_second: float = Field(0.0, ge=0, description="Rate budget (0: none).")
    page_size: int = Field(100, ge=1, description="Items asked for per page.")


def settings_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """(name, field info) of a settings model, in the order people read them: required
    first, then the connector's own, then the host's (timeouts, retries, paging)."""
    fields = model.model_fields
    host = set(ConnectorSettings.model_fields)
    order = sorted(fields, key=lambda f: (not fields[f].is_required(), f in host))
    return [(name, fields[name]) for name in order]


@dataclass(frozen=True)
class Checkpoint:
    """How far a read got: JSON data the connector understands (a timestamp, an id)."""

    value: Any


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceContext:
    """What the host hands a connector."""

    name: str  # the source's name in the configuration: "tryton", "erp-east", ...
    settings: BaseModel  # validated, secrets resolved
    http: Callable[..., HttpClient]  # the host's HTTP client: retries, budget, redaction
    logger: logging.Logger  # redacted

    def secret(self, value: str) -> str:
        """Mask ``value`` in every log line from now on (a session token the connector
        obtained); returns it."""
        from . import redact

        redact.register_secrets([value])
        return value


class Connector(Protocol):
    """What a connector implements (see the module's docstring): ``check()`` (a
    :class:`CheckResult`, never an exception for the ordinary failures),
    ``read(since)`` (record dicts, then :class:`Checkpoint` values; ``since`` is the
    last complete read's checkpoint, or ``None``: everything) and ``fetch(record_id)``
    (one record's dict, ``None`` when the system has no such record); optionally
    ``close()``, called after each check, read or fetch."""

    def check(self) -> CheckResult: ...

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]: ...

    def fetch(self, record_id: str) -> dict[str, Any] | None: ...

    # optional: ``close()``, called after each check, read or fetch (log out, ...)
