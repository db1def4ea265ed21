"""The dossier's .docx rendered for real: LibreOffice headless to PDF, poppler to pixels.
Do the Chinese glyphs get drawn, or tofu boxes, or nothing?  (``tox -e render``
installs LibreOffice, poppler and a CJK font; without them these tests are skipped.)

The check for glyphs: two different Chinese strings of the same length must give
different pixels (tofu boxes for missing glyphs look alike whatever the character),
different from characters no font has (private use: tofu or nothing), and more ink
than a page without them."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.dossier.document import Doc, render
from tests.dossier.conftest import AS_OF, CAL, office, record, unzip

pytestmark = pytest.mark.render

CJK_FONT = re.compile(r"CJK|WenQuanYi|Hei|Song|Ming|Droid Sans Fallback|SC\b", re.IGNORECASE)


def tools() -> tuple[str, str]:
    found = office()
    if found is None:
        pytest.fail("LibreOffice and pdftoppm are needed: python scripts/ensure_office.py")
    return found


def to_pdf(files: list[Path], out: Path) -> list[Path]:
    """Every file to PDF in one LibreOffice run (its own profile: no lock with others)."""
    soffice, _ = tools()
    profile = (out / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdfs = [out / (f.stem + ".pdf") for f in files]
    for pdf in pdfs:
        assert pdf.exists() and pdf.stat().st_size > 0, pdf
    return pdfs


def first_page(pdf: Path) -> list[bytes]:
    """Page 1 in grey (PGM), as rows of pixels."""
    _, pdftoppm = tools()
    prefix = pdf.with_suffix("")
    subprocess.run(
        [pdftoppm, "-gray", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = prefix.with_suffix(".pgm").read_bytes()
    header = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    assert header[0] == b"P5"
    width, height = int(header[1]), int(header[2])
    pixels = header[4][: width * height]
    return [pixels[row * width : (row + 1) * width] for row in range(height)]


def ink(page: list[bytes]) -> int:
    return sum(1 for row in page for value in row if value < 128)


def test_chinese_glyphs_are_drawn_not_tofu(tmp_path: Path) -> None:
    texts = {"a": "网络安全审查", "b": "申报书目录表", "tofu": "\ue000" * 6, "blank": ""}
    files = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(render(Doc(text or " "), lang="zh-CN", when=dt.date(2026, 1, 1)))
        files.append(path)
    pages = dict(zip(texts, map(first_page, to_pdf(files, tmp_path)), strict=True))
    assert ink(pages["a"]) > ink(pages["blank"]) + 50, "no ink where the Chinese text is"
    assert ink(pages["b"]) > ink(pages["blank"]) + 50
    assert pages["a"] != pages["b"], "two Chinese strings look alike: tofu boxes?"
    assert pages["a"] != pages["tofu"], "the Chinese text looks like missing glyphs"


def test_the_dossier_documents_render_with_a_cjk_font(
    store: SqlStore, case_id: str, tmp_path: Path
) -> None:
    from cyberreview_policy.dossier import build_dossier

    built = build_dossier(store, case_id, calendar=CAL, as_of=AS_OF, actor="ana", record=record())
    opened = unzip(built.content)
    names = [n for n in opened.names if n.endswith(".docx")]
    files = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(opened.files[name])
        files.append(path)
    pdfs = to_pdf(files, tmp_path)
    form = pdfs[names.index("01-declaration-form.docx")]
    text = subprocess.run(
        ["pdftotext", "-layout", str(form), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = re.sub(r"\s+", "", text)  # pdftotext spaces Latin from Chinese
    assert "网络安全审查申报书（草稿）" in compact
    assert "420万元" in compact and "【待填写】" in compact
    for pdf in pdfs:
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        assert CJK_FONT.search(fonts), (pdf.name, fonts)
        assert ink(first_page(pdf)) > 1000, pdf.name
