"""``sweep --workers N`` over a JSON Lines file: the workers read line-aligned byte
ranges themselves and write parts; the result is the one process's, byte for byte,
bad lines located in the whole file."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.errors import SourceError
from cyberreview_policy.sweep import ranges
from tests.conftest import Result

Cli = Callable[..., Result]
EXAMPLES = Path(__file__).parents[2] / "examples" / "procurement.jsonl"
DEMO = ("--as-of", "2021-06-01")


def awkward_file(tmp_path: Path) -> Path:
    """The demo records with a BOM, CRLF and LF endings, blank lines, broken and
    invalid records at known lines, and no newline at the end."""
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index % 37 == 5:
            out.append("")
            out.append("   ")
        if index % 53 == 7:
            out.append(f'{{"id": "BROKEN-{index}", "kind": ')  # invalid JSON
        if index % 61 == 9:
            out.append(json.dumps({"id": f"BAD-{index}", "kind": "purchase"}))  # invalid record
    body = "".join(line + ("\r\n" if n % 3 else "\n") for n, line in enumerate(out))
    path = tmp_path / "awkward.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + body.rstrip("\r\n").encode("utf-8"))
    return path


def test_ranges_are_line_aligned_and_cover_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = awkward_file(tmp_path)
    data = path.read_bytes()
    monkeypatch.setattr(ranges, "MIN_RANGE_BYTES", 1)
    for step in (1, 100, 4096, len(data) + 1):
        monkeypatch.setattr(ranges, "RANGE_BYTES", step)
        spans = list(ranges.ranges(str(path), len(data), 2))
        assert spans[0][0] == 0 and spans[-1][1] == len(data)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end == start and data[start - 1 : start] == b"\n"
        assert all(start < end for start, end in spans)


def test_a_file_cut_short_while_read_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "short.jsonl"
    path.write_bytes(EXAMPLES.read_bytes()[:5000])

    class Decider:
        as_of = None

        def __call__(self, item: Any) -> None:
            return None

        def flush(self) -> list[Any]:
            return []

        def elsewhere(self, line: bytes) -> bool:
            return False

    with pytest.raises(SourceError, match="ended 5000 bytes early: it changed while it was read"):
        ranges.decide_range(
            Decider(),
            bytes,
            name="short.jsonl",
            target=str(path),
            span=(5000, 10000),
            out=str(tmp_path / "part"),
        )


@pytest.mark.slow
@pytest.mark.parametrize("cases", [False, True])
def test_workers_write_what_one_process_writes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cases: bool
) -> None:
    monkeypatch.setattr(ranges, "MIN_RANGE_BYTES", 1)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 9000)  # many small ranges
    source = awkward_file(tmp_path)
    outputs = {}
    for workers in ("0", "2"):
        if cases:  # each run in a fresh store: the same cases opened, the same findings new
            monkeypatch.setenv("CYBERREVIEW_HOME", str(tmp_path / f"home-{workers}"))
        out = tmp_path / f"out-{workers}.jsonl"
        flags = () if cases else ("--no-cases",)
        result = cli(
            "sweep",
            source,
            *DEMO,
            *flags,
            "--format",
            "jsonl",
            "--output",
            out,
            "--workers",
            workers,
        )
        assert result.code == 3, result.err  # skipped records: the sweep is incomplete
        # case ids are handed out in the order workers open cases (in fields and messages)
        outputs[workers] = re.sub(rb"CR-[0-9]+", b"CR-", out.read_bytes())
    assert outputs["2"] == outputs["0"]
    summary = json.loads(outputs["2"].splitlines()[-1])["summary"]
    assert summary["skipped"] == 9 and summary["records"] == 240
    lines = source.read_bytes().split(b"\n")
    invalid = [skip for skip in summary["skips"] if "required field" in skip["reason"]]
    assert len(invalid) == 4
    for skip in invalid:  # each invalid record located in the whole file
        line = int(skip["location"].split(":")[1])
        assert lines[line - 1].startswith(b'{"id": "BAD-')
    if cases:
        assert summary["cases"]["created"] > 0 and summary["findings"]["new"] > 0


@pytest.mark.slow
def test_other_formats_go_record_by_record(cli: Cli, tmp_path: Path) -> None:
    """A JSON array output cannot take JSON Lines parts: the workers get records."""
    serial = cli("sweep", EXAMPLES, *DEMO, "--no-cases", "--format", "json")
    parallel = cli("sweep", EXAMPLES, *DEMO, "--no-cases", "--format", "json", "--workers", "2")
    assert parallel.code == serial.code == 0
    assert parallel.out == serial.out
