"""Build one case's dossier from the store, and audit that it was built."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import DossierError
from ..i18n.catalog import _
from . import labels as L
from .analysis import analysis_report
from .document import Doc, render
from .facts import Facts, conclusion_of, t
from .form import declaration_form
from .package import Entry, safe_part, zipped
from .timeline import audit_jsonl, index_doc, timeline_doc, timeline_json

if TYPE_CHECKING:
    from ..cases.base import Case, CaseStore, Material
    from ..cases.calendar import WorkCalendar
    from ..models.validate import RecordData

#: the findings of the record (the caller decides it with its packs, without cases)
Decide = Callable[["RecordData"], list[dict[str, Any]]]
ZIP_TYPE = "application/zip"


@dataclass(frozen=True)
class Dossier:
    case_id: str
    content: bytes
    files: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def build_dossier(
    store: CaseStore,
    case_id: str,
    *,
    calendar: WorkCalendar,
    as_of: dt.date,
    actor: str,
    lang: str = L.DEFAULT_LANG,
    record: RecordData | None = None,
    decide: Decide | None = None,
) -> Dossier:
    """The dossier of ``case_id`` as of ``as_of``: the draft declaration form and
    analysis report (from ``record`` when given, else from what the case keeps of it),
    the latest version of each material, every letter of the Office, the timeline,
    the audit extract, an index and a manifest.  Appends ``case.dossier`` to the audit
    trail (what was built: its size and digest, never its content)."""
    from ..cases.checklist import checklist
    from ..cases.views import clocks, measures, notices

    L.check_lang(lang)
    case = store.get(case_id)
    if record is not None and record.id != case.record_id:
        raise DossierError(
            _("case {id} is about record {record_id}, not {id2}: give its record").format(
                id=case.id, record_id=case.record_id, id2=record.id
            )
        )
    others = store.cases_for(case.record_key)
    facts = Facts(
        case=case,
        record=record,
        measures=measures(case, as_of),
        as_of=as_of,
        lang=lang,
        conclusion=conclusion_of(record, others),
        findings=decide(record) if record is not None and decide is not None else None,
        checklist=checklist(case),
    )
    periods = clocks(case, calendar, as_of)
    letters = notices(case)
    trail = store.trail_of([case.id], "case.")
    entries = [
        _doc("01-declaration-form.docx", declaration_form(facts), facts),
        _doc("02-impact-analysis.docx", analysis_report(facts), facts),
        _doc("03-timeline.docx", timeline_doc(facts, periods, letters, trail), facts),
        Entry(
            "03-timeline.json",
            t(facts, "案件时间线（数据）", "timeline (data)"),
            timeline_json(facts, periods, letters),
        ),
        Entry(
            "04-audit-extract.jsonl",
            t(facts, "审计摘录（数据）", "audit extract (data)"),
            audit_jsonl(trail),
        ),
        *_materials(store, case, lang),
    ]
    index = _doc("00-index.docx", index_doc(facts, entries), facts)
    entries.insert(0, index)
    meta = {
        "case": case.id,
        "record": case.record_id,
        "record_digest": case.record_digest,
        "as_of": as_of.isoformat(),
        "lang": lang,
        "measures": facts.measures.cite(facts.measures.materials),
    }
    content = zipped(entries, meta)
    dossier = Dossier(case.id, content, len(entries))
    store.audit(
        "case.dossier",
        actor,
        subject=case.id,
        pack=case.pack,
        record_digest=case.record_digest,
        details={
            "on": as_of.isoformat(),
            "lang": lang,
            "files": len(entries),
            "size": len(content),
            "sha256": dossier.sha256,
            "record_given": record is not None,
        },
    )
    return dossier


def _doc(path: str, doc: Doc, facts: Facts) -> Entry:
    return Entry(path, doc.title, render(doc, lang=facts.lang, when=facts.as_of))


def _materials(store: CaseStore, case: Case, lang: str) -> list[Entry]:
    """The newest version of each material (every letter of the Office: each is one)."""
    out: list[Entry] = []
    for kind in sorted(case.material_kinds()):
        versions = store.material(case.id, kind)
        kept = versions if kind == "office_notice" else versions[-1:]
        folder = "05-notices" if kind == "office_notice" else "06-materials"
        for material, content in kept:
            out.append(Entry(_path(folder, material), _material_title(material, lang), content))
    return sorted(out, key=lambda entry: entry.path)


def _path(folder: str, material: Material) -> str:
    return f"{folder}/{material.kind}-v{material.version}-{safe_part(material.filename)}"


def _material_title(material: Material, lang: str) -> str:
    name = L.word("material", material.kind, lang)
    version = f"第{material.version}版" if lang == "zh-CN" else f"version {material.version}"
    return f"{name}（{version}）" if lang == "zh-CN" else f"{name} ({version})"
