"""``from_json`` looks for duplicate keys, NaN, Infinity and NUL with a second parse
only when counting the record's colons cannot rule them out
(:func:`~cyberreview_policy.models.jsoncheck.surely_fit`).  It must answer exactly
as the old order did: that parse first, then the validator; these texts are
written to defeat the count (keys given twice at every depth, colons in strings,
whitespace before colons, tokens the validator refuses inside dropped values)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from cyberreview_policy.models.jsoncheck import surely_fit, unfit
from cyberreview_policy.models.validate import (
    ValidationError,
    _keys,
    _refused,
    from_json,
    non_finite,
    validator,
)
from tests.conftest import COVERED, with_changes

FULL = with_changes(
    COVERED,
    source={"adapter": "erp", "ref": "r-1"},
    risk={"may_affect_national_security": False, "factors": {"remote_access": True}},
    review={"status": "none"},
    attributes={"erp": [{"x": 1}, {"y": {"z": [1, {"w": 2}]}}], "note": "a"},
    materials=["declaration"],
)


def reference(text: str | bytes) -> Any:
    """The old ``from_json``: the second parse always, first."""
    found = unfit(text)
    if found is not None:
        raise _refused(found)
    record = validator().validate_json(text)
    if record.attributes:
        where = non_finite(record.attributes, ("attributes",))
        if where is not None:
            error = {"type": "finite_number", "loc": where, "input": "1e400"}
            raise ValidationError.from_exception_data("Record", [error], "json")  # type: ignore[list-item]
    return record


def answer(read: Any, text: str | bytes) -> Any:
    try:
        return ("record", read(text).__dict__)
    except ValidationError as exc:
        return ("error", exc.errors(include_url=False))


def _objects(text: str) -> list[int]:
    """Where each object of the JSON ``text`` opens (outside strings)."""
    starts, inside, escaped = [], False, False
    for at, char in enumerate(text):
        if inside:
            inside = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            inside = True
        elif char == "{":
            starts.append(at)
    return starts


def variants(seed: int) -> list[str]:
    """Texts of ``FULL`` with one key given twice somewhere (and the like)."""
    rng = random.Random(seed)
    base = json.dumps(FULL, ensure_ascii=rng.random() < 0.5)
    out = [base]
    for at in _objects(base):
        key = rng.choice(["id", "name", "kind", "x", "y", "w", "ciio", "attributes", "status"])
        value = rng.choice(['"v"', "1", "NaN", "null", "{}", '{"a": 1, "a": 2}', "[Infinity]"])
        out.append(f'{base[: at + 1]}"{key}": {value}, {base[at + 1 :]}')
        out.append(f'{base[: at + 1]}"{key}" \n: {value}, {base[at + 1 :]}')
    out += [
        base.replace('"id": "PO-2021-0117/1"', '"id": "PO:1", "id" : "PO-2"'),
        base.replace('"note": "a"', '"note": "a:b", "note": "c"'),
        base.replace('"note": "a"', '"note": "\\u003a", "note": "c"'),
        base.replace('"note": "a"', '"note": "\\": x", "note" :"c"'),
        base.replace('"note": "a"', '"note": "a\\u0000"'),
        base.replace('"note": "a"', '"note": NaN'),
        base.replace('"note": "a"', '"note": 1e400'),
        base.replace('"note": "a"', '"note": -Infinity, "note": 1'),
        base.replace('"kind"', '"kind": "asset", "kind"', 1)
        if '"kind"' in base
        else base[:1] + '"kind": "asset", "kind": "listing", ' + base[1:],
        base.replace('"name": "East Grid Power"', '"name": "East Grid Power", "name": 3'),
        base.replace('"ciio": true', '"ciio": NaN'),
        base + " x",
        base[:-1],
        '{"id": "A", "id": "B", "operator": {"name": "o"}, "kind": "listing"',
        "[]",
        "",
    ]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_from_json_answers_as_the_second_parse_first_did(seed: int) -> None:
    texts = variants(seed)
    assert len(texts) > 30
    for text in texts:
        for given in (text, text.encode("utf-8", "surrogatepass")):
            assert answer(from_json, given) == answer(reference, given), text


def test_the_count_is_the_shortcut_and_only_the_count() -> None:
    """An accepted record whose colons match its keys skips the second parse; a
    duplicate (or a colon in a string) does not."""
    text = json.dumps(FULL)
    record = validator().validate_json(text)
    assert surely_fit(text, _keys(record))
    assert surely_fit(text.encode(), _keys(record))
    twice = text.replace('"note": "a"', '"note": "b", "note": "a"')
    assert validator().validate_json(twice) == record  # the validator keeps the last
    assert not surely_fit(twice, _keys(record))
    colon = text.replace('"note": "a"', '"note": "a:"')
    assert not surely_fit(colon, _keys(validator().validate_json(colon)))
    nul = text.replace('"note": "a"', '"note": "\\u0000"')
    assert not surely_fit(nul, _keys(validator().validate_json(nul)))
