"""The evaluation loop the Rego and CEL runners share: read JSON Lines, decide each
record, write one decision per line, and report the loop's timing on stderr as one
JSON line ``{"records", "setup_seconds", "eval_seconds"}``.  Standard library only."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any


def run_loop(records: str, output: str, decide: Callable[[Any], Any], setup: float) -> int:
    """``decide(record)`` for each record of file ``records`` (parsed JSON) into
    ``output`` (``-``: stdout); ``decide`` returns the decision, or a string to stop
    with that error.  Returns the exit status."""
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    count = 0
    started = time.perf_counter()
    try:
        with open(records, encoding="utf-8") as source:
            for line in source:
                if not line.strip():
                    continue
                decision = decide(json.loads(line))
                if isinstance(decision, str):
                    print(f"error on record {count + 1}: {decision}", file=sys.stderr)
                    return 1
                out.write(json.dumps(decision))
                out.write("\n")
                count += 1
    finally:
        if out is not sys.stdout:
            out.close()
    elapsed = time.perf_counter() - started
    timing = {"records": count, "setup_seconds": setup, "eval_seconds": elapsed}
    print(json.dumps(timing), file=sys.stderr)
    return 0
