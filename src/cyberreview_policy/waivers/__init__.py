"""Waivers: approved, time-limited exceptions to overridable rules, kept in the case
store (see :mod:`.core`); the waiver file format that import and export use
(:mod:`.model`); and how ``cyberreview waivers`` and the service change them
(:mod:`.admin`)."""

from ..models.waiver import MAX_DAYS, Scope, Waiver
from .core import (
    IMPORTED_SUFFIX,
    LEGACY_DIR,
    LEGACY_FILE,
    WaiverSet,
    check_rules,
    for_run,
    legacy_files,
    load_all,
    load_file,
    override,
    refuse_legacy,
)

__all__ = [
    "IMPORTED_SUFFIX",
    "LEGACY_DIR",
    "LEGACY_FILE",
    "MAX_DAYS",
    "Scope",
    "Waiver",
    "WaiverSet",
    "check_rules",
    "for_run",
    "legacy_files",
    "load_all",
    "load_file",
    "override",
    "refuse_legacy",
]
