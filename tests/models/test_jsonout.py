"""The sweep's JSON Lines: one decision per line, by orjson, as :func:`decision_bytes`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orjson

from cyberreview_policy.models import jsonout
from cyberreview_policy.models.jsonout import decision_bytes, decision_jsonl


def test_the_options_are_orjsons() -> None:
    assert orjson.OPT_UTC_Z == jsonout._UTC_Z
    assert orjson.OPT_APPEND_NEWLINE == jsonout._NEWLINE


def test_a_line_is_the_decision_and_a_newline() -> None:
    decision = {"as_of": dt.date(2021, 6, 1), "low": Decimal("1.50"), "n": 1}
    assert decision_jsonl(decision) == decision_bytes(decision) + b"\n"
    huge = {"n": 1 << 70}  # beyond orjson: the fallback
    assert decision_jsonl(huge) == decision_bytes(huge) + b"\n"
    assert decision_jsonl(huge).endswith(b"}\n")
