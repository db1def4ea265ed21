"""Dotted paths (``purchase.party.name``) into plain JSON data: read one, write one."""

from __future__ import annotations

from typing import Any


def get(data: Any, path: str) -> Any:
    """The value at ``path``, or ``None`` where any step is missing or not an object."""
    for part in filter(None, path.split(".")):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def put(
    data: dict[str, Any],
    path: str,
    value: Any,
    *,
    only_if_unknown: bool = False,
    copy_parents: bool = False,
) -> None:
    """Set ``path`` to ``value``, creating the objects on the way; with
    ``only_if_unknown``, leave a value already there (not ``None``) alone; with
    ``copy_parents``, copy each object on the way before changing it (so that an
    object ``data`` shares with others is never changed)."""
    *parents, last = path.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
        elif copy_parents:
            child = dict(child)
        node[part] = child
        node = child
    if not only_if_unknown or node.get(last) is None:
        node[last] = value
