"""Case trackers: mirror review cases as issues in an issue tracker (Jira, ...).

A tracker plugin registers a :class:`TrackerType` through the
``cyberreview_register_case_trackers`` hook; users configure it under
``trackers:`` in ``cyberreview.yaml``; ``cyberreview cases sync`` pushes every
case to it.  The host owns what every tracker needs and none should write
again (:mod:`.sync`): the store's link from case to issue, sending only what
changed, and the find-before-create protocol that never creates an issue
twice.  The tracker gets :class:`TrackedCase` views only: what the Measures'
confidentiality article (2020 Art. 16, 2021 Art. 17) lets leave the tool.  See ``docs/trackers.md``.
"""

from ..plugin.types import TrackerType
from .api import TrackedCase, Tracker, TrackerContext

__all__ = ["TrackedCase", "Tracker", "TrackerContext", "TrackerType"]
