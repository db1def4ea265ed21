"""Report the gate's answer back to change management: a change request's affected
CIs are decided, and the change is approved or rejected (or gets a work note) where
it lives, once per decision, never silently approved when something broke.

A plugin registers a :class:`ChangeSystemType` through the
``cyberreview_register_change_systems`` hook; users configure it under
``changes:`` in ``cyberreview.yaml`` and run ``cyberreview changes check|watch``.
See ``docs/changes.md``.
"""

from ..plugin.types import ChangeSystemType
from .api import AffectedCI, Change, ChangeContext, ChangeSystem
from .report import CiResult, Report, find_marker

__all__ = [
    "AffectedCI",
    "Change",
    "ChangeContext",
    "ChangeSystem",
    "ChangeSystemType",
    "CiResult",
    "Report",
    "find_marker",
]
