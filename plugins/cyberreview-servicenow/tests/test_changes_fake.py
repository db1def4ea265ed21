"""The local ServiceNow's change management against what ServiceNow documents
(``testing/fake_changes.py``): the tables a change gate reads, journal fields, the
writes, and who may make them."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from eastgrid_changes import CAB_MANAGER, ENGINEER, OFFICE, OFFICE_CHANGE, RTU, RTU_CHANGE
from fake_servicenow import FakeServiceNow

ACL = {
    "error": {
        "message": "Operation Failed",
        "detail": "ACL Exception Update Failed due to security constraints",
    },
    "status": "failure",
}


def call(
    sn: FakeServiceNow, method: str, path: str, user: tuple[str, str] | None = None, **kw: Any
) -> requests.Response:
    auth = user or (sn.username, sn.password)
    return requests.request(method, sn.url + path, auth=auth, timeout=10, **kw)


def table(sn: FakeServiceNow, name: str, query: str, **params: Any) -> list[dict[str, Any]]:
    params = {"sysparm_query": query, "sysparm_exclude_reference_link": "true", **params}
    answer = call(sn, "GET", f"/api/now/table/{name}", params=params)
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["result"]
    return rows


def test_a_change_its_cis_and_the_approvals_asked(sn: FakeServiceNow) -> None:
    [change] = table(sn, "change_request", "number=CHG0030001", sysparm_display_value="all")
    assert change["state"] == {"display_value": "Assess", "value": "-4"}
    assert change["approval"]["value"] == "requested"
    assert change["work_notes"] == {"display_value": "", "value": ""}  # journals: write-only
    links = table(
        sn, "task_ci", f"task={RTU_CHANGE}^ORDERBYsys_created_on", sysparm_fields="ci_item"
    )
    assert [link["ci_item"] for link in links] == [RTU, OFFICE]
    asked = table(
        sn, "sysapproval_approver", f"sysapproval={RTU_CHANGE}", sysparm_display_value="true"
    )
    assert sorted((a["approver"], a["state"]) for a in asked) == [
        ("Change manager", "Requested"),
        ("Cybersecurity review (service)", "Requested"),
    ]
    mine = table(sn, "sysapproval_approver", "approver.user_name=cyberreview^state=requested")
    assert sorted(a["sysapproval"] for a in mine) == sorted([RTU_CHANGE, OFFICE_CHANGE])


def test_only_the_approver_answers_an_approval(own_sn: FakeServiceNow) -> None:
    path = f"/api/sn_chg_rest/change/{RTU_CHANGE}/approvals"
    refused = call(own_sn, "PATCH", path, ENGINEER, json={"state": "approved"})
    assert (refused.status_code, refused.json()) == (403, ACL)
    no_reason = call(own_sn, "PATCH", path, json={"state": "rejected"})
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["message"] == "Comments are required"
    odd = call(own_sn, "PATCH", path, json={"state": "maybe", "comments": "x"})
    assert odd.status_code == 400
    assert [a["state"] for a in own_sn.changes.approvals(RTU_CHANGE)] == ["requested"] * 2

    done = call(own_sn, "PATCH", path, json={"state": "approved", "comments": "ok"})
    assert done.status_code == 200, done.text
    result = done.json()["result"]
    assert result["state"] == {"display_value": "Approved", "value": "approved"}
    again = call(own_sn, "PATCH", path, json={"state": "approved", "comments": "ok"})
    assert (again.status_code, again.json()) == (403, ACL)  # nothing asked of us any more
    [comment] = own_sn.changes.journal(result["sys_id"]["value"], "comments")
    assert (comment["value"], comment["sys_created_by"], comment["name"]) == (
        "ok",
        "cyberreview",
        "sysapproval_approver",
    )
    assert own_sn.row(RTU_CHANGE)["state"] == "-4"  # the change manager has not answered yet
    manager = call(own_sn, "PATCH", path, CAB_MANAGER, json={"state": "approved"})
    assert manager.status_code == 200
    assert (own_sn.row(RTU_CHANGE)["approval"], own_sn.row(RTU_CHANGE)["state"]) == (
        "approved",
        "-3",
    )


def test_a_rejection_sends_the_change_back_until_asked_again(own_sn: FakeServiceNow) -> None:
    path = f"/api/sn_chg_rest/change/{OFFICE_CHANGE}/approvals"
    assert call(own_sn, "PATCH", path, json={"state": "rejected", "comments": "no"}).ok
    assert (own_sn.row(OFFICE_CHANGE)["approval"], own_sn.row(OFFICE_CHANGE)["state"]) == (
        "rejected",
        "-5",
    )
    own_sn.changes.request_approval(OFFICE_CHANGE, "cyberreview")
    assert [a["state"] for a in own_sn.changes.approvals(OFFICE_CHANGE)] == [
        "rejected",
        "requested",
    ]
    assert call(own_sn, "PATCH", path, json={"state": "approved", "comments": "yes"}).ok


def test_work_notes_and_table_acls(own_sn: FakeServiceNow) -> None:
    path = f"/api/now/table/change_request/{RTU_CHANGE}"
    noted = call(own_sn, "PATCH", path, json={"work_notes": "checked", "u_nope": 1})
    assert noted.status_code == 200, noted.text
    assert noted.json()["result"]["work_notes"] == ""
    [note] = own_sn.changes.journal(RTU_CHANGE, "work_notes")
    assert (note["value"], note["name"], note["element"]) == (
        "checked",
        "change_request",
        "work_notes",
    )
    journal = table(
        own_sn,
        "sys_journal_field",
        f"element_id={RTU_CHANGE}^element=work_notes^ORDERBYDESCsys_created_on",
        sysparm_fields="value",
    )
    assert journal == [{"value": "checked"}]
    for user, target in ((ENGINEER, path), (CAB_MANAGER, f"/api/now/table/cmdb_ci/{RTU}")):
        refused = call(own_sn, "PATCH", target, user, json={"work_notes": "x", "name": "x"})
        assert (refused.status_code, refused.json()) == (403, ACL)
    approval = own_sn.changes.approvals(RTU_CHANGE)[0]["sys_id"]
    by_table = call(
        own_sn,
        "PATCH",
        f"/api/now/table/sysapproval_approver/{approval}",
        CAB_MANAGER,
        json={"state": "approved"},
    )
    assert (by_table.status_code, by_table.json()) == (403, ACL)  # not the approver
    assert own_sn.changes.journal(RTU_CHANGE, "work_notes")[-1]["value"] == "checked"


def test_a_write_can_land_and_lose_its_answer(own_sn: FakeServiceNow) -> None:
    own_sn.changes.drop_after_write()
    with pytest.raises(requests.ConnectionError):
        call(own_sn, "PATCH", f"/api/now/table/change_request/{RTU_CHANGE}", json={
            "work_notes": "landed"})  # fmt: skip
    assert [n["value"] for n in own_sn.changes.journal(RTU_CHANGE, "work_notes")] == ["landed"]
