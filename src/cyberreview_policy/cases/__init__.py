"""Review cases: the store interface, the procedure's states, and actions."""

from .actions import apply_actions
from .base import ENDED_STATES, Case, CaseRequest, CaseStore
from .lifecycle import STATES

__all__ = ["ENDED_STATES", "STATES", "Case", "CaseRequest", "CaseStore", "apply_actions"]
