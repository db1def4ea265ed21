"""Run a pack's own test cases, and measure which rules they cover.

A case is a record (written out, or a fixture with ``set``/``unset``
changes) and the decision expected for it.  Coverage counts, per rule, the
passing cases that assert it fires and those that assert it does not; a rule
without both is a failure (``cyberreview policy test``).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvaluationError, Location, PolicyError, problems, summarize
from ..i18n.catalog import _
from ..models.validate import ValidationError, from_obj
from ..policy import schema as s
from ..policy.pack import Pack
from ..policy.yamlsrc import load, validate
from .core import Engine


@dataclass
class CaseResult:
    name: str
    location: Location
    failures: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class Coverage:
    fires: int = 0
    does_not_fire: int = 0

    @property
    def complete(self) -> bool:
        return self.fires > 0 and self.does_not_fire > 0


@dataclass
class PackTestReport:
    pack: Pack
    results: list[CaseResult] = field(default_factory=list)
    coverage: dict[str, Coverage] = field(default_factory=dict)

    @property
    def uncovered(self) -> list[str]:
        return [rule for rule, cov in self.coverage.items() if not cov.complete]

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results) and not self.uncovered


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            child = data[key] = {}
        data = child
    data[keys[-1]] = value


def _unset_path(data: dict[str, Any], path: str) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            return
        data = child
    data.pop(keys[-1], None)


def build_record(case: s.PackCase, fixtures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if case.from_ is not None:
        if case.from_ not in fixtures:
            known = ", ".join(fixtures) or "none"
            raise ValueError(
                _("unknown fixture {from_} (fixtures: {known})").format(
                    from_=repr(case.from_), known=known
                )
            )
        data = copy.deepcopy(fixtures[case.from_])
        if case.record:
            data.update(copy.deepcopy(case.record))
    elif case.record is not None:
        data = copy.deepcopy(case.record)
    else:
        raise ValueError(_("a case needs 'record' or 'from'"))
    for path, value in case.set.items():
        _set_path(data, path, value)
    for path in case.unset:
        _unset_path(data, path)
    return data


def _check(expect: s.Expect, fired: list[str], actions: list[str], verdict: str) -> list[str]:
    failures = []
    if verdict != expect.decision:
        failures.append(f"decision is {verdict}, expected {expect.decision}")
    got = set(fired)
    if expect.rules is not None and got != set(expect.rules):
        extra, missing = sorted(got - set(expect.rules)), sorted(set(expect.rules) - got)
        detail = "; ".join(
            part
            for part in (
                f"also fired: {', '.join(extra)}" if extra else "",
                f"did not fire: {', '.join(missing)}" if missing else "",
            )
            if part
        )
        failures.append(f"rules differ ({detail})")
    for rule in expect.fired:
        if rule not in got:
            failures.append(f"{rule} did not fire")
    for rule in expect.not_fired:
        if rule in got:
            failures.append(f"{rule} fired")
    if expect.actions is not None and sorted(actions) != sorted(expect.actions):
        failures.append(
            f"actions are [{', '.join(actions)}], expected [{', '.join(expect.actions)}]"
        )
    return failures


def _asserted(expect: s.Expect, rules: list[str]) -> tuple[set[str], set[str]]:
    fires = set(expect.fired) | set(expect.rules or ())
    quiet = set(expect.not_fired)
    if expect.rules is not None:
        quiet |= set(rules) - set(expect.rules)
    return fires, quiet


def run_pack_tests(pack: Pack, files: list[Path] | None = None) -> PackTestReport:
    """Run the test files of ``pack`` (its manifest's ``tests`` by default)."""
    report = PackTestReport(pack, coverage={rule.id: Coverage() for rule in pack.rules})
    rule_ids = [rule.id for rule in pack.rules]
    engine = Engine([pack])
    for file in files if files is not None else pack.test_files():
        data, lines = load(file)
        suite = validate(s.PackTestFile, data, lines)
        for index, case in enumerate(suite.cases):
            where = lines.location(("cases", index))
            result = CaseResult(case.name, where)
            report.results.append(result)
            expect = case.expect
            named = [*expect.fired, *expect.not_fired, *(expect.rules or ())]
            unknown = sorted({rule for rule in named if rule not in rule_ids})
            if unknown:
                raise PolicyError(
                    _("case {name} names rules the pack does not have: {value}").format(
                        name=repr(case.name), value=", ".join(unknown)
                    ),
                    where,
                )
            try:
                record = from_obj(build_record(case, suite.fixtures))
            except ValueError as exc:
                found = problems(exc) if isinstance(exc, ValidationError) else None
                result.failures.append(f"invalid record: {summarize(found) if found else exc}")
                continue
            as_of: dt.date = case.as_of or suite.as_of or pack.manifest.effective_from
            try:
                decision = engine.decide(record, as_of)
            except EvaluationError as exc:
                result.failures.append(str(exc))
                continue
            result.fired = [f["rule"] for f in decision["findings"]]
            actions = [f"{a['type']}:{a['kind']}" for a in decision["actions"]]
            result.failures = _check(expect, result.fired, actions, decision["decision"])
            if result.ok:
                fires, quiet = _asserted(expect, rule_ids)
                for rule in fires:
                    report.coverage[rule].fires += 1
                for rule in quiet:
                    report.coverage[rule].does_not_fire += 1
    return report
