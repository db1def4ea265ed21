"""Decide JSON Lines records under ``cel/csr2020.yaml`` with a CEL implementation.

    python benchmarks/cel_runner.py RECORDS.jsonl --engine cel --output DECISIONS.jsonl

Engines (each must be installed in this interpreter):

- ``celpy``: cel-python, the pure-Python implementation (import ``celpy``);
- ``cel``: common-expression-language, Python bindings of the Rust ``cel`` crate;
- ``cel-expr``: cel-expr-python, Google's C++ CEL runtime (cel-cpp) for Python.

Per record: one program evaluates every rule's condition (a list of booleans),
then each rule that fired has its message program evaluated; the decision, the
exposure and the actions are put together in Python, as ``rego_runner.py`` does.
The record goes in as parsed JSON, converted once per record to the engine's
values (an activation or context reused by every program of that record).
Writes one decision per line, the shape of ``baseline.py``, and its timing to
stderr as one JSON line: ``{"records", "setup_seconds", "eval_seconds"}``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml  # PyYAML: a dependency of cyberreview-policy
from _loop import run_loop
from baseline import money
from baseline import show as baseline_show

TABLE = Path(__file__).with_name("cel") / "csr2020.yaml"
ENGINES = ("celpy", "cel", "cel-expr")
SEVERITY = {"block": 2, "warn": 1, "advisory": 0}
VERDICTS = ("allow", "warn", "block")


def show(value: Any) -> str:
    """A fact as a message shows it (the tool's ``show``: amounts with separators)."""
    return money(value) if type(value) in (int, float) else baseline_show(value)


def show_list(values: Any) -> str:
    return ", ".join(str(v) for v in values) or "none"


def expand(text: str, names: dict[str, str]) -> str:
    """``{name}`` replaced by its expression, until none is left."""
    pattern = re.compile(r"\{(" + "|".join(map(re.escape, names)) + r")\}")
    for _ in range(10):
        text, count = pattern.subn(lambda m: names[m.group(1)], text)
        if not count:
            return " ".join(text.split())
    raise ValueError(f"definitions nest too deep: {text[:80]}")


class Table:
    def __init__(self, path: Path = TABLE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        names = {**data["facts"], **data["definitions"]}
        self.rules = data["rules"]
        self.when = "[" + ", ".join(expand(rule["when"], names) for rule in self.rules) + "]"
        self.messages = [expand(rule["message"], names) for rule in self.rules]
        self.actions = [
            [
                (a["kind"], expand(a["when"], names) if "when" in a else None)
                for a in rule.get("actions", ())
            ]
            for rule in self.rules
        ]


# -- the engines: compile(text) -> run(record) -> (evaluate(program) -> Python value) --


def celpy_engine() -> Callable[[str], Any]:
    import celpy
    from celpy import celtypes

    def plain(value: Any) -> Any:
        if isinstance(value, celtypes.BoolType):
            return bool(value)
        if isinstance(value, celtypes.IntType | celtypes.UintType):
            return int(value)
        if isinstance(value, celtypes.DoubleType):
            return float(value)
        if isinstance(value, celtypes.StringType):
            return str(value)
        if isinstance(value, celtypes.ListType):
            return [plain(v) for v in value]
        return value

    env = celpy.Environment()
    functions = {
        "show": lambda v: celtypes.StringType(show(plain(v))),
        "show_list": lambda v: celtypes.StringType(show_list(plain(v))),
    }

    def compile_(text: str) -> Any:
        program = env.program(env.compile(text), functions=functions)
        return lambda activation: plain(program.evaluate(activation))

    compile_.activation = lambda record: {"r": celpy.json_to_cel(record)}  # type: ignore[attr-defined]
    return compile_


def cel_engine() -> Callable[[str], Any]:
    import cel

    def compile_(text: str) -> Any:
        program = cel.compile(text)
        return program.execute

    def activation(record: Any) -> Any:
        context = cel.Context()
        context.add_function("show", show)
        context.add_function("show_list", show_list)
        context.add_variable("r", record)
        return context

    compile_.activation = activation  # type: ignore[attr-defined]
    return compile_


def cel_expr_engine() -> Callable[[str], Any]:
    from cel_expr_python import cel

    kinds = cel.Type
    # cel-cpp picks an overload by the argument's type when it runs: one per type
    overloads = [
        cel.Overload(f"show_{name}", kinds.STRING, [kind], impl=show)
        for name, kind in (
            ("string", kinds.STRING),
            ("bool", kinds.BOOL),
            ("int", kinds.INT),
            ("uint", kinds.UINT),
            ("double", kinds.DOUBLE),
            ("null", kinds.NULL),
        )
    ]
    listed = cel.Overload(
        "show_list", kinds.STRING, [kinds.List(kinds.DYN)], impl=lambda v: show_list(_cpp(v))
    )
    functions = [cel.FunctionDecl("show", overloads), cel.FunctionDecl("show_list", [listed])]
    dyn = kinds.DYN
    env = cel.NewEnv(variables={"r": dyn}, functions=functions)

    def compile_(text: str) -> Any:
        expression = env.compile(text)
        return lambda activation: expression.eval(activation).plain_value()

    compile_.activation = lambda record: env.Activation({"r": record})  # type: ignore[attr-defined]
    return compile_


def _cpp(value: Any) -> Any:
    plain = getattr(value, "plain_value", None)
    return plain() if plain is not None else value


ENGINE_FACTORIES = {"celpy": celpy_engine, "cel": cel_engine, "cel-expr": cel_expr_engine}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("records", help="records, JSON Lines")
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--output", "-o", default="-", help="decisions, JSON Lines (- = stdout)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    table = Table()
    compile_ = ENGINE_FACTORIES[args.engine]()
    when = compile_(table.when)
    messages = [compile_(text) for text in table.messages]
    conditions = [
        [(kind, compile_(w) if w else None) for kind, w in actions] for actions in table.actions
    ]
    activation = compile_.activation  # type: ignore[attr-defined]
    setup = time.perf_counter() - started

    def decide(record: Any) -> Any:
        context = activation(record)
        fired = when(context)
        findings, actions, worst = [], [], 0
        for index, rule in enumerate(table.rules):
            if not fired[index]:
                continue
            findings.append(
                {
                    "rule": rule["id"],
                    "outcome": rule["outcome"],
                    "message": messages[index](context),
                    "citations": rule["citations"],
                    "exposure": exposure(rule, record),
                }
            )
            worst = max(worst, SEVERITY[rule["outcome"]])
            for kind, condition in conditions[index]:
                if condition is None or condition(context):
                    actions.append({"type": "open_case", "kind": kind, "rule": rule["id"]})
        findings.sort(key=lambda f: -SEVERITY[f["outcome"]])
        return {
            "record_id": record["id"],
            "decision": VERDICTS[worst],
            "findings": findings,
            "actions": actions,
        }

    return run_loop(args.records, args.output, decide, setup)


def exposure(rule: dict[str, Any], record: dict[str, Any]) -> dict[str, Any] | None:
    spec = rule.get("exposure")
    if spec is None:
        return None
    contract = record.get("contract") or {}
    amount = contract.get("amount")
    low = high = None
    if isinstance(amount, int | float):
        low, high = amount * spec["factor"][0], amount * spec["factor"][1]
    return {
        "currency": contract.get("currency") or "CNY",
        "low": low,
        "high": high,
        "factor_low": spec["factor"][0],
        "factor_high": spec["factor"][1],
        "basis": spec["basis"],
        "individual_low": spec["individual"][0],
        "individual_high": spec["individual"][1],
    }


if __name__ == "__main__":
    sys.exit(main())
