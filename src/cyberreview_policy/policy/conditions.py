"""Compile declarative conditions, once at load, into plain Python callables.

No ``eval`` and no Python in YAML: every node becomes a closure over a field
getter and a pre-converted operand.  Unknown is not false: a comparison never
holds on an unknown (null or absent) value; ``is_null``/``missing`` test for
it, and ``not`` negates whatever its child gave (so ``not: {is_false}`` holds
for null).  Named conditions (``ref``) are evaluated at most once per record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..checks import Check
from ..errors import CompileError, OperandError, PathError
from ..i18n.catalog import _
from ..models.paths import getter, resolve
from .leaves import build_test
from .operators import OPERATORS

Test = Callable[[Any, "Ctx"], bool]


class Ctx:
    """Per-record evaluation state: the as-of date and the memo of named conditions."""

    __slots__ = ("as_of", "memo")

    def __init__(self, as_of: dt.date, size: int):
        self.as_of = as_of
        self.memo: list[bool | None] = [None] * size


Pairs = tuple[tuple[str, Callable[[Any], Any]], ...]
FactsFn = Callable[[Any, "Ctx", dict[str, Any]], None]
Plan = Pairs | FactsFn  # static (path, getter) pairs, or a function deciding at run time


def _run(plan: Plan) -> FactsFn:
    if callable(plan):
        return plan
    pairs = plan

    def static(record: Any, ctx: Ctx, out: dict[str, Any]) -> None:
        for path, get in pairs:
            out[path] = get(record)

    return static


def _together(plans: list[Plan]) -> Plan:
    """Every plan's facts: static pairs stay static, so the common case is one loop."""
    if all(not callable(plan) for plan in plans):
        return tuple(pair for plan in plans for pair in plan)  # type: ignore[union-attr]
    runs = tuple(_run(plan) for plan in plans)

    def each(record: Any, ctx: Ctx, out: dict[str, Any]) -> None:
        for run in runs:
            run(record, ctx, out)

    return each


def _where(pairs: list[tuple[Test, FactsFn]], held: bool) -> FactsFn:
    """The facts of the children whose test came out ``held``."""

    def chosen(record: Any, ctx: Ctx, out: dict[str, Any]) -> None:
        for test, run in pairs:
            if test(record, ctx) is held:
                run(record, ctx, out)

    return chosen


@dataclass(eq=False)
class Node:
    """A compiled condition: ``test`` decides, ``facts`` says which values decided.

    The facts of a condition that held (``want=True``) or failed are the
    leaves that made it so: every child of an ``all`` that held, only the
    children that held of an ``any``, and so on through ``not``.  The plan is
    worked out once per node; at run time it is mostly one loop of getters.
    """

    test: Test
    children: list[Node] = field(default_factory=list)
    form: str = "ref"  # all | any | not | ref | check | field
    info: dict[str, Any] = field(default_factory=dict)  # what ``explain`` shows of the node

    def plan(self, want: bool) -> Plan:
        return _together([child.plan(want) for child in self.children])

    def explain(self, record: Any, ctx: Ctx) -> dict[str, Any]:
        """This condition on ``record``: whether it held, with every value it looked at."""
        out: dict[str, Any] = {"form": self.form, **self.info, "held": self.test(record, ctx)}
        if self.children:
            out["children"] = [child.explain(record, ctx) for child in self.children]
        return out

    def facts(self, record: Any, ctx: Ctx, want: bool, out: dict[str, Any]) -> None:
        runners = self.__dict__.setdefault("_runners", {})
        run = runners.get(want)
        if run is None:
            run = runners[want] = _run(self.plan(want))
        run(record, ctx, out)


@dataclass(eq=False)
class AllNode(Node):
    def plan(self, want: bool) -> Plan:
        if want:
            return super().plan(want)
        return _where([(c.test, _run(c.plan(want))) for c in self.children], held=False)


@dataclass(eq=False)
class AnyNode(Node):
    def plan(self, want: bool) -> Plan:
        if not want:
            return super().plan(want)
        return _where([(c.test, _run(c.plan(want))) for c in self.children], held=True)


@dataclass(eq=False)
class NotNode(Node):
    def plan(self, want: bool) -> Plan:
        return self.children[0].plan(not want)


@dataclass(eq=False)
class LeafNode(Node):
    paths: tuple[str, ...] = ()
    getters: tuple[Callable[[Any], Any], ...] = ()

    def plan(self, want: bool) -> Plan:
        return tuple(zip(self.paths, self.getters, strict=True))

    def explain(self, record: Any, ctx: Ctx) -> dict[str, Any]:
        out = super().explain(record, ctx)
        values = {path: get(record) for path, get in zip(self.paths, self.getters, strict=True)}
        if self.form == "field":
            out["value"] = values[self.paths[0]]
        elif values:
            out["reads"] = values
        return out


def _leaf(test: Mapping[str, Any], loc: tuple[str | int, ...]) -> LeafNode:
    path = test["field"]
    ops = [key for key in test if key in OPERATORS]
    if len(ops) != 1 or len(test) != 2:
        raise CompileError(loc, _("a field test needs 'field' and exactly one operator"))
    op = ops[0]
    try:
        ftype = resolve(path)
    except PathError as exc:
        raise CompileError((*loc, "field"), str(exc)) from None
    get = getter(path)
    try:
        test_fn = build_test(op, test[op], ftype, get)
    except OperandError as exc:
        raise CompileError((*loc, op), str(exc)) from None
    return LeafNode(
        test_fn,
        form="field",
        info={"field": path, "op": op, "operand": test[op]},
        paths=(path,),
        getters=(get,),
    )


class Compiler:
    """Compiles the conditions of one pack, resolving ``ref`` and ``check``."""

    def __init__(
        self,
        definitions: Mapping[str, tuple[Any, tuple[str | int, ...], str]],
        checks: Mapping[str, Check],
    ):
        self._source = definitions
        self._checks = checks
        self._index = {name: i for i, name in enumerate(definitions)}
        self._compiled: dict[str, Node] = {}
        self._stack: list[str] = []

    @property
    def memo_size(self) -> int:
        return len(self._index)

    def definition(self, name: str) -> Node:
        if name not in self._compiled:
            if name in self._stack:
                cycle = " -> ".join([*self._stack[self._stack.index(name) :], name])
                _node, loc, file = self._source[name]
                raise CompileError(
                    loc, _("definitions refer in a cycle: {cycle}").format(cycle=cycle), file
                )
            self._stack.append(name)
            body, loc, file = self._source[name]
            try:
                self._compiled[name] = self.compile(body, loc)
            except CompileError as exc:
                exc.file = exc.file or file
                raise
            self._stack.pop()
        return self._compiled[name]

    def compile(self, cond: Any, loc: tuple[str | int, ...]) -> Node:
        """Compile one condition, given as validated plain data (see ``schema``)."""
        if not isinstance(cond, Mapping):
            raise CompileError(loc, _("not a condition: {cond}").format(cond=repr(cond)))
        for key in ("all", "any"):
            if key in cond:
                return self._many(key, cond[key], loc)
        if "not" in cond:
            kid = self.compile(cond["not"], (*loc, "not"))
            inner = kid.test
            return NotNode(lambda r, c: not inner(r, c), [kid], form="not")
        if "ref" in cond:
            return self._ref(cond["ref"], (*loc, "ref"))
        if "check" in cond:
            return self._check(cond["check"], cond.get("args") or {}, loc)
        if "field" in cond:
            return _leaf(cond, loc)
        raise CompileError(loc, _("not a condition: {cond}").format(cond=repr(cond)))

    def _many(self, key: str, parts: list[Any], loc: tuple[str | int, ...]) -> Node:
        kids = [self.compile(child, (*loc, key, i)) for i, child in enumerate(parts)]
        tests = tuple(kid.test for kid in kids)
        if key == "all":

            def every(r: Any, c: Ctx) -> bool:
                for t in tests:  # noqa: SIM110  (a loop beats all() with a generator)
                    if not t(r, c):
                        return False
                return True

            return AllNode(every, kids, form="all")

        def some(r: Any, c: Ctx) -> bool:
            for t in tests:  # noqa: SIM110
                if t(r, c):
                    return True
            return False

        return AnyNode(some, kids, form="any")

    def _ref(self, name: str, loc: tuple[str | int, ...]) -> Node:
        if name not in self._index:
            known = ", ".join(self._index) or "none defined"
            raise CompileError(
                loc,
                _("unknown definition {name} (definitions: {known})").format(
                    name=repr(name), known=known
                ),
            )
        body = self.definition(name)
        slot, inner = self._index[name], body.test

        def fn(r: Any, c: Ctx) -> bool:
            memo = c.memo
            value = memo[slot]
            if value is None:
                value = memo[slot] = inner(r, c)
            return value

        return Node(fn, [body], form="ref", info={"name": name})

    def _check(self, name: str, call_args: Mapping[str, Any], loc: tuple[str | int, ...]) -> Node:
        check = self._checks.get(name)
        if check is None:
            known = ", ".join(sorted(self._checks)) or "none registered"
            raise CompileError(
                (*loc, "check"),
                _("unknown check {name} (registered checks: {known})").format(
                    name=repr(name), known=known
                ),
            )
        if check.args is not None:
            extra = sorted(set(call_args) - set(check.args))
            if extra:
                raise CompileError(
                    (*loc, "args"),
                    _("check {name} takes no argument {value} (it takes: {value2})").format(
                        name=repr(check.name),
                        value=", ".join(extra),
                        value2=", ".join(check.args) or "none",
                    ),
                )
        args = dict(call_args)

        def fn(r: Any, c: Ctx) -> bool:
            return check(r, c.as_of, **args)

        return LeafNode(
            fn,
            form="check",
            info={"name": check.name, **({"args": args} if args else {})},
            paths=check.reads,
            getters=tuple(getter(p) for p in check.reads),
        )
