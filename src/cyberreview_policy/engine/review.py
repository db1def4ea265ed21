"""Reviewing policies: why a rule fired or not (explain), and what a change does (diff)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n.catalog import N_, _, current_lang
from ..policy.conditions import Ctx
from ..policy.pack import Pack
from ..policy.template import show
from .core import Engine

# -- explain ---------------------------------------------------------------------


def explain(packs: Sequence[Pack], record: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Every rule of ``packs`` on ``record``: fired or not, and each condition's value;
    in a language other than English each rule also has its ``title_localized``."""
    from ..i18n.tags import primary

    lang = current_lang()
    out = []
    for pack in packs:
        ctx = Ctx(as_of, pack.memo_size)
        for rule in pack.rules:
            tree = rule.node.explain(record, ctx)
            item = {
                "pack": pack.id,
                "rule": rule.id,
                "title": rule.title,
                "outcome": rule.outcome,
                "fired": tree["held"],
                "condition": tree,
            }
            if lang != "en":
                local = rule.text_in(primary(lang))
                item["title_localized"] = local.title if local is not None else rule.title
                item["lang"] = lang
            out.append(item)
    return out


def _node_line(node: dict[str, Any]) -> str:
    form = node["form"]
    if form == "field":
        operand = "" if node["op"] in _UNARY else f" {show(node['operand'])}"
        value = _("(value: {value})").format(value=_value(node.get("value"), node["field"]))
        return f"{node['field']} {node['op']}{operand}  {value}"
    if form == "check":
        reads = ", ".join(
            f"{path} = {show(value)}" for path, value in node.get("reads", {}).items()
        )
        return _("check {name}").format(name=node["name"]) + (f"  ({reads})" if reads else "")
    if form == "ref":
        return f"{node['name']}:"
    return _(_GROUPS[form])


def _value(value: Any, path: str) -> str:
    """A condition's value as the language of this context reads it: 是/否/未知 and
    dates in Chinese; a value of a fixed set as written, like the condition's operand."""
    lang = current_lang()
    if lang == "en" or isinstance(value, str):
        return show(value)
    from ..i18n.words import localized_value

    return localized_value(value, None, path, lang)


_UNARY = {"exists", "missing", "is_null", "is_true", "is_false"}
#: how a group of conditions reads (the conditions themselves are the pack's: as written)
_GROUPS = {"all": N_("all of:"), "any": N_("any of:"), "not": N_("not:")}


def _tree(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    mark = _("yes") if node["held"] else _("no ")
    lines.append(f"{'  ' * depth}[{mark}] {_node_line(node)}")
    for child in node.get("children", ()):
        _tree(child, depth + 1, lines)


def explain_text(explained: Iterable[dict[str, Any]]) -> str:
    """What ``policy explain`` prints: each rule, whether it fires, its condition tree;
    the frames and the rule's title in the language of this context."""
    from ..i18n import word

    lang = current_lang()
    lines: list[str] = []
    for item in explained:
        outcome = item["outcome"] if lang == "en" else word("outcome", item["outcome"], lang)
        verdict = (
            _("FIRES ({outcome})").format(outcome=outcome) if item["fired"] else _("does not fire")
        )
        title = item.get("title_localized") or item["title"]
        if lang == "zh-CN+en" and title != item["title"]:
            title = f"{title}（{item['title']}）"
        lines.append(f"{item['pack']} {item['rule']}: {verdict} -- {title}")
        _tree(item["condition"], 1, lines)
        lines.append("")
    return "\n".join(lines)


# -- diff ------------------------------------------------------------------------------


@dataclass
class Change:
    record_id: str
    before: str
    after: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (rule, outcome) now firing
    removed: list[tuple[str, str]] = field(default_factory=list)  # no longer firing

    def to_json(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "before": self.before,
            "after": self.after,
            "added": [{"rule": r, "outcome": o} for r, o in self.added],
            "removed": [{"rule": r, "outcome": o} for r, o in self.removed],
        }


def _fired(decision: Any) -> dict[str, str]:
    return {f["rule"]: f["outcome"] for f in decision["findings"] if not f["waiver"]}


def diff(
    records: Iterable[Any], before: Engine, after: Engine, as_of: dt.date
) -> Iterator[Change | None]:
    """For each record, the change between the two engines' decisions (``None``: none)."""
    for record in records:
        old, new = before.decide(record, as_of), after.decide(record, as_of)
        was, now = _fired(old), _fired(new)
        if old["decision"] == new["decision"] and was == now:
            yield None
            continue
        added = sorted((rule, outcome) for rule, outcome in now.items() if was.get(rule) != outcome)
        removed = sorted(
            (rule, outcome) for rule, outcome in was.items() if now.get(rule) != outcome
        )
        yield Change(record.id, old["decision"], new["decision"], added, removed)


@dataclass
class DiffSummary:
    records: int = 0
    changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    rules_added: Counter[str] = field(default_factory=Counter)
    rules_removed: Counter[str] = field(default_factory=Counter)

    def add(self, change: Change | None) -> None:
        self.records += 1
        if change is None:
            return
        self.changed += 1
        self.transitions[(change.before, change.after)] += 1
        self.rules_added.update(rule for rule, _ in change.added)
        self.rules_removed.update(rule for rule, _ in change.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "changed": self.changed,
            "decisions": [
                {"before": b, "after": a, "count": n}
                for (b, a), n in sorted(self.transitions.items(), key=lambda x: -x[1])
            ],
            "rules_added": dict(self.rules_added.most_common()),
            "rules_removed": dict(self.rules_removed.most_common()),
        }
