"""The law: families whose versions follow one another, texts renumbered by date."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from cyberreview_policy.errors import Location, PolicyError
from cyberreview_policy.policy.law import (
    Family,
    Law,
    Renumbering,
    Text,
    Version,
    check_families,
    load_law,
)

D = dt.date
CSL = Text("CSL", "Cybersecurity Law", (Renumbering(D(2026, 1, 1), {23: 25, 35: 37, 65: 67}),))
LAW = Law(
    families={
        "cn-csr": Family("cn-csr", "Cybersecurity Review", D(2020, 6, 1)),
        "cn-cne": Family("cn-cne", "Catalogue", D(2023, 7, 3)),
    },
    texts={"CSL": CSL},
)


@pytest.mark.parametrize(
    ("citation", "on", "cited"),
    [
        ("CSL Art. 65", D(2025, 12, 31), "CSL Art. 65"),
        ("CSL Art. 65", D(2026, 1, 1), "CSL Art. 67"),
        ("CSL Art. 35", D(2026, 1, 1), "CSL Art. 37"),
        ("CSL Art. 23", D(2026, 3, 1), "CSL Art. 25"),
        # not in this table: it keeps its number and says so, never silently
        ("CSL Art. 21", D(2026, 3, 1), "CSL Art. 21 (numbering before 2026-01-01)"),
        ("CSL Art. 21", D(2025, 12, 31), "CSL Art. 21"),
        ("Measures 2021 Art. 7", D(2026, 3, 1), "Measures 2021 Art. 7"),  # no table: unchanged
        ("CSL Art. 65(2)", D(2026, 3, 1), "CSL Art. 67(2)"),
    ],
)
def test_citations_follow_the_numbering_in_force(citation: str, on: dt.date, cited: str) -> None:
    assert LAW.cite(citation, on) == cited


def test_change_dates() -> None:
    assert LAW.change_dates(["CSL Art. 65", "Measures 2021 Art. 7"]) == [D(2026, 1, 1)]
    assert LAW.change_dates(["Measures 2021 Art. 7"]) == []


def version(pid: str, family: str | None, start: dt.date, end: dt.date | None) -> Version:
    return Version(pid, family, start, end, Location(f"{pid}/pack.yaml"))


def test_versions_that_follow_one_another_are_fine() -> None:
    assert (
        check_families(
            [
                version("cn-csr-2020", "cn-csr", D(2020, 6, 1), D(2022, 2, 14)),
                version("cn-csr-2022", "cn-csr", D(2022, 2, 15), None),
                version("house", None, D(2021, 1, 1), None),
            ],
            LAW,
        )
        == []
    )


@pytest.mark.parametrize(
    ("versions", "message", "file"),
    [
        (
            [
                version("a", "cn-csr", D(2020, 6, 1), D(2022, 2, 20)),
                version("b", "cn-csr", D(2022, 2, 15), None),
            ],
            "packs a and b of family cn-csr overlap: a is in force until 2022-02-20, b from 2022-02-15",
            "b/pack.yaml",
        ),
        (
            [
                version("a", "cn-csr", D(2020, 6, 1), None),
                version("b", "cn-csr", D(2022, 2, 15), None),
            ],
            "packs a and b of family cn-csr overlap: a is in force until further notice, b from 2022-02-15",
            "b/pack.yaml",
        ),
        (
            [
                version("a", "cn-csr", D(2020, 6, 1), D(2022, 2, 10)),
                version("b", "cn-csr", D(2022, 2, 15), None),
            ],
            "family cn-csr has no version in force from 2022-02-11 to 2022-02-14: a gap in validity between a and b",
            "b/pack.yaml",
        ),
        (
            [version("b", "cn-csr", D(2022, 2, 15), None)],
            "family cn-csr starts on 2020-06-01 but its first version, b, only on 2022-02-15: a gap in validity",
            "b/pack.yaml",
        ),
        (
            [version("a", "cn-csr", D(2020, 6, 1), D(2022, 2, 14))],
            "family cn-csr runs until further notice but its last version, a, ends on 2022-02-14: a gap in validity",
            "a/pack.yaml",
        ),
        (
            [version("x", "cn-dsl", D(2021, 9, 1), None)],
            "pack x names unknown family 'cn-dsl' (known families: cn-cne, cn-csr; declare it in a law.yaml)",
            "x/pack.yaml",
        ),
    ],
)
def test_bad_families(versions: list[Version], message: str, file: str) -> None:
    [problem] = check_families(versions, LAW)
    assert problem.message == message
    assert problem.location is not None and problem.location.file == file


def test_load_law_file(tmp_path: Path) -> None:
    path = tmp_path / "law.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            families:
              house: {title: House rules, starts: 2021-01-01}
            texts:
              DSL:
                title: Data Security Law
                renumbered:
                  - {since: 2030-01-01, articles: {21: 22}}
            """
        ),
        "utf-8",
    )
    law = load_law(path)
    assert law.families["house"].starts == D(2021, 1, 1)
    assert law.cite("DSL Art. 21", D(2030, 1, 1)) == "DSL Art. 22"


def test_bad_law_file_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "law.yaml"
    path.write_text(
        "texts:\n  CSL:\n    title: CSL\n    renumbered:\n      - {on: 2026-01-01, articles: {23: 25}}\n",
        "utf-8",
    )
    with pytest.raises(PolicyError) as info:
        load_law(path)
    assert info.value.location is not None and info.value.location.line == 5
    assert info.value.field is not None and info.value.field.startswith("texts.CSL.renumbered[0]")
