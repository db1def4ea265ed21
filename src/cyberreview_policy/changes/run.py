"""Decide one change and report it back, exactly once.

:func:`handle` reads the change, decides every affected CI through
:func:`cyberreview_policy.gatekeeper.decide` (cases opened as the gate opens
them), words the answer (:mod:`.report`) and posts it, unless the same
decision is already posted in this round.  A write whose answer is lost (a
timeout, a dropped connection, a 5xx after the change was saved) is not simply
sent again: the change is read back first, and the write is repeated only if
it did not land.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ChangeSystemError, CyberreviewError, UsageError
from ..i18n.catalog import _
from .api import AffectedCI, Change, ChangeContext, ChangeSystem, Mode, closer
from .report import CiResult, Report, build, find_marker, posted_keys

if TYPE_CHECKING:
    from ..config import ChangeConfig
    from ..connectors.host import ConnectorSource
    from ..engine.gatekeeper import Gatekeeper
    from ..runtime import Runtime

WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    report: Report
    posted: bool  # False: this decision was already posted in this round
    by_run: str = ""  # the run that posted it

    @property
    def code(self) -> int:
        """Like the gate: 0 approved, 2 rejected, 3 rejected because a CI (or the change)
        could not be decided."""
        if self.report.approve:
            return 0
        return 3 if self.report.undecided or not self.report.results else 2


class Connected:
    """A configured change system, connected through its plugin."""

    def __init__(self, name: str, config: ChangeConfig, system: ChangeSystem):
        self.name = name
        self.config = config
        self.system = system
        self.mode: Mode = config.mode

    def close(self) -> None:
        closer(self.system)


def connect(rt: Runtime, name: str | None) -> Connected:
    """Change system ``name`` of the configuration (the only one, when ``None``)."""
    from ..errors import ConfigError
    from ..runtime import client_kit, kind_of, started

    configured = rt.config.file.changes
    where = str(rt.config.path) if rt.config.path else "no configuration file"
    if name is None:
        if not configured:
            raise UsageError(
                _(
                    "no change system is configured (add one under changes:, "
                    "docs/changes.md; {where})"
                ).format(where=where)
            )
        if len(configured) != 1:
            known = ", ".join(sorted(configured)) or "none"
            raise UsageError(
                _(
                    "name a change system with --system (configured under changes: {known}; "
                    "{where})"
                ).format(known=known, where=where)
            )
        name = next(iter(configured))
    if name not in configured:
        known = ", ".join(sorted(configured)) or "none"
        raise ChangeSystemError(
            name,
            _("not configured (configured: {known}; {where})").format(known=known, where=where),
        )
    config = configured[name]
    kind = kind_of(rt, "change_systems", ("changes", name), config.type, "change system")
    if config.source not in rt.config.file.sources:
        raise ConfigError(
            _("no source {source} is configured to fetch the change's CIs").format(
                source=repr(config.source)
            ),
            rt.config.where("changes", name, "source"),
            f"changes.{name}.source",
        )
    settings, logger, http = client_kit(
        rt, ("changes", name), config.settings, kind, f"cyberreview.changes.{name}"
    )
    context = ChangeContext(name, settings, config.mode, config.approver, http, logger)
    system = started(
        kind,
        context,
        lambda failure: ChangeSystemError(
            name, _("the plugin failed: {failure}").format(failure=failure)
        ),
    )
    return Connected(name, config, system)


class ChangeDecider:
    """Decides a change's CIs through the gate's one path, with the case store around it."""

    def __init__(self, gatekeeper: Gatekeeper, *, source: ConnectorSource, as_of: dt.date):
        self.gatekeeper = gatekeeper
        self.source = source
        self.as_of = as_of

    def __call__(self, ci: AffectedCI) -> CiResult:
        try:
            item = self.source.fetch(ci.id)
            if item.error is not None:
                return CiResult(ci, error=_one_line(item.error))
            assert item.record is not None
            decision = self.gatekeeper.decide(item.record, self.as_of, audit="changes.decision")
        except CyberreviewError as exc:  # fail closed: this CI blocks the change
            return CiResult(ci, error=_one_line(exc))
        return CiResult(ci, decision=decision, problems=item.problems)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def handle(connected: Connected, ref: str, decide: ChangeDecider, run_id: str) -> Outcome:
    """Decide change ``ref`` and post the answer, unless it is posted already."""
    name = connected.name
    change = read(connected, ref)
    results = [decide(ci) for ci in change.cis]
    report = build(change, results, run_id, connected.mode)
    latest = next((found for text in change.posted if (found := find_marker(text))), None)
    if latest is not None and latest[0] == report.key:
        return Outcome(report, posted=False, by_run=latest[1])
    if not change.open:
        raise ChangeSystemError(
            name,
            _("{number}: cannot report: {why_closed}; nothing posted").format(
                number=change.number, why_closed=change.why_closed
            ),
        )
    return Outcome(deliver(connected, ref, report), posted=True, by_run=run_id)


def deliver(connected: Connected, ref: str, report: Report) -> Report:
    """Post ``report``; when a write fails in a way that may have landed, read the change
    back and write again only if our key is not there."""
    from ..connectors.http import RETRY_STATUS
    from ..errors import HttpError

    change = report.change
    attempt = 0
    while attempt < WRITE_ATTEMPTS:
        attempt += 1
        try:
            connected.system.post(change, report.approve, report.text)
            return report
        except HttpError as exc:
            if exc.status is not None and exc.status not in RETRY_STATUS:
                raise ChangeSystemError(
                    connected.name,
                    _("{number}: {exc}; nothing posted").format(number=change.number, exc=exc),
                ) from None
            failure = exc
        change = read(connected, ref)  # did it land?
        if report.key in posted_keys(change):
            return report
        if not change.open:
            break
    raise ChangeSystemError(
        connected.name,
        _("{number}: could not post after {attempt} attempt(s): {failure}").format(
            number=report.change.number, attempt=attempt, failure=failure
        ),
    )


def read(connected: Connected, ref: str) -> Change:
    """The change, fresh; a failure to read it names the change system."""
    from ..errors import HttpError

    try:
        return connected.system.change(ref)
    except HttpError as exc:
        raise ChangeSystemError(
            connected.name, _("{ref}: cannot read the change: {exc}").format(ref=ref, exc=exc)
        ) from None


def pending(connected: Connected) -> list[str]:
    """The changes awaiting our decision; a failure names the change system."""
    from ..errors import HttpError

    try:
        return connected.system.pending()
    except HttpError as exc:
        raise ChangeSystemError(
            connected.name, _("cannot list pending changes: {exc}").format(exc=exc)
        ) from None
