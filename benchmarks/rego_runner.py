"""Decide JSON Lines records under ``rego/csr2020.rego`` with regopy, one query per record.

    python benchmarks/rego_runner.py RECORDS.jsonl --output DECISIONS.jsonl

Writes one decision per line, the same shape as ``baseline.py``, then prints
its timing to stderr as one JSON line: ``{"records", "setup_seconds",
"eval_seconds"}``.  ``eval_seconds`` covers the loop (read a line, hand it to
the interpreter, query the compiled bundle, parse and write the result);
``setup_seconds`` covers loading and compiling the policy, which happens once.

The policy is compiled once into a bundle with the entrypoint
``csr2020/result``; each record is parsed with :mod:`json` and handed over as
an ``Input``, which measured faster than passing the JSON text as an input
term (rego-cpp then parses it as Rego), and the entrypoint query is faster than
a query string.  regopy parses the interpreter's JSON output itself.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from _loop import run_loop

POLICY = Path(__file__).with_name("rego") / "csr2020.rego"
ENTRYPOINT = "csr2020/result"

#: The order ``cyberreview`` lists findings in: most severe first, then pack order.
RULE_ORDER = (
    "scope",
    "scope-unknown",
    "risk-anticipation",
    "review-required",
    "review-failed",
    "in-use-without-review",
    "commitments",
    "materials",
    "factors-contradict",
    "review-overdue",
    "security-agreement",
    "security-agreement-unknown",
)
SEVERITY = {"block": 0, "warn": 1, "advisory": 2}
_RANK = {rule: index for index, rule in enumerate(RULE_ORDER)}


def _finding_key(finding: dict[str, Any]) -> tuple[int, int]:
    return SEVERITY[finding["outcome"]], _RANK[finding["rule"]]


def _action_key(action: dict[str, Any]) -> int:
    return _RANK[action["rule"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("records", help="records, JSON Lines")
    parser.add_argument("--output", "-o", default="-", help="decisions, JSON Lines (- = stdout)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from regopy import Input, Interpreter

    rego = Interpreter()
    rego.add_module("csr2020", POLICY.read_text("utf-8"))
    bundle = rego.build(None, [ENTRYPOINT])
    setup = time.perf_counter() - started

    def decide(record: Any) -> Any:
        rego.set_input(Input(record))
        output = rego.query_bundle_entrypoint(bundle, ENTRYPOINT)
        if not output.ok():
            return f"rego: {output}"
        result = output[0][0]
        return {
            "record_id": record["id"],
            "decision": result["decision"],
            "findings": sorted(result["findings"], key=_finding_key),
            "actions": sorted(result["actions"], key=_action_key),
        }

    return run_loop(args.records, args.output, decide, setup)


if __name__ == "__main__":
    sys.exit(main())
