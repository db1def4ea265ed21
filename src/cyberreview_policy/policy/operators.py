"""The vocabulary of conditions, shared by the schema, the structure pass and the compiler.

Kept free of pydantic and YAML so that compiling a cached pack imports neither.
"""

from __future__ import annotations

#: Forms of a condition other than a field test.
FORMS = ("all", "any", "not", "ref", "check")

#: Field-test operators and what each means.  Unary ones take ``true``.
OPERATORS: dict[str, str] = {
    "eq": "the value equals the operand",
    "ne": "the value is known and differs from the operand",
    "in": "the value is one of the operands",
    "not_in": "the value is known and none of the operands",
    "in_normalized": (
        "the text is one of the operands, ignoring case, width and everything "
        "but letters and digits (spaces, dashes, underscores, brackets ...)"
    ),
    "lt": "the value is less than the operand",
    "le": "the value is less than or equal to the operand",
    "gt": "the value is greater than the operand",
    "ge": "the value is greater than or equal to the operand",
    "contains": "the list holds the operand, or the text contains it",
    "matches": "the text matches the regular expression (re.search)",
    "exists": "the value is known and not empty",
    "missing": "the value is unknown (null or absent) or empty",
    "is_null": "the value is unknown (null or absent)",
    "is_true": "the value is the boolean true",
    "is_false": "the value is the boolean false (null is not false)",
}
UNARY = frozenset({"exists", "missing", "is_null", "is_true", "is_false"})
