"""Waivers: approved, time-limited exceptions to overridable rules (see :mod:`.core`);
their file format (:mod:`.model`) and how ``cyberreview waivers`` and the service
change them (:mod:`.admin`)."""

from .core import (
    HAND_DIR,
    MANAGED_FILE,
    MAX_DAYS,
    Scope,
    Waiver,
    WaiverSet,
    check_rules,
    for_run,
    load_all,
    load_file,
    override,
    waiver_files,
)

__all__ = [
    "HAND_DIR",
    "MANAGED_FILE",
    "MAX_DAYS",
    "Scope",
    "Waiver",
    "WaiverSet",
    "check_rules",
    "for_run",
    "load_all",
    "load_file",
    "override",
    "waiver_files",
]
