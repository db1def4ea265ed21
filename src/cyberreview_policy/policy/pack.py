"""Load a policy pack: manifest, rule files, compiled rules.

Three stages, each error naming file, line, rule and field: YAML structure
(:mod:`.structure`), the models (:mod:`.schema`), then compilation (field
paths, operand types, definitions, checks, templates).  The first two run
only when the pack's files changed since they last passed (:mod:`.cache`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks import Check
from ..errors import CompileError, Location, PathError, PolicyError, TemplateError, dotted
from ..i18n.catalog import _
from ..models.outcomes import SEVERITY, CaseKind
from ..models.paths import getter
from . import cache
from .citations import CitationSet, citation_sets, compile_citations, remediations
from .conditions import Compiler, Node, Test
from .template import Piece, compile_template, parse_template, placeholders

if TYPE_CHECKING:
    from ..models.decision import PackRef
    from .law import Law
    from .yamlsrc import LineMap, Loc

MANIFEST = "pack.yaml"


@dataclass(frozen=True)
class PackInfo:
    """The manifest of a pack (validated by ``schema.Manifest``)."""

    id: str
    title: str
    version: str
    family: str | None
    effective_from: dt.date
    effective_to: dt.date | None
    implements: tuple[str, ...]
    description: str | None
    rules: tuple[str, ...]
    tests: tuple[str, ...]
    #: every rule is written in these (``en``: the rule's own fields)
    languages: tuple[str, ...] = ("en",)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PackInfo:
        return cls(
            **{
                **data,
                "implements": tuple(data["implements"]),
                "rules": tuple(data["rules"]),
                "tests": tuple(data["tests"]),
                "languages": tuple(data.get("languages") or ("en",)),
            }
        )

    def in_force(self, on: dt.date) -> bool:
        end = self.effective_to
        return self.effective_from <= on and (end is None or on <= end)

    @property
    def validity(self) -> str:
        """When the pack is in force, as the language of this context writes dates."""
        from ..i18n.catalog import current_lang
        from ..i18n.words import date

        lang = current_lang()
        start = date(self.effective_from, lang)
        if self.effective_to is None:
            return _("{start} to open end").format(start=start)
        return _("{start} to {end}").format(start=start, end=date(self.effective_to, lang))


@dataclass(frozen=True)
class CompiledAction:
    kind: CaseKind
    when: Test | None
    node: Node | None = field(default=None, compare=False)  # ``when`` as a condition


@dataclass(frozen=True)
class CompiledExposure:
    basis_path: str
    basis: Callable[[Any], Any]
    currency: Callable[[Any], Any]
    factor: tuple[Decimal, Decimal]
    individual: tuple[Decimal, Decimal] | None


@dataclass(frozen=True)
class CompiledRule:
    id: str
    pack: str
    title: str
    outcome: str
    severity: int
    overridable: bool
    citations: tuple[str, ...]
    remediation: str | None
    node: Node
    message: Callable[[Any], str]
    actions: tuple[CompiledAction, ...]
    exposure: CompiledExposure | None
    location: Location
    #: in date order: the citations in force from each date on.
    citation_sets: tuple[CitationSet, ...] = field(default=(), compare=False)
    #: the rule's longer explanation, if the pack gives one (SARIF fullDescription)
    description: str | None = None
    #: (from date, text) in date order, when the remediation changes with the law
    remediations: tuple[tuple[dt.date, str], ...] = field(default=(), compare=False)
    #: an overridable rule is not, for a record where this holds
    fixed_when: Test | None = field(default=None, compare=False)
    #: the rule's words in other languages, as written: {lang: {title, message, remediation}}
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)
    _local: dict[str, LocalText] = field(default_factory=dict, compare=False, repr=False)

    def _set_on(self, on: dt.date) -> CitationSet:
        chosen = self.citation_sets[0]
        for entry in self.citation_sets:
            if entry.since <= on:
                chosen = entry
        return chosen

    #: the message template, parsed (what :mod:`..engine.codegen` writes out)
    template: tuple[Piece, ...] = field(default=(), compare=False)

    def citations_on(self, on: dt.date) -> list[str]:
        """Every citation the rule may give ``on``, numbered as then (a list findings share)."""
        return self._set_on(on).every

    def citations_for(self, record: Any, ctx: Any) -> list[str]:
        """The citations of a finding on ``record`` as of ``ctx.as_of``."""
        return self._set_on(ctx.as_of).for_record(record, ctx)

    def remediation_on(self, on: dt.date) -> str | None:
        chosen = self.remediation
        for since, text in self.remediations:
            if since <= on:
                chosen = text
        return chosen

    def overridable_for(self, record: Any, ctx: Any) -> bool:
        return self.overridable and not (self.fixed_when and self.fixed_when(record, ctx))

    def text_in(self, lang: str) -> LocalText | None:
        """The rule's words in ``lang`` (its message compiled on first use), or ``None``
        when the pack does not write it in that language."""
        local = self._local.get(lang)
        if local is None:
            given = self.translations.get(lang)
            if given is None:
                return None
            remediation, dated = remediations(dict(given))
            local = LocalText(
                given["title"],
                compile_template(given["message"], lang),  # type: ignore[arg-type]
                remediation,
                dated,
            )
            self._local[lang] = local
        return local


@dataclass(frozen=True)
class LocalText:
    """A rule's title, message and remediation in one more language."""

    title: str
    message: Callable[[Any], str]
    remediation: str | None
    remediations: tuple[tuple[dt.date, str], ...] = ()

    def remediation_on(self, on: dt.date) -> str | None:
        chosen = self.remediation
        for since, text in self.remediations:
            if since <= on:
                chosen = text
        return chosen


@dataclass(frozen=True)
class Pack:
    """A loaded, compiled pack."""

    manifest: PackInfo
    path: Path
    rules: tuple[CompiledRule, ...]
    memo_size: int

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def ref(self) -> PackRef:
        return {"id": self.id, "version": self.version}

    def in_force(self, on: dt.date) -> bool:
        return self.manifest.in_force(on)

    def test_files(self) -> list[Path]:
        return _files(self.path, self.manifest.tests, Location(self.path / MANIFEST))


_YAML = (".yaml", ".yml")


def _files(root: Path, entries: Iterable[str], where: Location) -> list[Path]:
    """The YAML files ``entries`` (files or directories) name, each inside ``root``
    once links are followed: a pack reads nothing else, and the pack cache's
    fingerprint (every YAML file in the pack) covers all it reads."""
    home = root.resolve()
    out: list[Path] = []
    for entry in entries:
        target = root / entry
        _inside(home, target, entry, where)
        if target.is_dir():
            found = sorted(p for p in target.iterdir() if p.suffix in _YAML)
            for path in found:
                _inside(home, path, f"{entry}/{path.name}", where)
            out.extend(found)
        elif target.is_file():
            if target.suffix not in _YAML:
                raise PolicyError(
                    _("{entry}: a rule file is YAML (.yaml or .yml)").format(entry=repr(entry)),
                    where,
                )
            out.append(target)
        else:
            raise PolicyError(
                _("{entry} does not exist in {root}").format(entry=repr(entry), root=root), where
            )
    return out


def _inside(home: Path, target: Path, entry: str, where: Location) -> None:
    """Refuse ``target`` unless it is in the pack directory ``home`` (links followed):
    an absolute path, ``..`` or a link out of the pack (``/proc/self/environ``, another
    pack's secrets) is never read."""
    try:
        inside = target.resolve().is_relative_to(home)
    except (OSError, RuntimeError):  # a link loop
        inside = False
    if not inside:
        raise PolicyError(
            _("{entry} is outside the pack: a pack reads only its own files").format(
                entry=repr(entry)
            ),
            where,
        )


def _manifest_data(path: Path) -> dict[str, Any]:
    from . import schema as s
    from .yamlsrc import load, validate

    file = path / MANIFEST
    if not file.is_file():
        raise PolicyError(
            _("not a policy pack: no {MANIFEST}").format(MANIFEST=MANIFEST), Location(path)
        )
    data, lines = load(file)
    if not isinstance(data, dict):
        raise PolicyError(_("a manifest must be a mapping"), lines.location())
    manifest = validate(s.Manifest, data, lines)
    end = manifest.effective_to
    if end is not None and end < manifest.effective_from:
        raise PolicyError(
            _("effective_to is before effective_from"), lines.location(("effective_to",))
        )
    return manifest.model_dump()


def _rule_files_data(path: Path, manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Stages one and two for every rule file: ``[{file, definitions, rules}]``."""
    from . import schema as s
    from .structure import check_rule_file
    from .yamlsrc import load, validate

    files = _files(path, manifest["rules"], Location(path / MANIFEST))
    if not files:
        raise PolicyError(_("the pack has no rule files"), Location(path / MANIFEST))
    out = []
    for file in files:
        data, lines = load(file)
        check_rule_file(data, lines)
        parsed = validate(s.RuleFile, data, lines)
        dumped = parsed.model_dump(by_alias=True, exclude_none=True)
        out.append({"file": str(file.relative_to(path)), **dumped})
    return out


def _cached_pack(path: Path) -> dict[str, Any] | None:
    """The cache entry of the pack directory ``path`` (a file, say a law.yaml given where
    a pack was expected, has an entry of another kind: not a pack's)."""
    hit = cache.load(path)
    return hit if hit is not None and "manifest" in hit and "files" in hit else None


def _validated(path: Path, use_cache: bool) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """(manifest, rule files, from cache)."""
    if use_cache:
        hit = _cached_pack(path)
        if hit is not None:
            return hit["manifest"], hit["files"], True
    manifest = _manifest_data(path)
    files = _rule_files_data(path, manifest)
    cache.store(path, {"manifest": manifest, "files": files})
    return manifest, files, False


def read_manifest(path: Path) -> PackInfo:
    """The manifest of the pack directory ``path`` (from the cache after the first read,
    which validates the whole pack once)."""
    hit = _cached_pack(path)
    if hit is not None:
        return PackInfo.from_data(hit["manifest"])
    manifest = _manifest_data(path)
    try:
        files = _rule_files_data(path, manifest)
    except PolicyError:
        return PackInfo.from_data(manifest)  # the error shows when the pack is loaded
    cache.store(path, {"manifest": manifest, "files": files})
    return PackInfo.from_data(manifest)


class _Lines:
    """Line lookup for compile errors: exact when loaded from YAML, file-only from cache."""

    def __init__(self, path: Path, files: list[dict[str, Any]], cached: bool):
        self.path = path
        self.cached = cached
        self._maps: dict[str, LineMap] = {}
        if not cached:
            from .yamlsrc import load

            for entry in files:
                self._maps[entry["file"]] = load(path / entry["file"])[1]

    def location(self, file: str, loc: Loc) -> Location:
        lines = self._maps.get(file)
        return lines.location(loc) if lines else Location(self.path / file)


def _compile_rule(
    rule: dict[str, Any],
    *,
    file: str,
    loc: Loc,
    lines: _Lines,
    compiler: Compiler,
    pack_id: str,
    law: Law | None,
    ends: dt.date | None = None,
    languages: Sequence[str] = ("en",),
) -> CompiledRule:
    rule_id = rule["id"]

    def fail(where: Loc, message: str, at: str = file) -> PolicyError:
        return PolicyError(message, lines.location(at, where), dotted(where), rule_id)

    try:
        node = compiler.compile(rule["when"], (*loc, "when"))
        conditions = [
            compiler.compile(action["when"], (*loc, "actions", i, "when"))
            if "when" in action
            else None
            for i, action in enumerate(rule.get("actions", ()))
        ]
        actions = tuple(
            CompiledAction(action["open_case"], None if when is None else when.test, when)
            for action, when in zip(rule.get("actions", ()), conditions, strict=True)
        )
        cites = compile_citations(rule, loc, compiler, law, ends)
        fixed = rule.get("not_overridable_when")
        fixed_when = compiler.compile(fixed, (*loc, "not_overridable_when")).test if fixed else None
    except CompileError as exc:
        raise fail(exc.loc, exc.message, exc.file or file) from None
    try:
        template = parse_template(rule["message"])
        message = compile_template(rule["message"])
    except (TemplateError, PathError) as exc:
        raise fail((*loc, "message"), str(exc)) from None
    exposure = None
    if "exposure" in rule:
        spec = rule["exposure"]
        try:
            exposure = CompiledExposure(
                spec["basis"],
                getter(spec["basis"]),
                getter(spec["currency"]),
                (spec["factor"][0], spec["factor"][1]),
                (spec["individual"][0], spec["individual"][1]) if spec.get("individual") else None,
            )
        except PathError as exc:
            raise fail((*loc, "exposure"), str(exc)) from None
    if fixed_when is not None and not rule["overridable"]:
        raise fail((*loc, "not_overridable_when"), _("the rule is not overridable at all"))
    remediation, dated = remediations(rule)
    _check_translations(rule, languages, fail, loc)
    return CompiledRule(
        id=rule_id,
        pack=pack_id,
        title=rule["title"],
        outcome=rule["outcome"],
        severity=SEVERITY[rule["outcome"]],
        overridable=rule["overridable"],
        citations=tuple(c.text for c in cites),
        citation_sets=citation_sets(cites, law),
        remediation=remediation,
        remediations=dated,
        fixed_when=fixed_when,
        description=rule.get("description"),
        node=node,
        message=message,
        template=template,
        actions=actions,
        exposure=exposure,
        location=lines.location(file, loc),
        translations=rule.get("translations") or {},
    )


def _check_translations(
    rule: Mapping[str, Any],
    languages: Sequence[str],
    fail: Callable[[Loc, str], PolicyError],
    loc: Loc,
) -> None:
    """Refuse a rule without one of the pack's languages, or whose words in it insert
    other facts than the English, or give a remediation on other dates."""
    given = rule.get("translations") or {}
    for lang in given:
        if lang not in languages:
            raise fail(
                (*loc, "translations", lang),
                _("a {lang} translation, but the pack declares languages: {value}").format(
                    lang=lang, value=", ".join(languages)
                ),
            )
    for lang in languages:
        if lang == "en":
            continue
        text = given.get(lang)
        if text is None:
            raise fail(
                (*loc, "id"),
                _(
                    "no {lang} translation (the pack declares languages: {value}); add "
                    "translations: {{{lang}: {{title, message, remediation}}}}"
                ).format(lang=lang, value=", ".join(languages)),
            )
        where = (*loc, "translations", lang)
        wanted, got = placeholders(rule["message"]), placeholders(text["message"])
        if wanted != got:
            missing = ", ".join(sorted(f"{{{p}}}" for p, _ in wanted - got)) or "none"
            extra = ", ".join(sorted(f"{{{p}}}" for p, _ in got - wanted)) or "none"
            raise fail(
                (*where, "message"),
                _(
                    "the {lang} message inserts other facts than the English (missing: "
                    "{missing}; not in the English: {extra})"
                ).format(lang=lang, missing=missing, extra=extra),
            )
        try:
            parse_template(text["message"])
        except (TemplateError, PathError) as exc:
            raise fail((*where, "message"), str(exc)) from None
        english, local = rule.get("remediation"), text.get("remediation")
        if (english is None) != (local is None):
            raise fail(
                (*where, "remediation") if local is not None else where,
                _("the {lang} remediation must be given exactly when the English one is").format(
                    lang=lang
                ),
            )
        if isinstance(english, list) or isinstance(local, list):
            dates = [entry.get("from") for entry in english] if isinstance(english, list) else []
            others = [entry.get("from") for entry in local] if isinstance(local, list) else []
            if sorted(map(str, dates)) != sorted(map(str, others)):
                raise fail(
                    (*where, "remediation"),
                    _("the {lang} remediation must change on the dates of the English one").format(
                        lang=lang
                    ),
                )


def _compile(
    path: Path,
    manifest: dict[str, Any],
    files: list[dict[str, Any]],
    *,
    cached: bool,
    checks: Mapping[str, Check],
    law: Law | None,
) -> Pack:
    lines = _Lines(path, files, cached)
    definitions: dict[str, tuple[Any, Loc, str]] = {}
    seen: dict[str, Location] = {}
    for entry in files:
        for name, body in entry.get("definitions", {}).items():
            if name in definitions:
                first = lines.location(definitions[name][2], ("definitions", name))
                raise PolicyError(
                    _("definition {name} is defined twice (first at {first})").format(
                        name=repr(name), first=first
                    ),
                    lines.location(entry["file"], ("definitions", name)),
                )
            definitions[name] = (body, ("definitions", name), entry["file"])
        for index, rule in enumerate(entry.get("rules", ())):
            here = lines.location(entry["file"], ("rules", index))
            if rule["id"] in seen:
                raise PolicyError(
                    _("duplicate rule id (first at {seen})").format(seen=seen[rule["id"]]),
                    here,
                    "id",
                    rule["id"],
                )
            seen[rule["id"]] = here
    compiler = Compiler(definitions, checks)
    rules = tuple(
        _compile_rule(
            rule,
            file=entry["file"],
            loc=("rules", index),
            lines=lines,
            compiler=compiler,
            pack_id=manifest["id"],
            law=law,
            ends=manifest["effective_to"],
            languages=manifest.get("languages") or ("en",),
        )
        for entry in files
        for index, rule in enumerate(entry.get("rules", ()))
    )
    for name, (_tree, _loc, file) in definitions.items():  # an unused definition must compile too
        try:
            compiler.definition(name)
        except CompileError as exc:
            where = lines.location(exc.file or file, exc.loc)
            raise PolicyError(exc.message, where, dotted(exc.loc)) from None
    return Pack(PackInfo.from_data(manifest), path, rules, compiler.memo_size)


def load_pack(path: Path, checks: Mapping[str, Check], law: Law | None = None) -> Pack:
    """Load and compile the pack in directory ``path``; ``law`` renumbers its citations."""
    manifest, files, cached = _validated(path, use_cache=True)
    try:
        return _compile(path, manifest, files, cached=cached, checks=checks, law=law)
    except PolicyError:
        if not cached:
            raise
    # A cached pack that no longer compiles (a check plugin went away, say):
    # load it from YAML again, for an error with the exact line.
    manifest, files, cached = _validated(path, use_cache=False)
    return _compile(path, manifest, files, cached=cached, checks=checks, law=law)
