"""Deciding: the pure engine (:mod:`.core`) and the one decide-with-cases step
(:mod:`.gatekeeper`) that every command and the service use."""

from .core import Engine
from .gatekeeper import Gatekeeper

__all__ = ["Engine", "Gatekeeper"]
