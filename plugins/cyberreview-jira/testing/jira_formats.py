"""What the local Jira checks and parses: ADF documents, JQL, summaries and labels.

Kept apart from :mod:`fake_jira` (the server) so each stays small.  As Atlassian
documents them: an ADF document is ``{"type": "doc", "version": 1, "content":
[...]}`` of block nodes (paragraphs, headings, lists of list items, ...) holding
inline nodes (text with marks, hard breaks, ...); JQL clauses here are the
``AND`` of ``field op value`` with ``=``, ``!=``, ``in``, ``not in``, and an
``ORDER BY``.
"""

from __future__ import annotations

import re
from typing import Any

ADF_BLOCKS = {
    "paragraph",
    "heading",
    "bulletList",
    "orderedList",
    "listItem",
    "codeBlock",
    "blockquote",
    "rule",
    "panel",
}
ADF_INLINE = {"text", "hardBreak", "mention", "emoji", "inlineCard"}
ADF_MARKS = {"strong", "em", "code", "strike", "underline", "link", "subsup", "textColor"}


def adf_problem(doc: Any) -> str | None:
    """Why ``doc`` is not an ADF document Jira accepts (``None``: it is)."""
    if not isinstance(doc, dict) or doc.get("type") != "doc" or doc.get("version") != 1:
        return "the root must be {type: doc, version: 1}"
    if not isinstance(doc.get("content"), list):
        return "doc.content must be a list"
    return _nodes(doc["content"], "doc")


def _nodes(nodes: list[Any], parent: str) -> str | None:
    for node in nodes:
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            return f"a node in {parent} is not an object with a type"
        kind = node["type"]
        inline = parent in ("paragraph", "heading", "codeBlock")
        if inline and kind not in ADF_INLINE:
            return f"{kind} cannot be inside {parent}"
        if not inline and kind not in ADF_BLOCKS:
            return f"unknown or misplaced node {kind!r} in {parent}"
        if kind == "listItem" and parent not in ("bulletList", "orderedList"):
            return "listItem must be inside a list"
        if parent in ("bulletList", "orderedList") and kind != "listItem":
            return f"{parent} holds listItems only"
        if kind == "text":
            if not isinstance(node.get("text"), str) or not node["text"]:
                return "a text node needs non-empty text"
            for mark in node.get("marks") or []:
                if not isinstance(mark, dict) or mark.get("type") not in ADF_MARKS:
                    return f"unknown mark {mark!r}"
            continue
        content = node.get("content", [])
        if not isinstance(content, list):
            return f"{kind}.content must be a list"
        problem = _nodes(content, kind)
        if problem:
            return problem
    return None


def adf_text(doc: Any) -> str:
    """Every text of an ADF document, in order (for assertions)."""
    if isinstance(doc, dict):
        own = doc.get("text", "") if doc.get("type") == "text" else ""
        return own + " ".join(adf_text(child) for child in doc.get("content", []))
    return ""


_CLAUSE = re.compile(
    r"\s*(?P<field>\w+)\s*(?P<op>!=|=|\bin\b|\bnot in\b)\s*"
    r'(?P<value>"(?:[^"\\]|\\.)*"|\((?:[^)"]|"(?:[^"\\]|\\.)*")*\)|[\w-]+)\s*',
    re.IGNORECASE,
)
JQL_FIELDS = {"project", "labels", "key", "status", "issuetype"}


class JqlError(ValueError):
    pass


def _value(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("("):
        return [
            v for part in re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s()]+', text) for v in _value(part)
        ]
    if text.startswith('"'):
        return [re.sub(r"\\(.)", r"\1", text[1:-1])]
    return [text]


def parse_jql(jql: str) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, bool]]]:
    """``(clauses, order)``: and-ed ``(field, op, values)`` and ``(field, descending)``."""
    where, _, order_text = _split_order(jql)
    clauses = []
    if where.strip():
        for part in re.split(r"\bAND\b", where, flags=re.I):
            found = _CLAUSE.fullmatch(part)
            if found is None:
                raise JqlError(f"Error in the JQL Query: cannot parse {part.strip()!r}.")
            name = found["field"].lower()
            if name not in JQL_FIELDS:
                raise JqlError(
                    f"Field '{found['field']}' does not exist or you do not have permission "
                    "to view it."
                )
            clauses.append((name, found["op"].lower(), _value(found["value"])))
    order = []
    for term in filter(str.strip, order_text.split(",")):
        words = term.split()
        order.append((words[0].lower(), len(words) > 1 and words[1].lower() == "desc"))
    return clauses, order


def _split_order(jql: str) -> tuple[str, str, str]:
    parts = re.split(r"\border\s+by\b", jql, maxsplit=1, flags=re.I)
    return (parts[0], "", parts[1] if len(parts) > 1 else "")


def summary_problem(summary: Any) -> str | None:
    if not isinstance(summary, str) or not summary.strip():
        return "You must specify a summary of the issue."
    if len(summary) > 255:
        return "Summary must be less than 255 characters."
    if "\n" in summary or "\r" in summary:
        return "The summary is invalid because it contains newline characters."
    return None


def label_problem(labels: Any) -> str | None:
    if not isinstance(labels, list):
        return "labels must be a list of strings"
    for label in labels:
        if not isinstance(label, str) or not label:
            return "a label is a non-empty string"
        if any(c.isspace() for c in label):
            return f"The label '{label}' contains spaces which is invalid."
        if len(label) > 255:
            return "The label must not exceed 255 characters."
    return None
