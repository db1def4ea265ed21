"""Stage one of validating a rule file: the shape, with readable messages.

Cheap checks on the plain data before pydantic sees it, so that the common
mistakes (a misspelt operator, two operators in one test, a rule without an
id) get a message a policy author understands, with the line.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..errors import PolicyError, dotted
from ..i18n.catalog import _
from .operators import FORMS, OPERATORS, UNARY
from .yamlsrc import LineMap, Loc

_TOP_KEYS = ("definitions", "rules")


def _fail(lines: LineMap, loc: Loc, message: str, rule: str | None = None) -> PolicyError:
    return PolicyError(message, lines.location(loc), dotted(loc) or None, rule)


#: What authors coming from other tools write for our operators.
_ALIASES = {
    "equal": "eq", "equals": "eq", "==": "eq", "is": "eq",
    "not_equal": "ne", "not_equals": "ne", "!=": "ne",
    "one_of": "in", "any_of": "in", "none_of": "not_in",
    "less_than": "lt", "greater_than": "gt", "regex": "matches", "match": "matches",
    "empty": "missing", "absent": "missing", "present": "exists", "null": "is_null",
    "true": "is_true", "false": "is_false",
}  # fmt: skip


def _suggest(word: str, known: tuple[str, ...] | list[str]) -> str:
    alias = _ALIASES.get(word.lower())
    if alias in known:
        return _(" (did you mean {name}?)").format(name=repr(alias))
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return _(" (did you mean {name}?)").format(name=repr(close[0])) if close else ""


def check_condition(node: Any, loc: Loc, lines: LineMap, rule: str | None = None) -> None:
    """Raise :class:`PolicyError` unless ``node`` has the shape of one condition."""
    if not isinstance(node, dict):
        raise _fail(lines, loc, _("a condition must be a mapping"), rule)
    forms = [key for key in node if key in FORMS]
    if forms:
        if len(node) != 1 and not (forms == ["check"] and set(node) <= {"check", "args"}):
            others = ", ".join(sorted(str(k) for k in node if k != forms[0]))
            raise _fail(
                lines,
                loc,
                _("'{forms}' cannot be combined with {others}").format(
                    forms=forms[0], others=others
                ),
                rule,
            )
        form = forms[0]
        body = node[form]
        if form in ("all", "any"):
            if not isinstance(body, list) or not body:
                raise _fail(
                    lines,
                    (*loc, form),
                    _("'{form}' takes a non-empty list").format(form=form),
                    rule,
                )
            for index, child in enumerate(body):
                check_condition(child, (*loc, form, index), lines, rule)
        elif form == "not":
            check_condition(body, (*loc, "not"), lines, rule)
        return
    if "field" not in node:
        keys = ", ".join(str(k) for k in node) or "nothing"
        raise _fail(
            lines,
            loc,
            _("a condition needs 'field' and an operator, or one of {value}; got {keys}").format(
                value=", ".join(FORMS), keys=keys
            ),
            rule,
        )
    ops = [key for key in node if key != "field"]
    unknown = [key for key in ops if key not in OPERATORS]
    if unknown:
        key = str(unknown[0])
        raise _fail(
            lines,
            (*loc, key),
            _("unknown operator {key}{value}; operators: {value2}").format(
                key=repr(key), value=_suggest(key, list(OPERATORS)), value2=", ".join(OPERATORS)
            ),
            rule,
        )
    if not ops:
        raise _fail(
            lines, loc, _("field {node} has no operator").format(node=repr(node["field"])), rule
        )
    if len(ops) > 1:
        raise _fail(
            lines,
            loc,
            _("one operator per test, got {value}: combine tests with all/any").format(
                value=", ".join(ops)
            ),
            rule,
        )
    op = ops[0]
    if op in UNARY and node[op] is not True:
        raise _fail(
            lines,
            (*loc, op),
            _("'{op}' takes no operand: write '{op}: true' (negate with 'not')").format(op=op),
            rule,
        )


def check_rule_file(data: Any, lines: LineMap) -> None:
    """The structural pass over a whole rule file."""
    if not isinstance(data, dict):
        raise _fail(lines, (), _("a rule file must be a mapping with 'definitions' and/or 'rules'"))
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(
                lines,
                (key,),
                _("unknown top-level key{value}; expected {value2}").format(
                    value=_suggest(str(key), _TOP_KEYS), value2=" and/or ".join(_TOP_KEYS)
                ),
            )
    definitions = data.get("definitions") or {}
    if not isinstance(definitions, dict):
        raise _fail(
            lines, ("definitions",), _("'definitions' must be a mapping of name: condition")
        )
    for name, body in definitions.items():
        check_condition(body, ("definitions", name), lines)
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise _fail(lines, ("rules",), _("'rules' must be a list of rules"))
    for index, rule in enumerate(rules):
        loc: Loc = ("rules", index)
        if not isinstance(rule, dict):
            raise _fail(lines, loc, _("a rule must be a mapping"))
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise _fail(lines, loc, _("a rule needs an 'id'"))
        if "when" not in rule:
            raise _fail(lines, loc, _("a rule needs a 'when' condition"), rule_id)
        check_condition(rule["when"], (*loc, "when"), lines, rule_id)
        for where, condition in _other_conditions(rule, loc):
            check_condition(condition, where, lines, rule_id)


def _other_conditions(rule: dict[str, Any], loc: Loc) -> list[tuple[Loc, Any]]:
    """The conditions of a rule besides ``when``: of its actions, citations and waivability."""
    found: list[tuple[Loc, Any]] = []
    if isinstance(rule.get("not_overridable_when"), dict):
        found.append(((*loc, "not_overridable_when"), rule["not_overridable_when"]))
    for key in ("actions", "citations"):
        entries = rule.get(key) or []
        if isinstance(entries, list):
            for number, entry in enumerate(entries):
                if isinstance(entry, dict) and "when" in entry:
                    found.append(((*loc, key, number, "when"), entry["when"]))
    return found
