"""The ``jira`` case tracker, registered through the ``cyberreview_policy`` entry point.

Registered by reference (``"module:name"``): the settings model and the tracker,
and pydantic and requests with them, are imported only when ``cases sync`` uses
a Jira tracker, so installing this plugin costs the gate nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import TrackerType


@hookimpl
def cyberreview_register_case_trackers(register: Callable[[TrackerType], None]) -> None:
    register(
        TrackerType(
            "jira",
            config="cyberreview_jira.settings:JiraSettings",
            connect="cyberreview_jira.tracker:JiraTracker",
            description="review cases mirrored as Jira Cloud issues (REST API v3)",
        )
    )
