"""The law the packs encode: pack families and how legal texts are numbered over time.

A **family** is one regime (``cn-csr``: the Cybersecurity Review Measures;
``cn-cne``: the critical network equipment catalogue).  Its versions are packs
whose validity must follow one another without gap or overlap from the day the
family starts; on any date the version in force decides.

A **text** may be renumbered: the Cybersecurity Law moved Art. 23/35/65 to
25/37/67 on 2026-01-01.  Rules cite the original numbers once; a finding cites
the number in force on its as-of date.  A renumbering lists every article it
maps: a pack in force after it that cites an article it does not map is a pack
error (the article may have been repealed), never a silent old number.

Both are declared in ``law.yaml`` files, registered by plugins through the
``cyberreview_register_law`` hook (the shipped one is ``policies/law.yaml``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, PolicyError
from ..i18n.catalog import _

ONE_DAY = dt.timedelta(days=1)
_BEFORE = re.compile(r" \(numbering before (?P<on>[0-9]{4}-[0-9]{2}-[0-9]{2})\)$")
_CITATION = re.compile(r"^(?P<text>.+?) Art\. (?P<article>[0-9]+)(?P<rest>[a-z]?(\([0-9]+\))?)$")


@dataclass(frozen=True)
class Family:
    id: str
    title: str
    starts: dt.date
    ends: dt.date | None = None
    location: Location | None = None

    def applies(self, on: dt.date) -> bool:
        return self.starts <= on and (self.ends is None or on <= self.ends)


@dataclass(frozen=True)
class Renumbering:
    on: dt.date
    articles: Mapping[int, int]
    note: str | None = None


@dataclass(frozen=True)
class Text:
    id: str  # as citations spell it: "CSL"
    title: str
    renumbered: tuple[Renumbering, ...] = ()
    title_zh: str | None = None  # as cited: 《中华人民共和国网络安全法》


@dataclass
class Law:
    """Families and texts from every registered law file."""

    families: dict[str, Family] = field(default_factory=dict)
    texts: dict[str, Text] = field(default_factory=dict)

    def merge(self, other: Law, where: Location | None) -> None:
        for name, family in other.families.items():
            if name in self.families and self.families[name] != family:
                first = self.families[name].location
                raise PolicyError(
                    _("family {name} is declared twice (first at {first})").format(
                        name=repr(name), first=first
                    ),
                    where,
                )
            self.families[name] = family
        for name, text in other.texts.items():
            if name in self.texts and self.texts[name] != text:
                raise PolicyError(_("text {name} is declared twice").format(name=repr(name)), where)
            self.texts[name] = text

    def _steps(
        self, citation: str, since: dt.date | None
    ) -> tuple[re.Match[str] | None, list[Renumbering]]:
        """The renumberings that apply to ``citation``, written in the numbering in force
        on ``since`` (``None``: the text's original numbering)."""
        match = _CITATION.match(citation)
        text = self.texts.get(match["text"]) if match else None
        if text is None:
            return match, []
        return match, [s for s in text.renumbered if since is None or s.on > since]

    def cite(self, citation: str, on: dt.date, since: dt.date | None = None) -> str:
        """``citation`` with the article number in force ``on``.

        An article that a renumbering does not map (it was repealed, or the law
        file does not say) keeps its number *and says so*: never a silent old number.
        """
        match, steps = self._steps(citation, since)
        if match is None or not steps:
            return citation
        article = int(match["article"])
        for step in steps:
            if step.on > on:
                break
            if article not in step.articles:
                return f"{citation} (numbering before {step.on})"
            article = step.articles[article]
        return f"{match['text']} Art. {article}{match['rest']}"

    def cite_in(self, citation: str, lang: str) -> str:
        """A citation as found (``CSL Art. 37``, numbered as in force) in ``lang``:
        《中华人民共和国网络安全法》第三十七条 in Chinese; as it is when the text has no
        Chinese title or ``lang`` is English."""
        if lang == "en":
            return citation
        from ..i18n.words import chinese_numeral

        note = _BEFORE.search(citation)
        bare = citation[: note.start()] if note else citation
        match = _CITATION.match(bare)
        text = self.texts.get(match["text"]) if match else None
        if match is None or text is None or not text.title_zh:
            return citation
        article = f"第{chinese_numeral(int(match['article']))}条"
        rest = match["rest"]
        paragraph = re.fullmatch(r"([a-z]?)\(([0-9]+)\)", rest or "")
        if paragraph:
            rest = f"{paragraph[1]}第{chinese_numeral(int(paragraph[2]))}款"
        out = f"{text.title_zh}{article}{rest}"
        if note:
            on = dt.date.fromisoformat(note["on"])
            out += f"（{on.year}年{on.month}月{on.day}日前的条文序号）"
        if lang == "zh-CN+en":
            out += f"（{citation}）"
        return out

    def unmapped(self, citation: str, since: dt.date | None = None) -> Renumbering | None:
        """The first renumbering that does not map ``citation``'s article, if any."""
        match, steps = self._steps(citation, since)
        if match is None:
            return None
        article = int(match["article"])
        for step in steps:
            if article not in step.articles:
                return step
            article = step.articles[article]
        return None

    def change_dates(self, citations: Iterable[str], since: dt.date | None = None) -> list[dt.date]:
        """The dates on which any of ``citations`` (numbered as on ``since``) changes number."""
        dates: set[dt.date] = set()
        for citation in citations:
            dates.update(step.on for step in self._steps(citation, since)[1])
        return sorted(dates)


def _validated(path: Path) -> dict[str, Any]:
    """The law file's validated data, with each family's line (cached like packs)."""
    from . import cache

    hit = cache.load(path)
    if hit is not None:
        return hit
    from .law_model import LawFile
    from .yamlsrc import load, validate

    data, lines = load(path)
    parsed = validate(LawFile, data, lines).model_dump()
    for name, family in parsed["families"].items():
        family["line"] = lines.line(("families", name))
    for text in parsed["texts"].values():  # JSON keys are text: keep the numbers as pairs
        for step in text["renumbered"]:
            step["articles"] = sorted(step["articles"].items())
    cache.store(path, parsed)
    return parsed


def load_law(path: Path) -> Law:
    """Read one ``law.yaml`` (structure with lines, then the model)."""
    parsed = _validated(path)
    law = Law()
    for name, family in parsed["families"].items():
        where = Location(path, family["line"])
        law.families[name] = Family(name, family["title"], family["starts"], family["ends"], where)
    for name, text in parsed["texts"].items():
        steps = tuple(
            Renumbering(step["since"], dict(step["articles"]), step["note"])
            for step in sorted(text["renumbered"], key=lambda s: s["since"])
        )
        law.texts[name] = Text(name, text["title"], steps, text.get("title_zh"))
    return law


def merged(paths: Iterable[Path]) -> Law:
    law = Law()
    for path in paths:
        law.merge(load_law(path), Location(path))
    return law


@dataclass(frozen=True)
class Version:
    """What the family check needs of a pack."""

    id: str
    family: str | None
    effective_from: dt.date
    effective_to: dt.date | None
    location: Location


def check_families(versions: Sequence[Version], law: Law) -> list[PolicyError]:
    """Every family's versions follow one another from its start: no gap, no overlap."""
    problems: list[PolicyError] = []
    by_family: dict[str, list[Version]] = {}
    for version in versions:
        if version.family is None:
            continue
        if version.family not in law.families:
            known = ", ".join(sorted(law.families)) or "none"
            problems.append(
                PolicyError(
                    _(
                        "pack {id} names unknown family {family} (known families: {known}; "
                        "declare it in a law.yaml)"
                    ).format(id=version.id, family=repr(version.family), known=known),
                    version.location,
                    "family",
                )
            )
            continue
        by_family.setdefault(version.family, []).append(version)
    for name, members in by_family.items():
        family = law.families[name]
        ordered = sorted(members, key=lambda v: v.effective_from)
        problems.extend(_sequence_problems(family, ordered))
    return problems


def _sequence_problems(family: Family, ordered: list[Version]) -> list[PolicyError]:
    out: list[PolicyError] = []
    first = ordered[0]
    if first.effective_from > family.starts:
        out.append(
            PolicyError(
                _(
                    "family {id} starts on {starts} but its first version, {id2}, only on "
                    "{effective_from}: a gap in validity"
                ).format(
                    id=family.id,
                    starts=family.starts,
                    id2=first.id,
                    effective_from=first.effective_from,
                ),
                first.location,
                "effective_from",
            )
        )
    for before, after in itertools.pairwise(ordered):
        end = before.effective_to
        if end is None or end >= after.effective_from:
            out.append(
                PolicyError(
                    _(
                        "packs {id} and {id2} of family {id3} overlap: {id} is in force until "
                        "{value}, {id2} from {effective_from}"
                    ).format(
                        id=before.id,
                        id2=after.id,
                        id3=family.id,
                        value=end or "further notice",
                        effective_from=after.effective_from,
                    ),
                    after.location,
                    "effective_from",
                )
            )
        elif end + ONE_DAY < after.effective_from:
            out.append(
                PolicyError(
                    _(
                        "family {id} has no version in force from {value} to {value2}: a gap in "
                        "validity between {id2} and {id3}"
                    ).format(
                        id=family.id,
                        value=end + ONE_DAY,
                        value2=after.effective_from - ONE_DAY,
                        id2=before.id,
                        id3=after.id,
                    ),
                    after.location,
                    "effective_from",
                )
            )
    last = ordered[-1]
    if last.effective_to is not None and last.effective_to != family.ends:
        out.append(
            PolicyError(
                _(
                    "family {id} runs until {value} but its last version, {id2}, ends on "
                    "{effective_to}: a gap in validity"
                ).format(
                    id=family.id,
                    value=family.ends or "further notice",
                    id2=last.id,
                    effective_to=last.effective_to,
                ),
                last.location,
                "effective_to",
            )
        )
    return out


__all__ = ["Family", "Law", "Text", "Version", "check_families", "load_law", "merged"]
