"""The Jira tracker: find an issue by its fingerprint label, create, update, transition.

The host calls these in the order of ``cyberreview_policy.trackers.sync``
(find before create, an intent stored before each create).  Transitions are
resolved by *name*, per issue, from the transitions Jira offers it now: a
transition whose name, or whose target status's name, is the configured one.
Which case state an issue was last moved for is kept on the issue itself (an
issue property, read directly, not through the search index), so a sync that
only changes a deadline does not try to move the issue again, and a transition
whose answer was lost is recognised by the status the issue is in.
"""

from __future__ import annotations

from typing import Any

from cyberreview_policy.errors import CyberreviewError
from cyberreview_policy.trackers import TrackedCase, TrackerContext

from . import content
from .client import JiraClient
from .settings import JiraSettings


class JiraError(CyberreviewError):
    """Jira cannot do what the configuration asks (a transition it does not offer)."""


def _jql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class JiraTracker:
    def __init__(self, ctx: TrackerContext):
        settings = ctx.settings
        assert isinstance(settings, JiraSettings)
        self.settings = settings
        self.logger = ctx.logger
        self.client = JiraClient(ctx, settings)
        # a create is seen by search after the index lag, and at most a request's time
        # after it was sent
        self.search_lag = settings.search_lag + settings.connect_timeout + settings.read_timeout
        self._created: dict[str, str] = {}  # key -> digest of the case it was created from

    def find(self, case: TrackedCase) -> str | None:
        jql = (
            f"project = {_jql_string(self.settings.project)} AND "
            f"labels = {_jql_string(case.fingerprint)} ORDER BY created ASC"
        )
        keys = [str(issue["key"]) for issue in self.client.search(jql, ["labels", "created"])]
        if len(keys) > 1:
            self.logger.warning(
                "%s: %d issues carry its fingerprint label (%s): using %s, the oldest",
                case.id,
                len(keys),
                ", ".join(keys),
                keys[0],
            )
        return keys[0] if keys else None

    def create(self, case: TrackedCase) -> str:
        key = self.client.create(
            {
                "project": {"key": self.settings.project},
                "issuetype": {"name": self.settings.issue_type},
                "summary": content.summary(case),
                "description": content.description(case),
                "labels": content.labels(case, self.settings.labels),
            }
        )
        self._created[key] = case.digest()
        return key

    def update(self, key: str, case: TrackedCase) -> None:
        """Summary and description as the case is now; labels added, never removed
        (people add their own); then the workflow state.  Right after this process
        created the issue from the same case, its fields are left as they are (one
        request fewer per new case, under Jira's rate limits)."""
        if self._created.pop(key, None) != case.digest():
            labels = content.labels(case, self.settings.labels)
            self.client.edit(
                key,
                {"summary": content.summary(case), "description": content.description(case)},
                {"labels": [{"add": label} for label in labels]},
            )
        target = self.settings.transitions.get(case.state)
        if target is not None:
            self._move(key, case.state, target)

    def _move(self, key: str, state: str, target: str) -> None:
        status = self.client.status(key)
        moved = self.client.moved_to(key) or {}
        if moved.get("state") == state and _same(moved.get("status"), status):
            return  # moved for this state already (and nobody moved it since)
        if _same(target, status):
            self.client.mark_moved(key, {"state": state, "status": status})
            return
        offered = self.client.transitions(key)
        chosen = _choose(offered, target)
        if chosen is None:
            names = ", ".join(
                f"{t.get('name')!r} (to {t.get('to', {}).get('name')!r})" for t in offered
            )
            raise JiraError(
                f"issue {key} is in status {status!r}: Jira offers no transition named "
                f"{target!r} (nor to a status of that name) for case state {state!r}; "
                f"available: {names or 'none'} (see transitions in the tracker's settings)"
            )
        to_status = str(chosen.get("to", {}).get("name") or target)
        self.client.mark_moved(key, {"state": state, "status": to_status})
        self.client.transition(key, str(chosen["id"]))
        self.logger.info("%s: moved by %r to %r", key, chosen.get("name"), to_status)

    def close(self) -> None:
        self.client.close()


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold()


def _choose(offered: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    """The transition named ``target``, else the one leading to a status so named."""
    for transition in offered:
        if _same(transition.get("name"), target):
            return transition
    for transition in offered:
        if _same(transition.get("to", {}).get("name"), target):
            return transition
    return None
