"""Waivers: what they set aside, when they stop, and what can never be waived."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.engine.core import Engine
from cyberreview_policy.errors import WaiverError
from cyberreview_policy.models.record import Record
from cyberreview_policy.policy.pack import Pack
from cyberreview_policy.waivers import Scope, Waiver, WaiverSet, check_rules, load_all
from tests.conftest import COVERED, with_changes

D = dt.date
AS_OF = D(2021, 6, 1)
GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)


def waiver(rule: str = "commitments", **scope: str) -> Waiver:
    return Waiver(
        id="W-0001",
        rule=rule,
        scope=Scope(**scope) if scope else Scope(record="PO-2021-0117/1"),
        reason="amendment signed",
        approver="Li Wei",
        created=D(2021, 1, 1),
        expires=D(2021, 12, 31),
        ticket="CHG-1",
    )


def decide(pack: Pack, data: dict[str, Any], waivers: list[Waiver], on: dt.date = AS_OF) -> Any:
    return Engine([pack], WaiverSet(waivers)).decide(Record.from_obj(data), on)


def test_an_active_waiver_sets_the_finding_aside(pack: Pack) -> None:
    decision = decide(pack, GAP, [waiver()])
    assert decision["decision"] == "allow"
    waived = next(f for f in decision["findings"] if f["rule"] == "commitments")
    assert waived["waiver"] == {
        "id": "W-0001",
        "rule": "commitments",
        "reason": "amendment signed",
        "approver": "Li Wei",
        "expires": D(2021, 12, 31),
        "ticket": "CHG-1",
    }
    assert decision["findings"][-1] is waived  # listed after the findings that count


@pytest.mark.parametrize(
    ("scope", "applies"),
    [
        ({"record": "PO-2021-0117/1"}, True),
        ({"record": "PO-other"}, False),
        ({"vendor": "Example Networks"}, True),
        ({"operator": "East Grid Power", "vendor": "Other Vendor"}, False),
        ({"product_model": "BR-9"}, True),
    ],
)
def test_scope(pack: Pack, scope: dict[str, str], applies: bool) -> None:
    data = with_changes(GAP, product__model="BR-9")
    assert (decide(pack, data, [waiver(**scope)])["decision"] == "allow") is applies


def test_an_expired_waiver_no_longer_applies_and_says_so(pack: Pack) -> None:
    decision = decide(pack, GAP, [waiver()], on=D(2022, 1, 3))
    assert decision["decision"] == "warn"
    assert [f["rule"] for f in decision["findings"]] == ["waiver-expired", "commitments", "scope"]
    expired = decision["findings"][0]
    assert expired["outcome"] == "warn"
    assert expired["message"] == (
        "waiver W-0001 for rule commitments (record PO-2021-0117/1) expired on 2021-12-31: "
        "the finding applies again"
    )


def test_a_revoked_waiver_does_not_apply(pack: Pack) -> None:
    from dataclasses import replace

    revoked = replace(waiver(), revoked_on=D(2021, 5, 1), revoked_by="ana", revoked_reason="x")
    assert decide(pack, GAP, [revoked])["decision"] == "warn"
    assert decide(pack, GAP, [revoked], on=D(2021, 4, 1))["decision"] == "allow"


def test_a_waived_finding_opens_no_case(pack: Pack) -> None:
    unassessed = with_changes(COVERED, risk__may_affect_national_security=None)
    decision = decide(pack, unassessed, [waiver("risk-anticipation")])
    assert decision["decision"] == "allow"
    assert decision["actions"] == []


def test_a_waiver_of_a_rule_that_is_not_overridable_is_an_error(pack: Pack) -> None:
    with pytest.raises(
        WaiverError,
        match="names rule review-required of pack cn-csr-2020, which is not overridable",
    ):
        check_rules([waiver("review-required")], [pack])


def write(home: Path, text: str, name: str = "waivers.yaml") -> Path:
    path = home / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


GOOD = """\
waivers:
  - id: W-0001
    rule: commitments
    scope: {record: PO-2021-0117/1}
    reason: amendment signed
    approver: Li Wei
    ticket: CHG-1
    created: 2021-01-01
    expires: 2021-12-31
"""


def test_load_a_waiver_file(tmp_path: Path) -> None:
    [loaded] = load_all([write(tmp_path, GOOD)])
    assert loaded == waiver().__class__(**{**vars(waiver()), "location": loaded.location})
    assert str(loaded.location) == f"{tmp_path}/waivers.yaml:2"


@pytest.mark.parametrize(
    ("change", "line", "field", "message"),
    [
        (
            ("expires: 2021-12-31", "expires: 2022-06-30"),
            9,
            "waivers[0].expires",
            "2022-06-30 is more than 365 days after created (2021-01-01)",
        ),
        (
            ("    approver: Li Wei\n", ""),
            2,
            "waivers[0].approver",
            "an approved waiver names its approver",
        ),
        (("approver: Li Wei", "approver: ''"), 6, "waivers[0].approver", "must not be empty"),
        (
            (
                "approver: Li Wei",
                "approver: Li Wei\n    requested_by: Li Wei\n    decided_by: Li Wei",
            ),
            8,
            "waivers[0].decided_by",
            "Li Wei requested this waiver and cannot also decide on it",
        ),
        (
            ("expires: 2021-12-31", "expires: 2021-12-31\n    status: requested"),
            6,
            "waivers[0].approver",
            "only an approved waiver has an approver (this one is requested)",
        ),
        (
            ("scope: {record: PO-2021-0117/1}", "scope: {}"),
            4,
            "waivers[0].scope",
            "a scope names a record",
        ),
        (
            ("scope: {record: PO-2021-0117/1}", "scope: {po: PO-1}"),
            4,
            "waivers[0].scope.po",
            "unknown field",
        ),
        (
            ("expires: 2021-12-31", "expires: soon"),
            9,
            "waivers[0].expires",
            "'soon' is not a valid date",
        ),
    ],
)
def test_bad_waivers_name_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], line: int, field: str, message: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(WaiverError) as info:
        load_all([path])
    error = info.value
    assert error.location is not None
    assert (error.location.file, error.location.line, error.field) == (str(path), line, field)
    assert message in error.message


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "waivers.d").mkdir()
    first = write(tmp_path, GOOD)
    second = write(tmp_path, GOOD, "waivers.d/team.yaml")
    with pytest.raises(
        WaiverError, match=f"waiver id 'W-0001' is used twice \\(first at {first}:2\\)"
    ):
        load_all([first, second])


def test_an_expired_waiver_says_so_in_chinese_too(pack: Pack) -> None:
    engine = Engine([pack], WaiverSet([waiver()]), lang="zh-CN")
    decision = engine.decide(Record.from_obj(GAP), D(2022, 1, 3))
    expired = decision["findings"][0]
    assert expired["rule"] == "waiver-expired"  # ids never change with the language
    assert expired["title_localized"] == "豁免已过期"
    message = expired["message_localized"]
    assert message == "豁免 W-0001 已于 2021年12月31日 到期：该问题重新适用"
    assert expired["remediation_localized"] == "重新审批后续期豁免，或者解决该问题。"
