"""Sweep reports: every finding as CSV or JSON, and one HTML page people read.

:class:`Report` is fed each decision as the sweep makes it.  Findings go
straight to the CSV and JSON files (streamed: a million records cost no
memory); what the HTML page shows is aggregated as it goes, in bounded
memory (the first :data:`MAX_LISTED` blocks are listed, then counted).
"""

from __future__ import annotations

from .build import MAX_LISTED, Report, open_report

__all__ = ["MAX_LISTED", "Report", "open_report"]
