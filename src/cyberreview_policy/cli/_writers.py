"""Sweep output, streamed: text for people, JSON and JSON Lines for machines.

- ``jsonl``: one decision per line, then one ``{"summary": {...}}`` line.
- ``json``: ``{"decisions": [...], "summary": {...}}``, written as it goes.
- ``text``: one line per record (the reason for a block on that line), then
  the summary.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, Protocol, TextIO

from ..models.jsonout import decision_bytes, decision_jsonl
from ..sweep.summary import Skip, Summary
from ._render import Style, decision_line, printable

if TYPE_CHECKING:
    from ..models.decision import Decision
    from ..sweep.ranges import Part


class Writer(Protocol):
    def decision(self, decision: Decision, json: bytes | None = None) -> None: ...
    def skip(self, skip: Skip) -> None: ...
    def finish(self, summary: Summary) -> None: ...


class JsonLinesWriter:
    """Writes bytes: decisions go to UTF-8 JSON directly (:func:`decision_bytes`)."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self._dump = decision_bytes
        self._write = out.write

    def decision(self, decision: Decision, json: bytes | None = None) -> None:
        if json is None:
            self._write(decision_jsonl(decision))
        else:
            self._write(json)
            self._write(b"\n")

    def skip(self, skip: Skip) -> None:
        pass  # listed in the summary

    def part(self, part: Part) -> None:
        """A sweep worker's decisions on a range of a file, already JSON Lines."""
        from ..sweep.ranges import append

        append(part, self.out)

    def finish(self, summary: Summary) -> None:
        self.out.write(_json_bytes({"summary": summary.to_json()}) + b"\n")
        self.out.flush()


class JsonWriter(JsonLinesWriter):
    part = None  # type: ignore[assignment]  # a JSON array is not JSON Lines

    def __init__(self, out: BinaryIO):
        super().__init__(out)
        self._first = True
        out.write(b'{"decisions": [')

    def decision(self, decision: Decision, json: bytes | None = None) -> None:
        self.out.write(b"\n  " if self._first else b",\n  ")
        self._first = False
        self.out.write(json or self._dump(decision))

    def finish(self, summary: Summary) -> None:
        self.out.write(b"\n],\n" if not self._first else b"],\n")
        self.out.write(b' "summary": ' + _json_bytes(summary.to_json(), indent=2) + b"\n}\n")
        self.out.flush()


def _json_bytes(data: object, indent: int | None = None) -> bytes:
    return json.dumps(data, indent=indent, ensure_ascii=False).encode()


class TextWriter:
    def __init__(self, out: TextIO, style: Style):
        self.out = out
        self.style = style

    def decision(self, decision: Decision, json: bytes | None = None) -> None:
        self.out.write(decision_line(decision, self.style))

    def skip(self, skip: Skip) -> None:
        from ..i18n import _

        skipped = printable(f"{skip.location}: {skip.message}")
        label = _("skip  ")
        self.out.write(f"{self.style('dim', label)} {skipped}\n")

    def finish(self, summary: Summary) -> None:
        self.out.write("\n" + summary_text(summary, self.style))


def summary_text(summary: Summary, style: Style) -> str:
    """The sweep's summary, in the language of this context (words for the verdicts)."""
    from ..i18n import _, current_lang, date, word

    lang = current_lang()
    english = lang == "en"
    packs = ", ".join(f"{p['id']} {p['version']}" for p in summary.packs)
    d = summary.decisions
    on = summary.as_of if english else date(summary.as_of, lang)
    head = _("Swept {records} records as of {date} under {packs}").format(
        records=summary.records, date=on, packs=packs
    )

    def verdict(value: str) -> str:
        return value if english else word("verdict", value, lang)

    lines = [
        style("bold", head),
        _("  decisions  ")
        + "  ".join(style(v, f"{verdict(v)} {d.get(v, 0)}") for v in ("block", "warn", "allow")),
    ]
    if summary.rules:
        ranked = sorted(summary.rules.items(), key=lambda item: (-item[1], item[0]))
        width = max(len(rule) for (rule, _o), _c in ranked)
        lines.append(_("  rules"))
        for (rule, outcome), count in ranked:
            shown = outcome if english else word("outcome", outcome, lang)
            lines.append(f"    {rule.ljust(width)}  {str(count).rjust(7)}  {style(outcome, shown)}")
    cases = summary.cases_json()
    if any(cases[what] for what in ("created", "already_open", "closed", "adopted")):
        line = _("  cases      {opened} opened, {open} already open").format(
            opened=cases["created"], open=cases["already_open"]
        )
        if cases["closed"]:
            line += _(", {count} closed for the same facts").format(count=cases["closed"])
        if cases["adopted"]:
            line += _(", {count} running reviews adopted").format(count=cases["adopted"])
        lines.append(line)
    for report in summary.sources:
        state = (
            _("complete")
            if report.complete
            else style("block", _("INCOMPLETE: {error}").format(error=report.error))
        )
        held = (
            _("{count} held in quarantine, ").format(count=report.quarantined)
            if report.quarantined
            else ""
        )
        lines.append(
            _("  source     {name}: {records} decided, {skipped} skipped, {held}{state}").format(
                name=printable(report.name),
                records=report.records,
                skipped=report.skipped,
                held=held,
                state=printable(state),
            )
        )
    if summary.with_problems:
        lines.append(
            style(
                "warn",
                _(
                    "  data       {count} record(s) decided with values of the wrong type "
                    "left unknown:"
                ).format(count=summary.with_problems),
            )
        )
        for problem in summary.problems[:20]:
            lines.append(printable(f"    {problem.record_id}: {problem.message}"))
        if summary.with_problems > 20:
            lines.append(
                _("    ... and {count} more (--format json lists them)").format(
                    count=summary.with_problems - 20
                )
            )
    if summary.skipped:
        lines.append(
            style("warn", _("  skipped    {count} record(s):").format(count=summary.skipped))
        )
        for skip in summary.skips:
            lines.append(printable(f"    {skip.location}: {skip.message}"))
        if summary.skipped > len(summary.skips):
            lines.append(
                _("    ... and {count} more").format(count=summary.skipped - len(summary.skips))
            )
    return "\n".join(lines) + "\n"


def open_writer(fmt: str, path: str | None) -> tuple[Writer, Callable[[], None]]:
    """The writer for ``fmt`` on ``path`` (stdout if ``None``), and how to close it."""
    if fmt in ("json", "jsonl"):
        binary: BinaryIO = open(path, "wb", buffering=1 << 20) if path else sys.stdout.buffer  # noqa: SIM115
        writer: Writer = JsonLinesWriter(binary) if fmt == "jsonl" else JsonWriter(binary)
        return writer, (binary.close if path else binary.flush)
    text: TextIO = open(path, "w", encoding="utf-8") if path else sys.stdout  # noqa: SIM115
    return TextWriter(text, Style(text, None if not path else False)), (
        text.close if path else text.flush
    )
