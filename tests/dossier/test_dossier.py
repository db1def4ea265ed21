"""The dossier read back as the Office's reader would: unzip it, open each .docx with
python-docx, check the manifest; and the audit trail that says it was built."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from typing import Any

import pytest

from cyberreview_policy.cases.audit import verify
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.cases.trail import state_problems
from cyberreview_policy.dossier import build_dossier
from cyberreview_policy.dossier import package as package_module
from cyberreview_policy.errors import DossierError
from tests.conftest import COVERED, with_changes
from tests.dossier.conftest import AS_OF, CAL, EVIL_NAME, record, unzip

BLANK = "【待填写】"
#: what must never show in a document: raw enum values, field paths, Python's None
RAW = re.compile(
    r"\b(None|null|True|False|core_network_equipment|may_affect|no_effect|under_review|"
    r"procurement_documents|commitment_letter|office_notice|operator\.|contract\.)\b"
)
DOCS = ("00-index.docx", "01-declaration-form.docx", "02-impact-analysis.docx", "03-timeline.docx")


def findings(found: Any) -> list[dict[str, Any]]:
    return [
        {
            "rule": "review-required",
            "outcome": "block",
            "message": f"{found.product.name} needs a cybersecurity review",
            "citations": ["Measures 2020 Art. 5"],
            "waiver": None,
        }
    ]


def build(store: SqlStore, case_id: str, **options: Any) -> Any:
    return build_dossier(store, case_id, calendar=CAL, as_of=AS_OF, actor="ana", **options)


def test_the_form_is_filled_from_the_record_and_marks_what_it_cannot_know(
    store: SqlStore, case_id: str
) -> None:
    opened = unzip(build(store, case_id, record=record(), decide=findings).content)
    form = opened.cells("01-declaration-form.docx")
    assert form["运营者名称"] == "East Grid Power"
    assert form["是否为关键信息基础设施运营者"] == "是"
    assert form["所属行业领域"] == "能源"
    assert form["产品和服务名称"] == "Backbone router"
    assert form["产品和服务类别"] == "核心网络设备"
    assert form["网络关键设备类型"] == "路由器"
    assert form["产品和服务提供者"] == "Example Networks"
    assert form["提供者所属国家或地区"] == "中国（CN）"
    assert form["拟部署的网络或系统"] == "Dispatch WAN"
    assert form["该系统是否为关键信息基础设施"] == "是"
    assert form["合同编号"] == "C-88"
    assert form["合同金额"] == "420万元"
    assert form["计划投入使用日期"] == "2021年9月1日"
    assert form["不非法控制和操纵用户设备"] == "是"
    assert form["承诺书是否已附"] == "是"
    assert form["预判结论"] == "影响或者可能影响国家安全"
    assert form["研判日期"] == "2021年5月2日"
    assert form["案件状态"] == "已申报（确定是否审查）"
    # what neither the record nor the case can know: a marked blank, never an empty cell
    for label in ("统一社会信用代码", "型号", "签订日期（拟签订日期）", "负责人（签字）"):
        assert form[label] == BLANK, label
    assert form["采购文件、协议、拟签订的合同等"] == "已附（见材料目录）"
    assert form["申报书"] == "业务系统载明已备，未附"
    for name in DOCS:
        texts = opened.texts(name)
        assert all(text.strip() for text in texts if text is not None), (name, texts)
        for text in texts:
            if text not in opened.names:  # the index names the files by their paths
                assert not RAW.search(text), (name, text)


def test_the_analysis_follows_the_factors_of_the_measures_in_force(
    store: SqlStore, case_id: str
) -> None:
    found = record(with_changes(COVERED, risk__factors={"remote_access": True}))
    opened = unzip(build(store, case_id, record=found, decide=findings).content)
    texts = opened.texts("02-impact-analysis.docx")
    factors = [t for t in texts if t.startswith("（")]
    # declared in 2021: the 2020 Measures, Art. 9, five factors
    assert len(factors) == 5, factors
    assert any("第九条" in t for t in texts)
    assert factors[0].startswith("（一）产品和服务使用后带来的关键信息基础设施被非法控制")
    analysis = opened.cells("02-impact-analysis.docx")
    assert analysis["提供者可远程访问或维护"] == "是"
    assert analysis["涉及重要数据"] == BLANK
    assert analysis["分析意见"] == BLANK
    assert "Backbone router needs a cybersecurity review" in texts
    assert "阻止" in texts


def test_without_a_record_the_forms_say_what_is_missing(store: SqlStore, case_id: str) -> None:
    opened = unzip(build(store, case_id).content)
    form = opened.cells("01-declaration-form.docx")
    assert form["运营者名称"] == "East Grid Power"  # what the case keeps
    assert form["合同金额"] == BLANK
    assert form["预判结论"] == BLANK
    assert form["依据"] == BLANK
    assert "未提供业务记录，未进行规则检查。【待填写】" in opened.texts("02-impact-analysis.docx")


def test_english_on_request(store: SqlStore, case_id: str) -> None:
    opened = unzip(build(store, case_id, record=record(), lang="en").content)
    form = opened.cells("01-declaration-form.docx")
    assert form["Amount"] == "CNY 4,200,000"
    assert form["Planned go-live"] == "2021-09-01"
    assert form["Model"] == "[to be completed]"
    assert form["Category"] == "core network equipment"
    assert not any("待填写" in text for text in opened.texts("01-declaration-form.docx"))


def test_the_package_holds_the_latest_materials_every_letter_and_a_true_manifest(
    store: SqlStore, case_id: str
) -> None:
    opened = unzip(build(store, case_id, record=record()).content)
    assert opened.names[:6] == [
        "00-index.docx",
        "01-declaration-form.docx",
        "02-impact-analysis.docx",
        "03-timeline.docx",
        "03-timeline.json",
        "04-audit-extract.jsonl",
    ]
    assert opened.names[-2:] == ["manifest.json", "SHA256SUMS"]
    materials = [n for n in opened.names if n.startswith(("05-", "06-"))]
    assert materials == [
        "05-notices/office_notice-v1-file.pdf",
        "06-materials/commitment_letter-v1-final.pdf",
        "06-materials/procurement_documents-v2-contract.pdf",
    ]
    for name in opened.names:  # nothing climbs out of the folder it is unpacked into
        assert not name.startswith("/") and ".." not in name.split("/"), name
    assert opened.files["06-materials/procurement_documents-v2-contract.pdf"] == b"%PDF v2"
    assert b"%PDF v1" not in opened.files.values()
    manifest = opened.manifest()
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(opened.names) - {"manifest.json", "SHA256SUMS"}
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(opened.files[path]).hexdigest(), path
        assert entry["size"] == len(opened.files[path])
    sums = opened.files["SHA256SUMS"].decode().splitlines()
    assert sums == [f"{listed[p]['sha256']}  {p}" for p in listed]
    assert manifest["case"] == case_id and manifest["measures"] == "Measures 2020 Art. 7"
    index = opened.texts("00-index.docx")
    for path, entry in listed.items():
        if path != "00-index.docx":
            assert path in index and entry["sha256"] in index, path
    timeline = json.loads(opened.files["03-timeline.json"])
    assert [c["period"] for c in timeline["clocks"]] == ["determination"]
    assert timeline["notices"][0]["ref"] == "网审受〔2021〕3号"
    audit = [json.loads(line) for line in opened.files["04-audit-extract.jsonl"].splitlines()]
    assert {entry["action"] for entry in audit} >= {"case.opened", "case.transition"}
    assert all(entry["chain_intact"] for entry in audit)
    steps = opened.texts("03-timeline.docx")
    assert "待申报 → 已申报（确定是否审查）" in steps
    assert "确定是否需要审查" in steps and "实际" in steps


def test_material_names_cannot_escape() -> None:
    safe = package_module.safe_part
    assert safe(EVIL_NAME) == "final.pdf"
    assert safe("受理.pdf") == "file.pdf"
    assert safe("..\\..\\windows\\system32\\x.dll") == "x.dll"
    assert safe("....") == "file"
    assert safe("/") == "file"
    assert safe(".bashrc") == "bashrc"
    long = safe("a" * 300 + ".pdf")
    assert len(long) == 60 and long.endswith(".pdf")


def test_building_is_audited_without_contents_and_the_trail_still_verifies(
    store: SqlStore, case_id: str
) -> None:
    built = build(store, case_id, record=record())
    entries = list(store.audit_entries())
    last = entries[-1]
    assert last.action == "case.dossier" and last.subject == case_id and last.actor == "ana"
    assert last.details["sha256"] == built.sha256
    assert last.details["files"] == built.files
    text = json.dumps([entry.to_json() for entry in entries], ensure_ascii=False, default=str)
    for secret in ("%PDF", "East Grid Power", "C-88", "4200000", "合同", "cron"):
        assert secret not in text, secret
    assert verify(entries, store.audit_head()).ok
    assert state_problems(store, store.audit_entries()) == []


def test_a_record_of_another_case_is_refused(store: SqlStore, case_id: str) -> None:
    other = record(with_changes(COVERED, id="PO-9"))
    with pytest.raises(DossierError, match="is about record PO-2021-0117/1, not PO-9"):
        build(store, case_id, record=other)


def test_a_dossier_over_the_size_limit_is_refused(
    store: SqlStore, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(package_module, "MAX_DOSSIER_BYTES", 1000)
    before = len(list(store.audit_entries()))
    with pytest.raises(DossierError, match="more than 1000"):
        build(store, case_id)
    assert len(list(store.audit_entries())) == before  # nothing built, nothing audited


def test_without_python_docx_the_error_names_the_extra(
    store: SqlStore, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(DossierError, match=r"pip install 'cyberreview-policy\[dossier\]'"):
        build(store, case_id)


def test_the_same_case_gives_the_same_documents(store: SqlStore, case_id: str) -> None:
    first = unzip(build(store, case_id, record=record()).content)
    second = unzip(build(store, case_id, record=record()).content)
    for name in ("01-declaration-form.docx", "02-impact-analysis.docx", "03-timeline.json"):
        assert first.files[name] == second.files[name], name


def test_a_listing_declared_under_the_2021_measures(store: SqlStore) -> None:
    import datetime as dt

    from tests.dossier.conftest import open_review

    listing = record(
        {
            "id": "IPO-1",
            "kind": "listing",
            "operator": {"name": "Buyly", "platform": True, "platform_users": 2_500_000},
            "listing": {"venue": "foreign", "exchange": "NASDAQ"},
            "risk": {"factors": {"foreign_government_influence": True}},
        }
    )
    case_id = open_review(store, listing)
    store.transition(case_id, "declared", on=dt.date(2026, 1, 6), actor="ana")
    built = build_dossier(
        store, case_id, calendar=CAL, as_of=dt.date(2026, 1, 10), actor="ana", record=listing
    )
    opened = unzip(built.content)
    form = opened.cells("01-declaration-form.docx")
    assert form["申报类型"] == "国外上市"
    assert form["上市地"] == "国外"
    assert form["交易所"] == "NASDAQ"
    assert form["掌握个人信息的用户数量"] == "2,500,000"
    assert form["拟上市时间"] == BLANK
    assert "合同编号" not in form  # a listing has no purchase contract
    assert form["拟提交的首次公开募股（IPO）等上市申请文件"] == BLANK  # not on file
    texts = opened.texts("02-impact-analysis.docx")
    factors = [t for t in texts if t.startswith("（")]
    assert len(factors) == 7 and any("第十条" in t for t in texts)
    assert factors[5].startswith("（六）上市存在关键信息基础设施")
    assert opened.cells("02-impact-analysis.docx")["可能被外国政府影响、控制、恶意利用"] == "是"
    assert opened.manifest()["measures"] == "Measures 2021 Art. 8"
