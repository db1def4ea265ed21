"""Decisions, CI runs and validators for the CI output tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.ci import CiRun
from cyberreview_policy.errors import Location
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.pack import Pack
from cyberreview_policy.sweep.summary import Decided, SourceReport, Summary, subject_of
from tests.conftest import AS_OF, COVERED, with_changes

DATA = Path(__file__).parents[1] / "data"
#: the shipped demo record that blocks (review-required) and carries an advisory (scope)
BLOCKED = COVERED
WARNED = with_changes(
    COVERED, review__status="passed", contract__commitments__no_illegal_control=None
)
ALLOWED = with_changes(COVERED, review__status="passed")


@pytest.fixture
def ci_run(pack: Pack, tmp_path: Path) -> CiRun:
    return CiRun("sweep", AS_OF, (pack,), cwd=tmp_path)


@pytest.fixture
def decided(engine: Any, tmp_path: Path) -> Callable[..., Decided]:
    """``decided(data, line=3)``: a record decided as a sweep would, read from line
    ``line`` of ``records.jsonl`` in the run's directory (``where`` overrides)."""

    def make(data: dict[str, Any], line: int = 1, where: Location | None = None) -> Decided:
        record = Record.from_obj(data)
        location = where or Location(str(tmp_path / "records.jsonl"), line)
        return Decided(engine.decide(record, AS_OF), subject_of(record), location=location)

    return make


def summary_of(pack: Pack, *decided: Decided, source: str = "records.jsonl") -> Summary:
    summary = Summary(AS_OF, [pack.ref])
    for one in decided:
        summary.add(one.decision)
    summary.sources.append(SourceReport(source, records=len(decided)))
    return summary


@pytest.fixture(scope="session")
def sarif_validator() -> Any:
    import jsonschema

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def junit_schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
