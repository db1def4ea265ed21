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
from ..i18n.catalog import _
from ..models.jsonout import json_default
from .records import Changes, RecordSection, overdue_row, section
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
#: more columns when a language other than English is asked (--lang zh-CN)
LOCALIZED_COLUMNS = ("title_localized", "message_localized", "citations_localized")


@dataclass
class RuleInfo:
    title: str
    citations: list[str]
    pack: str
    outcome: str
    count: int = 0


@dataclass
class Listed:
    """A blocked or warned record, as the page lists it (``anchor``: its section)."""

    record_id: str
    operator: str | None
    system: str | None
    product: str | None
    rule: str
    message: str
    citations: list[str]
    anchor: str = ""


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
    """Fed each decision; writes its files when the sweep ends.  ``operator``: only
    that operator's records (the counts, lists and changes are of them alone)."""

    def __init__(self, paths: list[Path], operator: str | None = None):
        self.paths = paths
        self.operator = operator
        self.verdicts: Counter[str] = Counter()
        self.fired: Counter[tuple[str, str]] = Counter()  # (rule, outcome): records
        self.rules: dict[str, RuleInfo] = {}
        #: rule -> (title, citations) in the language asked, for the HTML page
        self.local_rules: dict[str, tuple[str, list[str]]] = {}
        self.by_operator: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_system: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        #: (operator, currency) -> [low, high, findings]: never summed across operators
        self.exposure: dict[tuple[str, str], list[Decimal]] = {}
        self.blocks: list[Listed] = []
        self.warns: list[Listed] = []
        self.blocked = 0
        self.warned = 0
        self.sections: list[RecordSection] = []
        self.overdue: list[dict[str, Any]] = []
        self.overdue_total = 0
        self.cases: dict[str, Counter[str]] = defaultdict(Counter)  # kind -> outcome
        self.changes = Changes()
        self._ids: set[str] = set()  # the records in scope, when scoped
        self._csv: list[Any] = []
        self._json: list[IO[str]] = []
        self._first_json = True
        from ..i18n import current_lang

        #: the findings' texts in the language asked, as two more columns (additive)
        self.localized = current_lang() != "en"
        for path in paths:
            # CSV with a BOM: Excel (Chinese Windows above all) then reads it as UTF-8
            encoding = "utf-8-sig" if path.suffix == ".csv" else "utf-8"
            stream = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
            if path.suffix == ".csv":
                writer = csv.writer(stream)
                writer.writerow(CSV_COLUMNS + (LOCALIZED_COLUMNS if self.localized else ()))
                self._csv.append((stream, writer))
            elif path.suffix == ".json":
                stream.write('{"findings": [')
                self._json.append(stream)
            else:
                stream.close()  # written at the end

    @property
    def records(self) -> int:
        return sum(self.verdicts.values())

    # -- as the sweep goes ----------------------------------------------------------

    def decision(self, decided: Decided) -> None:
        decision, subject = decided.decision, decided.subject
        if self.operator is not None:
            if subject.operator != self.operator:
                return
            self._ids.add(decision["record_id"])
        verdict = decision["decision"]
        self.verdicts[verdict] += 1
        operator = subject.operator or "(unknown operator)"
        self._group(self.by_operator, operator)[verdict] += 1
        system = (operator, subject.system or "(no system)")
        self._group(self.by_system, system)[verdict] += 1
        self._cases(decision)
        anchor = self._list(decided) if verdict in ("block", "warn") else None
        for finding in decision["findings"]:
            self.fired[(finding["rule"], finding["outcome"])] += 1
            info = self.rules.get(finding["rule"])
            if info is None:
                info = self.rules[finding["rule"]] = RuleInfo(
                    finding["title"], finding["citations"], finding["pack"], finding["outcome"]
                )
                if "title_localized" in finding:
                    self.local_rules[finding["rule"]] = (
                        finding["title_localized"],
                        finding.get("citations_localized") or finding["citations"],
                    )
            info.count += 1
            if finding["rule"] == "review-overdue":
                self.overdue_total += 1
                if len(self.overdue) < MAX_LISTED:
                    self.overdue.append(overdue_row(decision, finding, anchor))
            exposure = finding["exposure"]
            if exposure is not None and exposure["low"] is not None and not finding["waiver"]:
                sums = self.exposure.setdefault(
                    (operator, exposure["currency"]), [Decimal(0), Decimal(0), Decimal(0)]
                )
                sums[0] += exposure["low"]
                sums[1] += exposure["high"] or exposure["low"]
                sums[2] += 1
        if self._csv or self._json:
            self._rows(decided)

    def _cases(self, decision: Any) -> None:
        from ..sweep.summary import case_outcome

        for action in decision["actions"]:
            what = case_outcome(action)
            if what is not None:
                self.cases[action["kind"]][what] += 1
        for ref in decision["cases"]:
            if ref.get("adopted"):
                self.cases[ref["kind"]]["adopted"] += 1

    def _list(self, decided: Decided) -> str | None:
        """List a blocked or warned record (and give it a section); its anchor."""
        decision, subject = decided.decision, decided.subject
        verdict = decision["decision"]
        listed, count = (self.blocks, "blocked") if verdict == "block" else (self.warns, "warned")
        setattr(self, count, getattr(self, count) + 1)
        if len(listed) >= MAX_LISTED:
            return None
        anchor = f"r{len(self.sections) + 1}"
        deciding = (f for f in decision["findings"] if f["outcome"] == verdict and not f["waiver"])
        first = next(deciding, decision["findings"][0])
        listed.append(
            Listed(
                decision["record_id"],
                subject.operator,
                subject.system,
                subject.product,
                first["rule"],
                first.get("message_localized") or first["message"],
                first.get("citations_localized") or first["citations"],
                anchor,
            )
        )
        self.sections.append(section(anchor, decision, subject))
        return anchor

    def changed(self, changes: Any) -> None:
        """Finding changes since the previous sweep (of the records in scope)."""
        for change in changes:
            if self.operator is None or change.record_id in self._ids:
                self.changes.add(change.change, change.rule)

    @staticmethod
    def _group(groups: dict[Any, Counter[str]], key: Any) -> Counter[str]:
        if key in groups or len(groups) < MAX_GROUPS:
            return groups[key]
        other = ("(others)", "(others)") if isinstance(key, tuple) else "(others)"
        return groups[other]

    def _rows(self, decided: Decided) -> None:
        for found in finding_rows(decided):
            row = table_row(found, self.localized)
            for _stream, writer in self._csv:
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

        for stream, _writer in self._csv:
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
        for stream, _writer in self._csv:
            stream.close()
        for stream in self._json:
            stream.close()

    def data(self, summary: Summary, context: RunContext) -> dict[str, Any]:
        """The aggregates, as JSON data."""
        return {
            "operator": self.operator,
            "records": self.records,
            "decisions": {v: self.verdicts.get(v, 0) for v in ("block", "warn", "allow")},
            "blocked_listed": [vars(b) for b in self.blocks],
            "blocked": self.blocked,
            "warned_listed": [vars(w) for w in self.warns],
            "warned": self.warned,
            "records_listed": [s.to_json() for s in self.sections],
            "rules": {rule: {**vars(info)} for rule, info in sorted(self.rules.items())},
            "by_operator": {k: dict(v) for k, v in sorted(self.by_operator.items())},
            "by_system": [
                {"operator": op, "system": system, **dict(counts)}
                for (op, system), counts in sorted(self.by_system.items())
            ],
            "exposure": [
                {
                    "operator": operator,
                    "currency": currency,
                    "low": low,
                    "high": high,
                    "findings": int(n),
                }
                for (operator, currency), (low, high, n) in sorted(self.exposure.items())
            ],
            "cases": {kind: dict(counts) for kind, counts in sorted(self.cases.items())},
            "overdue": self.overdue,
            "overdue_total": self.overdue_total,
            "changes": self.changes.to_json() if summary.tracked else None,
            "previous": context.previous,
        }


def open_report(paths: list[str], operator: str | None = None) -> Report | None:
    """A :class:`Report` writing ``paths`` (by suffix: .html, .csv, .json), or ``None``;
    ``operator``: of that operator's records only."""
    if not paths:
        return None
    chosen = []
    for text in paths:
        path = Path(text)
        if path.suffix.lower() not in SUFFIXES:
            raise UsageError(
                _(
                    "--report {text}: the suffix says the format: .html (a page), .csv or "
                    ".json (every finding)"
                ).format(text=text)
            )
        if not path.parent.is_dir():
            raise UsageError(
                _("--report {text}: no directory {parent}").format(text=text, parent=path.parent)
            )
        chosen.append(path)
    try:
        return Report(chosen, operator)
    except OSError as exc:
        raise UsageError(_("--report: cannot write: {exc}").format(exc=exc)) from None
