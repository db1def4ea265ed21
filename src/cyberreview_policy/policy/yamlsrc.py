"""Loading a YAML file of ours (packs, law, configuration, calendar, waivers) in two
stages: YAML to data with a line for every path (:func:`load`), then the pydantic
model with errors mapped back to file, line, rule and field (:func:`validate`);
and writing one (:func:`dump`).

PyYAML silently keeps the last of two equal keys; here a duplicate key is an
error.  Every mapping key and sequence item gets its line, so later stages
can point at ``rules.yaml:42`` for ``rules[3].when.all[1]``.  Aliases may
repeat a value, but not blow a file up ("billion laughs": nine levels of nine
aliases, 342 bytes, expand to 387 million values), and not refer to
themselves; text must be text (no lone surrogate, no NUL).  What :func:`dump`
writes reads back exactly, whatever the characters (PyYAML writes NEL raw in a
quoted scalar, and reads it back as a line break).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from ..errors import Location, PolicyError, located
from ..i18n.catalog import _

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[str | int, ...]

#: values aliases may add to a file (beyond those written out)
MAX_ALIASED = 100_000
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class LineMap:
    """Lines of the paths of one YAML document."""

    def __init__(self, file: Path | str):
        self.file = str(file)
        self._lines: dict[Loc, int] = {}

    def set(self, loc: Loc, line: int) -> None:
        self._lines[loc] = line

    def line(self, loc: Sequence[str | int]) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return self._lines.get((), None)

    def location(self, loc: Sequence[str | int] = ()) -> Location:
        return Location(self.file, self.line(loc))


def _key(loader: Any, node: yaml.Node) -> Any:
    """A mapping key as the data will have it (``2027`` is an int, ``yes`` a bool...)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):
            return node.value
    return node.value


def _walk(
    node: yaml.Node, loc: Loc, lines: LineMap, loader: Any, walked: set[int] | None = None
) -> None:
    """Lines of every path, duplicate keys and text checked; a node an alias repeats is
    walked once (its paths under the alias take the alias's line)."""
    walked = set() if walked is None else walked
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        _text(node, lines.file)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            _text(key_node, lines.file)
            key = _key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise PolicyError(
                    _("duplicate key {key} (first on line {seen})").format(
                        key=repr(key), seen=seen[key]
                    ),
                    Location(lines.file, line),
                )
            seen[key] = line
            lines.set((*loc, key), line)
            _walk(value_node, (*loc, key), lines, loader, walked)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.set((*loc, index), item.start_mark.line + 1)
            _walk(item, (*loc, index), lines, loader, walked)


def _text(node: yaml.Node, file: str) -> None:
    if isinstance(node, yaml.ScalarNode) and _NOT_TEXT.search(node.value):
        bad = _NOT_TEXT.search(node.value)
        assert bad is not None
        what = "a NUL character" if bad.group() == "\0" else "a lone UTF-16 surrogate"
        mark = node.start_mark
        raise PolicyError(
            _("{what} ({value}) is not text: fix the text").format(what=what, value=bad.group()),
            Location(file, mark.line + 1, mark.column + 1),
        )


def _expanded(node: yaml.Node, file: str) -> None:
    """Refuse a document whose aliases refer to themselves, or add more than
    :data:`MAX_ALIASED` values (counted without expanding anything)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    largest: list[tuple[int, yaml.Node]] = []

    def size(item: yaml.Node) -> int:
        key = id(item)
        if key in sizes:
            largest.append((sizes[key], item))
            return sizes[key]
        if key in active:
            mark = item.start_mark
            raise PolicyError(
                _("an alias refers to itself (a structure without end)"),
                Location(file, mark.line + 1, mark.column + 1),
            )
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(item, yaml.MappingNode):
            children = [part for pair in item.value for part in pair]
        elif isinstance(item, yaml.SequenceNode):
            children = list(item.value)
        total = 1 + sum(size(child) for child in children)
        active.discard(key)
        sizes[key] = total
        return total

    if size(node) - len(sizes) > MAX_ALIASED:
        _size, anchor = max(largest, key=lambda pair: pair[0])
        mark = anchor.start_mark
        raise PolicyError(
            _(
                "YAML aliases expand this file by more than {MAX_ALIASED:,} values: "
                "write the values out (the most repeated is anchored here)"
            ).format(MAX_ALIASED=MAX_ALIASED),
            Location(file, mark.line + 1, mark.column + 1),
        )


def _bad_scalar(loader: Any, node: yaml.Node) -> yaml.Node | None:
    """The scalar whose value cannot be constructed (``2027-13-01``), to point at it."""
    if isinstance(node, yaml.ScalarNode):
        try:
            loader.construct_object(node, deep=True)
        except ValueError:
            return node
        return None
    children = (
        node.value
        if isinstance(node, yaml.SequenceNode)
        else [part for pair in getattr(node, "value", []) for part in pair]
    )
    for child in children:
        found = _bad_scalar(loader, child)
        if found is not None:
            return found
    return None


def load(path: Path) -> tuple[Any, LineMap]:
    """Parse one YAML file; raise :class:`PolicyError` with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(_("cannot read: {exc}").format(exc=exc), Location(path)) from None
    return loads(text, path)


def loads(text: str, file: Path | str) -> tuple[Any, LineMap]:
    lines = LineMap(file)
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError(_("the file is empty"), Location(file, 1))
        lines.set((), node.start_mark.line + 1)
        _expanded(node, str(file))
        _walk(node, (), lines, loader)
        try:
            data = loader.construct_document(node)
        except ValueError as exc:  # a value YAML's types cannot hold, e.g. month 13
            loader.constructed_objects, loader.recursive_objects = {}, {}
            bad = _bad_scalar(loader, node) or node
            where = Location(file, bad.start_mark.line + 1, bad.start_mark.column + 1)
            raise PolicyError(
                _("invalid value {value}: {exc}").format(value=repr(bad.value), exc=exc), where
            ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = exc.problem or exc.context or "invalid YAML"
        raise PolicyError(
            _("YAML syntax error: {problem}").format(problem=problem), where
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyError(_("YAML error: {exc}").format(exc=exc), Location(file)) from None
    finally:
        loader.dispose()
    return data, lines


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Strings with a control character (C0, C1, line separators, BOM) in double quotes,
    escaped: the one style in which every character reads back as written."""


def _str(dumper: Any, value: str) -> Any:
    style = '"' if _CONTROL.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    """YAML text of ``data`` that :func:`loads` reads back exactly (keys in order)."""
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return text


def _child(node: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(node, dict) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def data_loc(data: Any, loc: Sequence[str | int]) -> Loc:
    """Keep the parts of a pydantic error location that are keys of ``data``.

    Union tags pydantic puts into locations are dropped; a missing or unknown
    key is kept as the last part, for the message.
    """
    out: list[str | int] = []
    node = data
    for part in loc:
        found, child = _child(node, part)
        if found:
            node = child
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            out.append(part)
            break
        elif not isinstance(node, dict | list):
            break
    return tuple(out)


def _is_tag(part: str) -> bool:
    return part.startswith("cond:")


def validate(model: type[M], data: Any, lines: LineMap) -> M:
    """Stage two: the pydantic model, errors mapped back to file, line, rule, field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found: list[Loc] = []

        def where(loc: Loc) -> tuple[Location | None, Loc]:
            found.append(data_loc(data, loc))
            return lines.location(found[0]), found[0]

        message, location, field = located(exc, where)
        raise PolicyError(message, location, field, _rule_at(data, found[0])) from None


def _rule_at(data: Any, loc: Loc) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule = data["rules"][loc[1]]
        return rule.get("id") if isinstance(rule, dict) else None
    return None
