"""Fuzzing the API from its own OpenAPI description (schemathesis): the real app, a
real store, tokens for every operation: no answer is a 5xx.

Bounded (a few dozen examples per operation) so that the suite stays fast; raise
``CYBERREVIEW_FUZZ_EXAMPLES`` for a longer run.  (Schemathesis' own pytest
fixture integration does not work with this pytest; its strategies are driven
by Hypothesis directly instead.)
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.serve.conftest import bearer

EXAMPLES = int(os.environ.get("CYBERREVIEW_FUZZ_EXAMPLES", "25"))
ROLE_FOR = {
    ("POST", "/v1/decisions"): "gate",
    ("POST", "/v1/cases/{case_id}/transitions"): "reviewer",
    ("POST", "/v1/waivers"): "reviewer",
    ("POST", "/v1/waivers/{waiver_id}/approve"): "reviewer",
    ("POST", "/v1/waivers/{waiver_id}/reject"): "reviewer",
    ("GET", "/v1/audit"): "auditor",
}


@pytest.mark.slow
def test_no_server_errors(serve: Any, covered: dict[str, Any]) -> None:
    service = serve(max_body=64 * 1024)
    service.decide(covered)  # a case to move, a trail to read
    api = schemathesis.openapi.from_asgi("/openapi.json", service.client.app)
    operations = [result.ok() for result in api.get_all_operations()]
    seen = {(op.method.upper(), op.path) for op in operations}
    assert {("POST", "/v1/decisions"), ("GET", "/v1/cases/{case_id}")} <= seen
    failures: list[str] = []
    for operation in operations:
        fuzz_one(service, operation, failures)
    assert failures == []


def fuzz_one(service: Any, operation: Any, failures: list[str]) -> None:
    role = ROLE_FOR.get((operation.method.upper(), operation.path), "auditor")

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case: Any) -> None:
        response = case.call(headers=bearer(service.tokens[role]))
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

    fuzz()
