"""A document of the dossier as data (headings, paragraphs, two-column tables), and
its rendering as ``.docx`` with python-docx (the ``dossier`` extra).

The forms are built as data first, so what they say is tested without Word, and
python-docx is imported only to write them out.  The ``.docx`` is made
reproducible: fixed document properties and fixed ZIP timestamps, so the same
case gives the same bytes (and the manifest the same digests).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..errors import DossierError
from ..i18n.catalog import _

EXTRA_HINT = "pip install 'cyberreview-policy[dossier]'"
#: the body font for Chinese text (Word's and WPS's default for official forms); a
#: renderer without it falls back to a CJK font it has
EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
#: every ZIP entry of the dossier carries this time: the same case, the same bytes
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    """Rows of cells; the first row is the header when ``header`` is true."""

    rows: tuple[tuple[str, ...], ...]
    header: bool = False


Block = Heading | Para | Table


@dataclass
class Doc:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def para(self, text: str) -> None:
        self.blocks.append(Para(text))

    def fields(self, rows: list[tuple[str, str]]) -> None:
        """A two-column table: what is asked, and its value (or the marked blank)."""
        self.blocks.append(Table(tuple(rows)))

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        self.blocks.append(Table((header, *rows), header=True))

    def section(
        self, heading: str, header: tuple[str, ...], rows: list[tuple[str, ...]], empty: str
    ) -> None:
        """A heading, then the rows as a table, or the sentence ``empty`` when there are none."""
        self.heading(heading)
        if rows:
            self.table(header, rows)
        else:
            self.para(empty)

    def texts(self) -> list[str]:
        """Every piece of text, in order (what a reader of the document reads)."""
        out = [self.title, self.subtitle]
        for block in self.blocks:
            if isinstance(block, Table):
                out.extend(cell for row in block.rows for cell in row)
            else:
                out.append(block.text)
        return out


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise DossierError(
            _("the dossier's documents are written with python-docx: {EXTRA_HINT}").format(
                EXTRA_HINT=EXTRA_HINT
            )
        ) from None
    return docx


def render(doc: Doc, *, lang: str, when: dt.date) -> bytes:
    """``doc`` as ``.docx`` bytes, in ``lang``, dated ``when`` (its properties)."""
    docx = _docx()
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = docx.Document()
    normal = out.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(11)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style_fonts = out.styles[name].element.get_or_add_rPr().get_or_add_rFonts()
        style_fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    _language(out, normal, lang, qn)
    props = out.core_properties
    props.title = doc.title
    props.author = props.last_modified_by = "cyberreview-policy"
    props.language = lang
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    props.created = props.modified = stamp
    props.revision = 1
    out.add_heading(doc.title, level=0)
    if doc.subtitle:
        out.add_paragraph(doc.subtitle)
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(block.text, level=block.level)
        elif isinstance(block, Para):
            out.add_paragraph(block.text)
        else:
            _table(out, block)
    buffer = io.BytesIO()
    out.save(buffer)
    return normalized_zip(buffer.getvalue())


def _language(out: Any, normal: Any, lang: str, qn: Any) -> None:
    """Mark the text's language (spelling, and the renderer's choice of glyphs)."""
    rpr = normal.element.get_or_add_rPr()
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = rpr.makeelement(qn("w:lang"), {})
        rpr.append(found)
    found.set(qn("w:val"), "en-US")
    found.set(qn("w:eastAsia"), "zh-CN")


def _table(out: Any, block: Table) -> None:
    columns = max(len(row) for row in block.rows)
    table = out.add_table(rows=len(block.rows), cols=columns)
    table.style = "Table Grid"
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            target = table.cell(r, c)
            target.text = cell
            if (block.header and r == 0) or (not block.header and c == 0 and columns == 2):
                for run in target.paragraphs[0].runs:
                    run.bold = True


def normalized_zip(data: bytes) -> bytes:
    """The same ZIP with fixed timestamps and permissions, entries in their order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(fixed_info(info.filename), source.read(info))
    return buffer.getvalue()


def fixed_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info
