"""Where records come from: the source interface and the built-in file source."""

from .base import Item, Source

__all__ = ["Item", "Source"]
