"""``policy list`` and ``policy explain`` in Chinese: labels, dates and the rule's title;
ids, versions, paths and the conditions as written stay as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PO_117 = ROOT / "examples" / "po-117.json"


def test_policy_list_in_chinese(cli: Any) -> None:
    zh = cli("policy", "list", "--lang", "zh-CN")
    en = cli("policy", "list")
    assert zh.code == en.code == 0
    assert "cn-csr-2020      2.0.0    2020年6月1日至2022年2月14日" in zh.out
    assert "2023年7月3日起施行" in zh.out
    assert "来源 cyberreview_policy.builtin.packs：" in zh.out
    assert " to " not in zh.out and "from " not in zh.out
    assert "cn-csr-2020      2.0.0    2020-06-01 to 2022-02-14" in en.out
    assert "2023-07-03 to open end" in en.out


def test_policy_explain_in_chinese(cli: Any) -> None:
    args = ("policy", "explain", "--record", PO_117, "--as-of", "2021-06-01")
    zh = cli(*args, "--rule", "review-required", "--lang", "zh-CN")
    assert zh.code == 0
    lines = zh.out.splitlines()
    assert lines[0] == "cn-csr-2020 review-required: 触发（阻止） -- 须申报网络安全审查且尚未通过"
    assert lines[1] == "  [是] 同时满足："
    assert "[是] operator.ciio is_true  （取值：是）" in zh.out  # the condition as written
    assert "review.status eq failed  （取值：none）" in zh.out  # a value as the operand is
    en = cli(*args, "--rule", "review-required")
    assert en.out.splitlines()[0].startswith("cn-csr-2020 review-required: FIRES (block) -- ")
    assert "  [yes] all of:" in en.out
    both = cli(*args, "--rule", "review-required", "--lang", "zh-CN+en")
    english_title = en.out.splitlines()[0].split(" -- ", 1)[1]
    assert both.out.splitlines()[0] == (
        f"cn-csr-2020 review-required: 触发（阻止（block）） -- 须申报网络安全审查且尚未通过"
        f"（{english_title}）"
    )
    data = json.loads(cli(*args, "--format", "json", "--lang", "zh-CN").out)
    item = next(i for i in data if i["rule"] == "review-required")
    assert item["title_localized"] == "须申报网络安全审查且尚未通过"
    assert "title_localized" not in json.loads(cli(*args, "--format", "json").out)[0]
