"""A rule's citations and remediation as the law changes: by date (a renumbering, a
text that takes effect, an article inserted by an amendment) and by record (``when``).

Citations are written in the numbering in force on the day they start applying
(the original numbering, unless ``from`` says otherwise); a finding cites them
with the numbers in force on its as-of date (:mod:`.law`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import CompileError
from .conditions import Compiler, Test

if TYPE_CHECKING:
    from .law import Law
    from .yamlsrc import Loc


@dataclass(frozen=True)
class CitationSet:
    """The citations of a rule from one date on, with the article numbers then in force."""

    since: dt.date
    every: list[str]  # all of them (rule metadata: SARIF, trackers); findings share it
    conditional: tuple[tuple[str, Test | None], ...] = ()  # set when some apply to some records

    def for_record(self, record: Any, ctx: Any) -> list[str]:
        if not self.conditional:
            return self.every
        return [cite for cite, when in self.conditional if when is None or when(record, ctx)]


@dataclass(frozen=True)
class Cite:
    text: str
    since: dt.date | None  # cited from this date on, numbered as then
    when: Test | None


def citation_sets(cites: list[Cite], law: Law | None) -> tuple[CitationSet, ...]:
    starts = {dt.date.min, *(c.since for c in cites if c.since is not None)}
    if law is not None:
        for c in cites:
            starts.update(law.change_dates([c.text], c.since))
    conditional = any(c.when is not None for c in cites)
    sets = []
    for on in sorted(starts):
        live = [c for c in cites if c.since is None or c.since <= on]
        texts = [law.cite(c.text, on, c.since) if law else c.text for c in live]
        pairs = tuple(zip(texts, (c.when for c in live), strict=True)) if conditional else ()
        sets.append(CitationSet(on, texts, pairs))
    return tuple(sets)


def compile_citations(
    rule: dict[str, Any],
    loc: Loc,
    compiler: Compiler,
    law: Law | None,
    ends: dt.date | None,
) -> list[Cite]:
    """The rule's citations, compiled; raises :class:`CompileError` (an unmapped article
    of a renumbered text, cited while the pack may be in force after it, is one)."""
    out = []
    for index, entry in enumerate(rule["citations"]):
        where = (*loc, "citations", index)
        spec: dict[str, Any] = {"cite": entry} if isinstance(entry, str) else entry
        since: dt.date | None = spec.get("from")
        when = spec.get("when")
        cite = Cite(
            spec["cite"],
            since,
            compiler.compile(when, (*where, "when")).test if when is not None else None,
        )
        step = law.unmapped(cite.text, since) if law is not None else None
        if step is not None and (ends is None or ends >= step.on):
            raise CompileError(
                where,
                f"{cite.text} is not mapped by the renumbering of {step.on} in law.yaml, and the "
                f"pack may be in force after it: map the article there (or, if it was repealed, "
                f"cite what replaced it, with 'from: {step.on}')",
            )
        out.append(cite)
    return out


def remediations(rule: dict[str, Any]) -> tuple[str | None, tuple[tuple[dt.date, str], ...]]:
    given = rule.get("remediation")
    if not isinstance(given, list):
        return given, ()
    first = next((e["text"] for e in given if e.get("from") is None), None)
    dated = sorted((e["from"], e["text"]) for e in given if e.get("from") is not None)
    return first, tuple(dated)


__all__ = ["CitationSet", "Cite", "citation_sets", "compile_citations", "remediations"]
