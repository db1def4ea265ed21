"""One row per finding, with the record it belongs to: what every per-finding
output is made of (the CSV and JSON reports, JUnit, SARIF, GitHub annotations).

Kept here, once, so that the outputs cannot disagree on what a finding is,
where its record came from, or how a record is identified across runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Location
    from ..models.decision import Finding
    from ..sweep.summary import Decided, Subject


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding and the record it fired on."""

    record_id: str
    verdict: str  # the record's decision: allow, warn or block
    finding: Finding
    subject: Subject
    adapter: str | None  # the source adapter that read the record, if one said
    location: Location | None  # where the record was read (file and line, or source[ref])

    @property
    def waived(self) -> bool:
        return self.finding["waiver"] is not None

    @property
    def identity(self) -> str:
        """The record's identity across runs: adapter and id (never a line number)."""
        return f"{self.adapter or ''}\x1f{self.record_id}"


def finding_rows(decided: Decided) -> Iterator[FindingRow]:
    """Every finding of a decision, most severe first (as the engine orders them)."""
    decision = decided.decision
    source = decision.get("source")
    adapter = source["adapter"] if source else None
    for finding in decision["findings"]:
        yield FindingRow(
            decision["record_id"],
            decision["decision"],
            finding,
            decided.subject,
            adapter,
            decided.location,
        )


def table_row(row: FindingRow, localized: bool = False) -> dict[str, Any]:
    """The CSV and JSON report columns (``report.build.CSV_COLUMNS``) of a row, and
    with ``localized`` the texts in the language asked (``LOCALIZED_COLUMNS``)."""
    finding = row.finding
    exposure: dict[str, Any] = dict(finding["exposure"] or {})
    subject = row.subject
    return {
        "record_id": row.record_id,
        "decision": row.verdict,
        "rule": finding["rule"],
        "outcome": finding["outcome"],
        "pack": finding["pack"],
        "title": finding["title"],
        "message": finding["message"],
        "citations": finding["citations"],
        "overridable": finding["overridable"],
        "waiver": finding["waiver"]["id"] if finding["waiver"] else None,
        "exposure_low": exposure.get("low"),
        "exposure_high": exposure.get("high"),
        "currency": exposure.get("currency"),
        "operator": subject.operator,
        "system": subject.system,
        "product": subject.product,
        "source": row.adapter,
    } | (
        {
            "title_localized": finding.get("title_localized", finding["title"]),
            "message_localized": finding.get("message_localized", finding["message"]),
            "citations_localized": finding.get("citations_localized", finding["citations"]),
        }
        if localized
        else {}
    )
