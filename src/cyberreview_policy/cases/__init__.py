"""Review cases: the store interface, the embedded SQLite store, and actions."""

from .actions import apply_actions
from .base import ENDED_STATES, Case, CaseRequest, CaseStore, StoreType

__all__ = ["ENDED_STATES", "Case", "CaseRequest", "CaseStore", "StoreType", "apply_actions"]
