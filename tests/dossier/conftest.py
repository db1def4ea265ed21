"""A review case with a record, material in versions and a letter of the Office, and a
reader that opens a dossier as the officer does: unzip, open each .docx."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases.base import CaseRequest, Notice
from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.models.identity import record_digest, record_key, record_summary
from cyberreview_policy.models.validate import from_json
from tests.cases.conftest import open_store
from tests.conftest import COVERED

D = dt.date
AS_OF = D(2021, 6, 10)
CAL = WorkCalendar()
#: a material's name as an uploader may send it: it must not leave its folder
EVIL_NAME = "../../../etc/cron.d/合同 final?.pdf"


def record(data: dict[str, Any] | None = None) -> Any:
    return from_json(json.dumps(data or COVERED))


def open_review(store: SqlStore, found: Any) -> str:
    case, _ = store.open_case(
        CaseRequest(
            record_key=record_key(found),
            record_id=found.id,
            kind="review",
            rule="review-required",
            pack="cn-csr-2020@1.1.0",
            opened_on=D(2021, 6, 1),
            summary=record_summary(found),
            record_digest=record_digest(found),
        ),
        "ana",
    )
    return case.id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'cases.db'}")
    yield opened
    opened.close()


@pytest.fixture
def case_id(store: SqlStore) -> str:
    """CR-000001: declared, its contract in two versions, the commitment letter under a
    name that tries to climb out of the dossier, an acceptance letter of the Office."""
    found = record()
    case_id = open_review(store, found)
    on = D(2021, 6, 1)
    store.attach(case_id, "procurement_documents", "contract.pdf", b"%PDF v1", on=on, actor="ana")
    store.attach(case_id, "procurement_documents", "contract.pdf", b"%PDF v2", on=on, actor="ana")
    store.attach(case_id, "commitment_letter", EVIL_NAME, b"%PDF letter", on=on, actor="ana")
    store.transition(case_id, "declared", on=D(2021, 6, 2), actor="ana", note="filed")
    letter = Notice("accepted", "网审受〔2021〕3号", D(2021, 6, 3), None, "受理.pdf", b"%PDF ok")
    store.notice(case_id, letter, actor="ana")
    return case_id


@dataclass
class Opened:
    """A dossier as the officer opens it."""

    names: list[str]
    files: dict[str, bytes]

    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.files["manifest.json"])
        return data

    def docx(self, name: str) -> Any:
        import docx

        return docx.Document(io.BytesIO(self.files[name]))

    def cells(self, name: str) -> dict[str, str]:
        """The two-column tables of a .docx: label -> value (the last one of a label)."""
        out = {}
        for table in self.docx(name).tables:
            for row in table.rows:
                cells = [cell.text for cell in row.cells]
                if len(cells) == 2:
                    out[cells[0]] = cells[1]
        return out

    def texts(self, name: str) -> list[str]:
        document = self.docx(name)
        found = [p.text for p in document.paragraphs]
        for table in document.tables:
            found += [cell.text for row in table.rows for cell in row.cells]
        return found


def unzip(content: bytes) -> Opened:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        return Opened(names, {name: archive.read(name) for name in names})


def office() -> tuple[str, str] | None:
    """LibreOffice and pdftoppm, if both are there."""
    soffice = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    return (soffice, pdftoppm) if soffice and pdftoppm else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Rendering tests need LibreOffice: skipped without it, unless the render env (which
    installs it) says they are required."""
    if office() is not None or os.environ.get("CYBERREVIEW_RENDER") == "required":
        return
    skip = pytest.mark.skip(reason="LibreOffice or pdftoppm missing: tox -e render installs them")
    for item in items:
        if "render" in item.keywords:
            item.add_marker(skip)
