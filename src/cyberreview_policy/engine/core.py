"""Decide a record under one or more packs as of a date.

Pure: no I/O and no side effects.  Case actions are listed on the decision and
carried out by the caller (:mod:`cyberreview_policy.cases`), so the same
decision can be replayed, diffed or tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import CyberreviewError, EvaluationError
from ..i18n.catalog import _
from ..models.identity import source_info
from ..models.outcomes import SEVERITY, VERDICTS
from ..policy.conditions import Ctx
from ..policy.pack import CompiledExposure, CompiledRule, Pack

if TYPE_CHECKING:
    from ..i18n.lang import Lang
    from ..models.decision import Action, Decision, Exposure, Finding
    from ..models.validate import RecordData as Record
    from ..policy.law import Law
    from ..waivers import Waiver, WaiverSet
    from .codegen import Run


def exposure_of(spec: CompiledExposure, record: Record) -> Exposure:
    """Penalty exposure as a range: factor x basis (``None`` ends if the basis is unknown)."""
    basis = spec.basis(record)
    amount = basis if isinstance(basis, Decimal | int | float) else None
    low_factor, high_factor = spec.factor
    individual = spec.individual
    return {
        "currency": spec.currency(record) or "CNY",
        "low": None if amount is None else Decimal(amount) * low_factor,
        "high": None if amount is None else Decimal(amount) * high_factor,
        "factor_low": low_factor,
        "factor_high": high_factor,
        "basis": spec.basis_path,
        "individual_low": individual[0] if individual else None,
        "individual_high": individual[1] if individual else None,
    }


def finding_for(rule: CompiledRule, record: Record, ctx: Ctx) -> Finding:
    """The finding of a rule that fired, with the facts that made it fire."""
    facts: dict[str, Any] = {}
    rule.node.facts(record, ctx, True, facts)
    return {
        "rule": rule.id,
        "pack": rule.pack,
        "title": rule.title,
        "outcome": rule.outcome,  # type: ignore[typeddict-item]
        "message": rule.message(record),
        "citations": rule.citations_for(record, ctx),  # often shared: decisions are read-only
        "overridable": rule.overridable_for(record, ctx),
        "waiver": None,
        "exposure": exposure_of(rule.exposure, record) if rule.exposure else None,
        "remediation": rule.remediation_on(ctx.as_of),
        "facts": facts,
    }


def expired_waiver_finding(waiver: Waiver, rule: CompiledRule) -> Finding:
    """An expired waiver no longer applies, and says so."""
    return {
        "rule": "waiver-expired",
        "pack": rule.pack,
        "title": "A waiver has expired",
        "outcome": "warn",
        "message": (
            f"waiver {waiver.id} for rule {rule.id} ({waiver.scope.describe()}) expired on "
            f"{waiver.expires}: the finding applies again"
        ),
        "citations": [],
        "overridable": False,
        "waiver": None,
        "exposure": None,
        "remediation": "Renew the waiver with a fresh approval, or resolve the finding.",
        "facts": {"waiver": waiver.id, "expires": waiver.expires.isoformat()},
    }


class Engine:
    """Evaluates records under a fixed list of packs, and the waivers that apply.

    Each pack runs as Python source generated from it (:mod:`.codegen`), compiled
    once per pack and bound once per as-of date, from the second record of a date
    on: the first is decided by walking the closures, so that a gate, which decides
    one record, does not spend a millisecond compiling.  ``compiled=False`` always
    walks the closures (the reference the generated code is tested against).  A
    record on which the generated code raises is decided again by the closures,
    so that the error names the rule.
    """

    def __init__(
        self,
        packs: Sequence[Pack],
        waivers: WaiverSet | None = None,
        *,
        compiled: bool = True,
        lang: Lang = "en",
        law: Law | None = None,
    ):
        if not packs:
            raise ValueError(_("an engine needs at least one pack"))
        self.packs = tuple(packs)
        self._refs = [pack.ref for pack in self.packs]
        # Rules in severity order (stable), so findings come out blocks first
        # without a sort per record; several packs still need one.
        self._plan = [
            (pack, sorted(pack.rules, key=lambda rule: -rule.severity)) for pack in self.packs
        ]
        self._sort = len(self.packs) > 1
        self.waivers = waivers or None
        self.compiled = compiled
        #: findings also in this language (additive ``*_localized`` fields), with the
        #: citations' Chinese titles from ``law``
        self.lang = lang
        self.law = law
        self._index: dict[tuple[str, str], CompiledRule] | None = None
        self._runs: dict[dt.date, list[Run]] = {}
        self._seen: set[dt.date] = set()  # dates decided once, by the closures

    def decide(self, record: Record, as_of: dt.date) -> Decision:
        runs = self._runs.get(as_of)
        if runs is None:
            if not self.compiled or as_of not in self._seen:
                self._seen.add(as_of)
                return self.interpret(record, as_of)
            runs = self._bind(as_of)
        findings: list[Finding] = []
        actions: list[Action] = []
        kinds: set[str] = set()
        try:
            worst = runs[0](record, findings, actions, kinds)
            for run in runs[1:]:
                severity = run(record, findings, actions, kinds)
                worst = max(worst, severity)
        except CyberreviewError:
            raise
        except Exception:  # a named check is plugin code: the closures name the rule
            return self.interpret(record, as_of)
        return self._decision(record, as_of, findings, actions, worst)

    def localized(self, decision: Decision, record: Record, lang: str) -> Decision:
        """``decision`` of ``record`` with its findings' texts in ``lang`` too (an HTTP
        request that asks for a language the engine was not built for)."""
        from ..i18n import check_lang
        from .localize import localize, rule_index

        if self._index is None:
            self._index = rule_index(self._plan)
        return localize(decision, record, self._index, self.law, check_lang(lang))

    def _bind(self, as_of: dt.date) -> list[Run]:
        from .codegen import program

        runs = [program(pack)(as_of, self.waivers) for pack in self.packs]
        if len(self._runs) > 16:  # a long-running service deciding as of many dates
            self._runs.clear()
            self._seen.clear()
        self._runs[as_of] = runs
        return runs

    def interpret(self, record: Record, as_of: dt.date) -> Decision:
        """Decide by walking the compiled closures (the reference implementation)."""
        findings: list[Finding] = []
        actions: list[Action] = []
        kinds: set[str] = set()
        worst = 0
        for pack, rules in self._plan:
            ctx = Ctx(as_of, pack.memo_size)
            for rule in rules:
                try:
                    if not rule.node.test(record, ctx):
                        continue
                    finding = finding_for(rule, record, ctx)
                    opened = (
                        [a.kind for a in rule.actions if a.when is None or a.when(record, ctx)]
                        if rule.actions
                        else ()
                    )
                except CyberreviewError:
                    raise
                except Exception as exc:  # a named check is plugin code
                    raise EvaluationError(
                        _("rule {id} of pack {id2} failed on record {id3}: {name}: {exc}").format(
                            id=rule.id, id2=pack.id, id3=record.id, name=type(exc).__name__, exc=exc
                        )
                    ) from exc
                if self.waivers is not None and finding["overridable"]:
                    waiver, expired = self.waivers.find(rule.pack, rule.id, record, as_of)
                    if waiver is not None:
                        finding["waiver"] = waiver.ref()  # type: ignore[typeddict-item]
                        findings.append(finding)
                        continue  # set aside: it neither decides nor opens cases
                    if expired is not None:
                        findings.append(expired_waiver_finding(expired, rule))
                        worst = max(worst, 1)
                findings.append(finding)
                worst = max(worst, rule.severity)
                for kind in opened:
                    if kind not in kinds:
                        kinds.add(kind)
                        actions.append(
                            {
                                "type": "open_case",
                                "kind": kind,
                                "rule": rule.id,
                                "case_id": None,
                                "created": None,
                                "state": None,
                            }
                        )
        return self._decision(record, as_of, findings, actions, worst)

    def _decision(
        self,
        record: Record,
        as_of: dt.date,
        findings: list[Finding],
        actions: list[Action],
        worst: int,
    ) -> Decision:
        deciding = self._refs[0]
        if self._sort or self.waivers is not None:
            findings.sort(key=_severity_first)
            if worst and len(self._refs) > 1:  # the pack whose finding decided
                deciding = next(r for r in self._refs if r["id"] == findings[0]["pack"])
        decision: Decision = {
            "record_id": record.id,
            "decision": VERDICTS[worst],
            "as_of": as_of,
            "pack": deciding,
            "packs": self._refs,
            "findings": findings,
            "actions": actions,
            "cases": [],
            "source": None if record.source is None else source_info(record),  # type: ignore[typeddict-item]
        }
        if self.lang != "en":
            from .localize import localize, rule_index

            if self._index is None:
                self._index = rule_index(self._plan)
            localize(decision, record, self._index, self.law, self.lang)
        return decision


def _severity_first(finding: Finding) -> int:
    """Blocks, warnings, advisories; a waived finding after all that count."""
    return -SEVERITY[finding["outcome"]] + (3 if finding["waiver"] else 0)
