"""Error messages in the chosen language: config, record validation, pack loading, case
store refusals, gate failures.  The exit status, the file:line and the field path stay
as they are; English is unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.errors import Location, PolicyError, problems
from cyberreview_policy.i18n import use_lang
from cyberreview_policy.models.validate import ValidationError, from_obj
from tests.policy.test_loading import make_pack, rule_with

ROOT = Path(__file__).resolve().parents[2]
PO_117 = ROOT / "examples" / "po-117.json"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CYBERREVIEW_HOME", str(tmp_path / "home"))
    for name in ("CYBERREVIEW_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _record(tmp_path: Path, **changes: Any) -> Path:
    data = json.loads(PO_117.read_text("utf-8"))
    data.update(changes)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=2), "utf-8")
    return path


def test_a_record_error_in_chinese_keeps_file_line_and_field_path(cli: Any, home: Path) -> None:
    data = json.loads(PO_117.read_text("utf-8"))
    data["product"]["category"] = "router"
    bad = _record(home, product=data["product"])
    zh = cli("gate", "--record", bad, "--lang", "zh-CN")
    en = cli("gate", "--record", bad)
    assert zh.code == en.code == 3
    assert en.err.startswith("cyberreview: error: ")
    assert "product.category: 'router' is not one of core_network_equipment" in en.err
    assert zh.err.startswith("cyberreview：错误：")
    where = en.err.removeprefix("cyberreview: error: ").split(" product.category:")[0]
    assert where.startswith(str(bad)) and where in zh.err  # file:line unchanged
    assert "product.category: 'router' 不是以下取值之一：core_network_equipment" in zh.err
    assert "is not one of" not in zh.err


def test_a_duplicate_key_is_told_in_chinese_with_its_place(cli: Any, home: Path) -> None:
    text = PO_117.read_text("utf-8").replace('"name":', '"name": "x", "name":', 1)
    bad = home / "twice.json"
    bad.write_text(text, "utf-8")
    zh = cli("gate", "--record", bad, "--lang", "zh-CN", "--no-cases")
    en = cli("gate", "--record", bad, "--no-cases")
    assert zh.code == en.code == 3
    assert 'duplicate key "name" in ' in en.err and "the record is ambiguous" in en.err
    assert '中的键 "name" 重复：记录存在歧义' in zh.err and "ambiguous" not in zh.err


def test_a_missing_product_names_the_kind_as_a_word(cli: Any, home: Path) -> None:
    data = json.loads(PO_117.read_text("utf-8"))
    del data["product"]
    bad = home / "bad.json"
    bad.write_text(json.dumps(data), "utf-8")
    assert "product: 采购类记录必填" in cli("gate", "--record", bad, "--lang", "zh-CN").err
    assert "product: required for a record of kind purchase" in cli("gate", "--record", bad).err


@pytest.mark.parametrize(
    ("changes", "english", "chinese"),
    [
        ({"id": ""}, "must not be empty", "不得为空"),
        ({"surprise": 1}, "unknown field", "未知字段"),
        ({"operator": {"name": "A", "ciio": "maybe"}}, "is not a boolean", "不是布尔值"),
        ({"deployment": {"planned_date": "2021-13-01"}}, "is not a valid date", "不是有效日期"),
        ({"operator": {}}, "required field is missing", "缺少必填字段"),
    ],
)
def test_validation_frames_in_both_languages(
    changes: dict[str, Any], english: str, chinese: str
) -> None:
    data = json.loads(PO_117.read_text("utf-8"))
    data.update(changes)
    with pytest.raises(ValidationError) as caught:
        from_obj(data)
    assert english in str(problems(caught.value)[0])
    with use_lang("zh-CN"):
        found = problems(caught.value)[0]
    assert chinese in found.message
    assert found.field == str(problems(caught.value)[0].field)  # the path never changes


def test_a_config_error_in_chinese(cli: Any, home: Path) -> None:
    missing = home / "absent-config-file.yaml"  # (a short name may be a secret masked)
    zh = cli("gate", "--record", PO_117, "--config", missing, "--lang", "zh-CN")
    assert zh.code == 3
    assert zh.err == f"cyberreview：错误：{missing}: 配置文件不存在\n"
    en = cli("gate", "--record", PO_117, "--config", missing)
    assert en.err == f"cyberreview: error: {missing}: no such configuration file\n"


def test_the_config_file_lang_speaks_its_own_errors(cli: Any, home: Path) -> None:
    config = home / "cyberreview.yaml"
    config.write_text("lang: zh-CN\nsources:\n  erp: {type: nothing-registers-this}\n", "utf-8")
    result = cli("gate", "--source", "erp", "--id", "1", "--config", config)
    assert result.code == 3
    assert result.err.startswith(f"cyberreview：错误：{config}:3: sources.erp.type: 没有插件提供")


def test_a_pack_load_error_in_chinese(cli: Any, home: Path) -> None:
    empty = home / "packs"
    empty.mkdir()
    zh = cli("gate", "--record", PO_117, "--policy-dir", empty, "--lang", "zh-CN")
    assert zh.code == 3
    assert zh.err == f"cyberreview：错误：--policy-dir {empty}：该目录及其子目录中没有 pack.yaml\n"
    with use_lang("zh-CN"):
        error = PolicyError("the pack has no rule files", Location("p.yaml", 3), "rules", "r-1")
    assert str(error) == "p.yaml:3: rule r-1: rules: the pack has no rule files"
    with use_lang("zh-CN"):
        assert str(error) == "p.yaml:3: 规则 r-1：rules: the pack has no rule files"


def test_a_refused_transition_names_states_as_words_and_values(cli: Any, home: Path) -> None:
    assert cli("gate", "--record", PO_117, "--as-of", "2021-06-01").code == 2
    zh = cli("--lang", "zh-CN", "cases", "transition", "CR-000001", "passed", "--on", "2021-06-02")
    assert zh.code == 3
    assert zh.err == (
        "cyberreview：错误：案件 CR-000001（网络安全审查）当前为待申报（open）：只能转入"
        "已申报（确定是否审查）（declared）、撤回（withdrawn），不能转入审查通过（passed）\n"
    )
    en = cli("cases", "transition", "CR-000001", "passed", "--on", "2021-06-02")
    assert en.code == 3
    assert en.err == (
        "cyberreview: error: case CR-000001 (review) is open: it can go to declared, "
        "withdrawn, not passed\n"
    )
    unknown = cli("--lang", "zh-CN", "cases", "show", "CR-000077")
    assert unknown.code == 3
    assert "没有案件 'CR-000077'" in unknown.err


def test_gate_usage_errors_in_chinese(cli: Any, home: Path) -> None:
    result = cli("gate", "--source", "erp", "--lang", "zh-CN")
    assert result.code == 3
    assert result.err == "cyberreview：错误：--source 需要 --id：该记录在此数据源中的编号\n"


def test_sweep_skips_in_chinese_point_at_the_same_place(cli: Any, home: Path) -> None:
    bad = home / "bad.jsonl"
    bad.write_text('{"id": "a", "operator": {"name": "A"}}\nnot json\n', "utf-8")
    zh = cli("sweep", bad, "--no-cases", "--lang", "zh-CN", "--log-format", "json")
    en = cli("sweep", bad, "--no-cases", "--log-format", "json")
    assert zh.code == en.code
    assert f"跳过   {bad}:1:1: product: 采购类记录必填" in zh.out
    assert f"跳过   {bad}:2:2: JSON 无效：expected ident" in zh.out  # the column, as in English
    assert f"skip   {bad}:2:2: invalid JSON: expected ident" in en.out
    assert "  跳过      2 条记录：" in zh.out
    assert "skip " not in zh.out and "record(s)" not in zh.out


@pytest.mark.parametrize(
    ("rules", "english", "chinese"),
    [
        (
            rule_with(when="{field: operator.cio, is_true: true}"),
            "unknown field path 'operator.cio': 'operator' has no field 'cio' (did you mean",
            "未知的字段路径 'operator.cio'：'operator'没有字段 'cio'（是否应为",
        ),
        (
            rule_with(when="{check: vendor_blacklisted}"),
            "unknown check 'vendor_blacklisted'",
            "未知的检查 'vendor_blacklisted'",
        ),
        (
            rule_with(when="{field: operator.ciio, less_than: 3}"),
            "rules[0].when.less_than: unknown operator 'less_than' (did you mean 'lt'?)",
            "rules[0].when.less_than: 未知的运算符 'less_than'（是否应为 'lt'？）",
        ),
        (
            rule_with(when="{field: operator.ciio, lt: 3}"),
            "rules[0].when.lt: 'lt' compares numbers or dates; operator.ciio is a boolean",
            "rules[0].when.lt: 'lt' 比较数字或日期；operator.ciio 是布尔值",
        ),
    ],
)
def test_a_pack_compile_error_in_chinese_keeps_file_line_and_path(
    cli: Any, home: Path, rules: str, english: str, chinese: str
) -> None:
    pack = make_pack(home, rules)
    en = cli("gate", "--record", PO_117, "--pack", pack, "--as-of", "2021-06-01")
    zh = cli("gate", "--record", PO_117, "--pack", pack, "--as-of", "2021-06-01", "--lang", "zh-CN")
    assert en.code == zh.code == 3
    assert english in en.err, en.err
    assert chinese in zh.err, zh.err
    where = en.err.removeprefix("cyberreview: error: ").split(": ", 1)[0]
    assert zh.err.startswith(f"cyberreview：错误：{where}: ")  # file:line:col unchanged
