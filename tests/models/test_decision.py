"""Decisions as the engine builds them fit the published Decision schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cyberreview_policy.models.decision import decision_adapter, decision_json
from cyberreview_policy.models.jsonout import dumps


def test_engine_output_validates_against_the_decision_model(decide: Callable[..., Any]) -> None:
    decision = decide(deployment__in_use=True)
    checked = decision_adapter().validate_python(decision)
    assert checked["decision"] == "block"


def test_schema_is_closed_and_names_every_field() -> None:
    schema = decision_adapter().json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"record_id", "decision", "pack", "findings", "actions"}
    finding = schema["$defs"]["Finding"]["properties"]
    assert {"rule", "outcome", "message", "citations", "overridable", "waiver", "exposure"} <= set(
        finding
    )


def test_standard_library_output_equals_pydantic_output(decide: Callable[..., Any]) -> None:
    decision = decide(deployment__in_use=True, source={"adapter": "erp", "ref": "7"})
    assert json.loads(dumps(decision)) == json.loads(decision_json(decision))
