"""A pack compiled to Python source: one function per pack that decides a record
with the rules written out as plain ``if`` statements.

What the closures of :mod:`..policy.conditions` do with a call per node, the
generated function does inline: fields read as attributes, comparisons as
expressions, named conditions as local variables evaluated at most once, each
finding as one dict literal.  Field tests the generator does not write out
(and every named check) call their closure, so each operator keeps one
definition.  The closures stay the reference: ``tests/engine/test_codegen.py``
decides the same records both ways and compares the JSON.

The source is a pure function of the pack; its compiled code is cached beside
the pack cache (:func:`..policy.cache.load_code`), checked against a digest of
the source, so a gate does not run ``compile`` on every start.
"""

from __future__ import annotations

import datetime as dt
import json
import marshal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..models.paths import resolve, steps
from ..policy import cache
from ..policy.conditions import AllNode, AnyNode, Ctx, LeafNode, Node, NotNode
from ..policy.template import Inserting, show
from ..sha256 import sha256

if TYPE_CHECKING:
    from ..policy.pack import CompiledRule, Pack
    from ..waivers import WaiverSet

#: a compiled pack for one as-of date: adds a record's findings and actions, returns
#: the severity of the worst finding that counts
Run = Callable[[Any, list[Any], list[Any], set[str]], int]

_STR_KINDS = ("str", "enum")


class _Writer:
    """Writes one pack's ``make`` function; collects the closures it calls."""

    def __init__(self) -> None:
        self.calls: list[Callable[..., Any]] = []  # K[i]: leaf tests and getters
        self.objects: dict[str, tuple[str, str]] = {}  # path prefix -> (local, expression)
        self.memo: dict[str, str] = {}  # definition name -> its local
        self.bodies: dict[str, str] = {}  # definition name -> its expression

    def call(self, fn: Callable[..., Any]) -> str:
        self.calls.append(fn)
        return f"K[{len(self.calls) - 1}]"

    # -- reading fields -------------------------------------------------------------

    def value(self, path: str) -> str:
        """An expression for the value at ``path`` (``None`` when unknown)."""
        if resolve(path).keys:  # free-form keys under ``attributes``: the getter
            from ..models.paths import getter

            return f"{self.call(getter(path))}(r)"
        walked = steps(path)
        holder, maybe_none = "r", False
        for index, (name, nullable) in enumerate(walked[:-1]):
            prefix = ".".join(n for n, _ in walked[: index + 1])
            if prefix not in self.objects:
                read = f"{holder}.{name}"
                if maybe_none:
                    read = f"({read} if {holder} is not None else None)"
                self.objects[prefix] = (f"o{len(self.objects)}", read)
            holder = self.objects[prefix][0]
            maybe_none = maybe_none or nullable
        read = f"{holder}.{walked[-1][0]}"
        return f"({read} if {holder} is not None else None)" if maybe_none else read

    # -- conditions -----------------------------------------------------------------

    def test(self, node: Node) -> str:
        """A boolean expression for ``node``."""
        if isinstance(node, AllNode | AnyNode):
            joined = (" and " if isinstance(node, AllNode) else " or ").join(
                self.test(child) for child in node.children
            )
            return f"({joined})"
        if isinstance(node, NotNode):
            return f"(not {self.test(node.children[0])})"
        if isinstance(node, LeafNode):
            return self.leaf(node)
        name = node.info["name"]  # a named condition: evaluated once per record
        if name not in self.memo:
            self.memo[name] = f"m{len(self.memo)}"
            self.bodies[name] = self.test(node.children[0])
        local = self.memo[name]
        return f"({local} if {local} is not None else ({local} := {self.bodies[name]}))"

    def leaf(self, node: LeafNode) -> str:
        inline = _inline(node, self.value) if node.form == "field" else None
        return inline or f"{self.call(node.test)}(r, ctx)"

    # -- facts ----------------------------------------------------------------------

    def facts(self, node: Node, want: bool, out: list[str], indent: str) -> None:
        """Statements that set ``facts[path]`` as ``node.facts(..., want, ...)`` does."""
        if isinstance(node, LeafNode):
            for path in node.paths:
                out.append(f"{indent}facts[{path!r}] = {self.value(path)}")
        elif isinstance(node, NotNode):
            self.facts(node.children[0], not want, out, indent)
        elif isinstance(node, AllNode | AnyNode) and want is isinstance(node, AnyNode):
            held = "" if want else "not "
            for child in node.children:  # only the children that made it so
                out.append(f"{indent}if {held}{self.test(child)}:")
                self.facts(child, want, out, indent + "    ")
                out.append(f"{indent}    pass")
        else:
            for child in node.children:
                self.facts(child, want, out, indent)

    def message(self, rule: CompiledRule) -> str:
        if all(isinstance(piece, str) for piece in rule.template):
            return repr("".join(str(piece) for piece in rule.template))
        text = []
        for piece in rule.template:
            if isinstance(piece, str):
                literal = json.dumps(piece, ensure_ascii=False)[1:-1]
                text.append(literal.replace("{", "{{").replace("}", "}}"))
            elif isinstance(piece, tuple):
                text.append("{" + self.shown(piece[0]) + "}")
            else:  # {path|text}, {path?text}, {path=value?text}: the piece's own function
                got = f"{self.call(piece)}(r)"
                shown = "(_t if (_t := " + got + ").__class__ is str else show(_t))"
                if isinstance(piece, Inserting):  # a word for a value of a fixed set: looked up
                    path, table = piece.inserts
                    lookup = f"{self.call(table.get)}({self.value(path)})"
                    shown = f"(_w if (_w := {lookup}) is not None else {shown})"
                text.append("{" + shown + "}")
        return 'f"' + "".join(text) + '"'

    def shown(self, path: str) -> str:
        """An expression for the value at ``path`` as :func:`show` writes it."""
        value, kind = self.value(path), resolve(path).kind
        if kind == "bool":  # True, False or None
            return f"SHOWN[{value}]"
        if kind in _STR_KINDS:
            return f"(_s if (_s := {value}) is not None else 'unknown')"
        return f"(_s if (_s := {value}).__class__ is str else show(_s))"


def _inline(node: LeafNode, value: Callable[[str], str]) -> str | None:
    """The comparisons written out (their closures' semantics, for the field's type)."""
    path, op, operand = node.info["field"], node.info["op"], node.info["operand"]
    kind = resolve(path).kind
    v = value(path)
    if op in ("is_true", "is_false"):
        return f"({v} is {op == 'is_true'})"
    if op == "is_null":
        return f"({v} is None)"
    if op in ("eq", "ne") and isinstance(operand, bool) and kind == "bool":
        return f"({v} is {operand if op == 'eq' else not operand})"
    if op in ("eq", "ne") and isinstance(operand, str) and kind in _STR_KINDS:
        return (
            f"({v} == {operand!r})"
            if op == "eq"
            else f"((_v := {v}) is not None and _v != {operand!r})"
        )
    strings = isinstance(operand, list) and all(isinstance(item, str) for item in operand)
    if op in ("in", "not_in") and strings and operand and kind in _STR_KINDS:
        choices = "{" + ", ".join(repr(item) for item in operand) + "}"
        if op == "in":
            return f"({v} in {choices})"
        return f"((_v := {v}) is not None and _v not in {choices})"
    if op == "contains" and isinstance(operand, str) and kind == "list":
        return f"((_v := {v}).__class__ is list and {operand!r} in _v)"
    return None


def _rule(writer: _Writer, index: int, rule: CompiledRule) -> list[str]:
    """The statements of one rule, inside ``run``."""
    out = [f"    # {rule.id} ({rule.outcome})", f"    if {writer.test(rule.node)}:"]
    facts: list[str] = []
    writer.facts(rule.node, True, facts, "        ")
    if all(line.startswith("        facts[") for line in facts):  # no choice: one literal
        pairs = (line.strip()[len("facts[") :].replace("] = ", ": ", 1) for line in facts)
        out.append("        facts = {" + ", ".join(pairs) + "}")
    else:
        out.append("        facts = {}")
        out += facts
    exposure = f"exposure_of(R[{index}].exposure, r)" if rule.exposure else "None"
    # an overridable rule may not be for some records (``not_overridable_when``)
    overridable = repr(rule.overridable)
    if rule.overridable and rule.fixed_when is not None:
        out.append(f"        ov = R[{index}].overridable_for(r, ctx)")
        overridable = "ov"
    citations = f"C[{index}]" if not _conditional(rule) else f"R[{index}].citations_for(r, ctx)"
    out.append(
        f"        f = {{'rule': {rule.id!r}, 'pack': {rule.pack!r}, 'title': {rule.title!r}, "
        f"'outcome': {rule.outcome!r}, 'message': {writer.message(rule)}, "
        f"'citations': {citations}, 'overridable': {overridable}, 'waiver': None, "
        f"'exposure': {exposure}, 'remediation': RM[{index}], 'facts': facts}}"
    )
    body = "        "
    if rule.overridable:
        guard = " and ov" if overridable == "ov" else ""
        out.append(
            f"        w = waive(findings, f, R[{index}], r) if waive is not None{guard} else 0"
        )
        out.append("        if w >= 0:")
        out.append("            if w > worst: worst = w")
        body += "    "
    out.append(f"{body}findings.append(f)")
    out.append(f"{body}if worst < {rule.severity}: worst = {rule.severity}")
    for action in rule.actions:
        when = "" if action.node is None else f"{writer.test(action.node)} and "
        out.append(f"{body}if {when}{action.kind!r} not in kinds:")
        out.append(f"{body}    kinds.add({action.kind!r})")
        out.append(
            f"{body}    actions.append({{'type': 'open_case', 'kind': {action.kind!r}, "
            f"'rule': {rule.id!r}, 'case_id': None, 'created': None, 'state': None}})"
        )
    return out


def _conditional(rule: CompiledRule) -> bool:
    """Whether some of the rule's citations apply to some records only."""
    return any(entry.conditional for entry in rule.citation_sets)


def source(pack: Pack) -> tuple[str, list[Callable[..., Any]]]:
    """The Python source of ``make`` for ``pack``, and the closures it calls (``K``)."""
    writer = _Writer()
    ordered = sorted(enumerate(pack.rules), key=lambda pair: -pair[1].severity)
    body: list[str] = []
    for index, rule in ordered:
        body += _rule(writer, index, rule)
    prologue = [f"    {local} = {read}" for local, read in writer.objects.values()]
    if writer.memo:
        prologue.append("    " + " = ".join(writer.memo.values()) + " = None")
    lines = [
        f"# pack {pack.id} {pack.version}",
        "def make(as_of, R, K, ctx, waive, show, exposure_of):",
        "    SHOWN = {True: 'yes', False: 'no', None: 'unknown'}",
        "    C = [rule.citations_on(as_of) for rule in R]",
        "    RM = [rule.remediation_on(as_of) for rule in R]",
        "    def run(r, findings, actions, kinds):",
        "        worst = 0",
        *("    " + line for line in prologue),
        *("    " + line for line in body),
        "        return worst",
        "    return run",
    ]
    return "\n".join(lines) + "\n", writer.calls


def waiving(waivers: WaiverSet | None, as_of: dt.date) -> Callable[..., int] | None:
    """What a fired overridable rule asks: ``waive(findings, finding, rule, record)``
    is -1 when a waiver sets the finding aside (it is listed, waived), 1 when an
    expired waiver applied (its warning is listed), 0 when none does."""
    if waivers is None:
        return None
    from .core import expired_waiver_finding

    def waive(findings: list[Any], finding: Any, rule: Any, record: Any) -> int:
        waiver, expired = waivers.find(rule.pack, rule.id, record, as_of)
        if waiver is not None:
            finding["waiver"] = waiver.ref()
            findings.append(finding)
            return -1
        if expired is not None:
            findings.append(expired_waiver_finding(expired, rule))
            return 1
        return 0

    return waive


def program(pack: Pack) -> Callable[..., Run]:
    """``make`` for ``pack``: compiled once, its code cached under the pack cache."""
    text, calls = source(pack)
    digest = sha256(text.encode()).digest()
    code = cache.load_code(pack.path, digest)
    if code is not None:
        compiled = marshal.loads(code)
    else:
        compiled = compile(text, f"<pack {pack.id}>", "exec")
        cache.store_code(pack.path, digest, marshal.dumps(compiled))
    namespace: dict[str, Any] = {}
    exec(compiled, namespace)
    make = namespace["make"]

    def bind(as_of: dt.date, waivers: WaiverSet | None) -> Run:
        from .core import exposure_of

        waive = waiving(waivers, as_of)
        run: Run = make(as_of, pack.rules, calls, Ctx(as_of, 0), waive, show, exposure_of)
        return run

    return bind
