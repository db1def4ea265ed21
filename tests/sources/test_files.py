"""The file source: formats, streaming, and every bad record reported where it is."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.errors import SourceError
from cyberreview_policy.sources import jsontext
from cyberreview_policy.sources.base import Item
from cyberreview_policy.sources.files import FileSource
from tests.conftest import COVERED, with_changes


def read(path: Path | str, fmt: Any = None, stream: Any = None) -> list[Item]:
    return list(FileSource(str(path), fmt, stream).read())


def ids(items: list[Item]) -> list[str | None]:
    return [item.record.id if item.record else None for item in items]


def records(n: int) -> list[dict[str, Any]]:
    return [with_changes(COVERED, id=f"PO-{i}") for i in range(n)]


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records(3)) + "\n\n", "utf-8")
    items = read(path)
    assert ids(items) == ["PO-0", "PO-1", "PO-2"]
    assert [item.location.line for item in items] == [1, 2, 3]


def test_json_object_and_array(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(COVERED, indent=2), "utf-8")
    assert ids(read(one)) == ["PO-2021-0117/1"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps(records(4), indent=2), "utf-8")
    items = read(many)
    assert ids(items) == ["PO-0", "PO-1", "PO-2", "PO-3"]
    assert (
        items[1].location.line == json.dumps(records(4), indent=2).splitlines().index("  {", 2) + 1
    )


def test_array_is_streamed_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsontext, "_CHUNK", 7)  # elements always straddle chunks
    path = tmp_path / "many.json"
    path.write_text(json.dumps(records(25), indent=1), "utf-8")
    assert ids(read(path)) == [f"PO-{i}" for i in range(25)]


def test_bad_record_in_jsonl_is_skipped_with_line_column_and_field(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    bad = json.dumps(with_changes(COVERED, id="BAD", product__category="router"))
    path.write_text(
        "\n".join([json.dumps(records(1)[0]), bad, '{"id": 1,,}', json.dumps(records(2)[1])]),
        "utf-8",
    )
    items = read(path)
    assert ids(items) == ["PO-0", None, None, "PO-1"]
    error = items[1].error
    assert error is not None
    assert error.record_id == "BAD"
    assert error.field == "product.category"
    column = bad.index('"router"') + 1
    assert str(error.location) == f"{path}:2:{column}"
    broken = items[2].error
    assert broken is not None
    assert str(broken) == f"{path}:3:10: invalid JSON: key must be a string"


def test_field_line_in_a_pretty_printed_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(with_changes(COVERED, deployment__planned_date="2021-13-01"), indent=2), "utf-8"
    )
    [item] = read(path)
    assert item.error is not None
    text = path.read_text("utf-8")
    line = text.splitlines().index('    "planned_date": "2021-13-01"') + 1
    assert item.error.location is not None and item.error.location.line == line
    assert str(item.error).endswith(
        "deployment.planned_date: '2021-13-01' is not a valid date (expected YYYY-MM-DD)"
    )


def test_missing_required_field_points_at_its_object(tmp_path: Path) -> None:
    data = with_changes(COVERED)
    del data["product"]["category"]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(data, indent=2), "utf-8")
    [item] = read(path)
    assert item.error is not None
    assert item.error.field == "product.category"
    assert item.error.message == "required field is missing"
    assert item.error.location is not None
    assert item.error.location.line == path.read_text().splitlines().index('  "product": {') + 1


def test_broken_array_makes_the_source_fail_after_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    text = json.dumps(records(2), indent=2)
    path.write_text(text[: text.rindex("}")], "utf-8")  # cut off in the last element
    source = FileSource(str(path))
    got = []
    with pytest.raises(SourceError, match="invalid JSON"):
        for item in source.read():
            got.append(item)
    assert ids(got) == ["PO-0"]


def test_csv_with_dotted_headers_lists_and_nulls(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "id,operator.name,operator.ciio,product.name,product.category,contract.amount,materials,deployment.cii\n"
        "PO-1,Grid,true,Router,core_network_equipment,4200000,declaration; impact_analysis,\n"
        "PO-2,Bank,false,DB,large_database,,,null\n"
        "PO-3,Bank,maybe,DB,large_database,,,\n",
        "utf-8",
    )
    items = read(path)
    first, second, third = items
    assert first.record is not None and second.record is not None
    assert first.record.operator.ciio is True
    assert first.record.materials == ["declaration", "impact_analysis"]
    assert first.record.deployment.cii is None
    assert second.record.contract.amount is None
    assert third.error is not None
    assert (
        str(third.error)
        == f"{path}:4: operator.ciio: 'maybe' is not a boolean (true, false or null)"
    )


def test_csv_unknown_column_fails_the_source(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,operator.nam\nPO-1,Grid\n", "utf-8")
    with pytest.raises(SourceError, match="did you mean 'name'"):
        read(path)


def test_csv_short_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,operator.name,product.name,product.category\nPO-1,Grid\n", "utf-8")
    [item] = read(path)
    assert item.error is not None and "the row has 2 cells, the header 4" in str(item.error)


def test_empty_and_missing_files_fail_the_source(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n", "utf-8")
    with pytest.raises(SourceError, match="the file holds no records"):
        read(empty)
    with pytest.raises(SourceError, match="No such file or directory"):
        read(tmp_path / "nope.json")


def test_not_utf8(tmp_path: Path) -> None:
    lines = tmp_path / "r.jsonl"
    lines.write_bytes(b'{"id": "\xff"}\n')
    [item] = read(lines)  # a line of JSON Lines is a record of its own: skipped
    assert str(item.error) == f"{lines}:1:9: invalid JSON: invalid unicode code point"
    csv_file = tmp_path / "r.csv"
    csv_file.write_bytes(b"id,operator.name\nA,\xff\n")
    with pytest.raises(SourceError, match="not UTF-8"):
        read(csv_file)


def test_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(COVERED).encode() + b"\n")
    assert ids(read(path)) == ["PO-2021-0117/1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(COVERED, indent=2), ["PO-2021-0117/1"]),
        ("\n".join(json.dumps(r) for r in records(2)), ["PO-0", "PO-1"]),
        (json.dumps(records(2)), ["PO-0", "PO-1"]),
        ("id,operator.name,product.name,product.category\nA,Grid,R,other\n", ["A"]),
    ],
)
def test_stdin_format_is_sniffed(text: str, expected: list[str]) -> None:
    assert ids(read("-", stream=io.StringIO(text))) == expected


def test_locate_finds_nested_values() -> None:
    text = '{\n "a": {\n  "b": [1,\n   {"c": 2}]\n }\n}'
    assert jsontext.locate(text, ("a", "b", 1, "c")) == (4, 10)
    assert jsontext.locate(text, ("a", "missing")) == (2, 7)
