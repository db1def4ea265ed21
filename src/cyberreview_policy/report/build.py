"""Aggregating a sweep for its reports, and streaming its findings."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import UsageError
from ..models.jsonout import json_default
from .rows import finding_rows, table_row

if TYPE_CHECKING:
    from ..sweep.outputs import RunContext
    from ..sweep.summary import Decided, Summary

MAX_LISTED = 1000  # blocks listed by name in the HTML page
MAX_GROUPS = 5000  # operators or systems grouped by name; the rest as "(others)"
SUFFIXES = (".html", ".csv", ".json")

CSV_COLUMNS = (
    "record_id",
    "decision",
    "rule",
    "outcome",
    "pack",
    "title",
    "message",
    "citations",
    "overridable",
    "waiver",
    "exposure_low",
    "exposure_high",
    "currency",
    "operator",
    "system",
    "product",
    "source",
)


@dataclass
class RuleInfo:
    title: str
    citations: list[str]
    pack: str
    outcome: str
    count: int = 0


@dataclass
class Listed:
    """A blocked record, as the page lists it."""

    record_id: str
    operator: str | None
    system: str | None
    product: str | None
    rule: str
    message: str
    citations: list[str]


#: how a cell that a spreadsheet would take for a formula starts (OWASP's list, and the
#: full-width signs that spreadsheets in CJK locales may convert)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _as_text(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string that starts like a formula
    gets a leading ``'`` (CSV injection; a record id is the source's, not ours)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Report:
    """Fed each decision; writes its files when the sweep ends."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self.rules: dict[str, RuleInfo] = {}
        self.by_operator: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_system: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.exposure: dict[str, list[Decimal]] = {}  # currency -> [low, high, count]
        self.blocks: list[Listed] = []
        self.blocked = 0
        self._csv: list[Any] = []
        self._json: list[IO[str]] = []
        self._first_json = True
        for path in paths:
            stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if path.suffix == ".csv":
                writer = csv.writer(stream)
                writer.writerow(CSV_COLUMNS)
                self._csv.append((stream, writer))
            elif path.suffix == ".json":
                stream.write('{"findings": [')
                self._json.append(stream)
            else:
                stream.close()  # written at the end

    # -- as the sweep goes ----------------------------------------------------------

    def decision(self, decided: Decided) -> None:
        decision, subject = decided.decision, decided.subject
        verdict = decision["decision"]
        operator = subject.operator or "(unknown operator)"
        self._group(self.by_operator, operator)[verdict] += 1
        system = (operator, subject.system or "(no system)")
        self._group(self.by_system, system)[verdict] += 1
        for finding in decision["findings"]:
            info = self.rules.get(finding["rule"])
            if info is None:
                info = self.rules[finding["rule"]] = RuleInfo(
                    finding["title"], finding["citations"], finding["pack"], finding["outcome"]
                )
            info.count += 1
            exposure = finding["exposure"]
            if exposure is not None and exposure["low"] is not None:
                sums = self.exposure.setdefault(
                    exposure["currency"], [Decimal(0), Decimal(0), Decimal(0)]
                )
                sums[0] += exposure["low"]
                sums[1] += exposure["high"] or exposure["low"]
                sums[2] += 1
        if verdict == "block":
            self.blocked += 1
            if len(self.blocks) < MAX_LISTED:
                first = next(f for f in decision["findings"] if f["outcome"] == "block")
                self.blocks.append(
                    Listed(
                        decision["record_id"],
                        subject.operator,
                        subject.system,
                        subject.product,
                        first["rule"],
                        first["message"],
                        first["citations"],
                    )
                )
        if self._csv or self._json:
            self._rows(decided)

    @staticmethod
    def _group(groups: dict[Any, Counter[str]], key: Any) -> Counter[str]:
        if key in groups or len(groups) < MAX_GROUPS:
            return groups[key]
        other = ("(others)", "(others)") if isinstance(key, tuple) else "(others)"
        return groups[other]

    def _rows(self, decided: Decided) -> None:
        for found in finding_rows(decided):
            row = table_row(found)
            for _, writer in self._csv:
                writer.writerow(
                    _as_text("; ".join(v) if isinstance(v, list) else "" if v is None else v)
                    for v in row.values()
                )
            text = json.dumps(row, default=json_default, ensure_ascii=False)
            for stream in self._json:
                stream.write(("\n  " if self._first_json else ",\n  ") + text)
            self._first_json = False

    # -- at the end --------------------------------------------------------------

    def finish(self, summary: Summary, context: RunContext) -> None:
        from .html import render

        for stream, _ in self._csv:
            stream.close()
        for stream in self._json:
            stream.write("\n],\n" if not self._first_json else "],\n")
            stream.write(' "summary": ')
            stream.write(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
            stream.write(',\n "report": ')
            stream.write(json.dumps(self.data(summary, context), default=json_default, indent=2))
            stream.write("\n}\n")
            stream.close()
        for path in self.paths:
            if path.suffix == ".html":
                path.write_text(render(self, summary, context), encoding="utf-8")

    def close(self) -> None:
        for stream, _ in self._csv:
            stream.close()
        for stream in self._json:
            stream.close()

    def data(self, summary: Summary, context: RunContext) -> dict[str, Any]:
        """The aggregates, as JSON data."""
        return {
            "blocked_listed": [vars(b) for b in self.blocks],
            "blocked": self.blocked,
            "rules": {rule: {**vars(info)} for rule, info in sorted(self.rules.items())},
            "by_operator": {k: dict(v) for k, v in sorted(self.by_operator.items())},
            "by_system": [
                {"operator": op, "system": system, **dict(counts)}
                for (op, system), counts in sorted(self.by_system.items())
            ],
            "exposure": {
                currency: {"low": low, "high": high, "findings": int(n)}
                for currency, (low, high, n) in sorted(self.exposure.items())
            },
            "overdue_cases": context.overdue,
            "previous": context.previous,
        }


def open_report(paths: list[str]) -> Report | None:
    """A :class:`Report` writing ``paths`` (by suffix: .html, .csv, .json), or ``None``."""
    if not paths:
        return None
    chosen = []
    for text in paths:
        path = Path(text)
        if path.suffix.lower() not in SUFFIXES:
            raise UsageError(
                f"--report {text}: the suffix says the format: .html (a page), "
                ".csv or .json (every finding)"
            )
        if not path.parent.is_dir():
            raise UsageError(f"--report {text}: no directory {path.parent}")
        chosen.append(path)
    try:
        return Report(chosen)
    except OSError as exc:
        raise UsageError(f"--report: cannot write: {exc}") from None
