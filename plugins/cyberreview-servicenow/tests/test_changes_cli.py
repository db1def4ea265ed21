"""``cyberreview changes`` end to end: the installed command against the local ServiceNow's
change management (``testing/fake_changes.py``), as a change manager and a reviewer
would run it.

The "done when" of the change gate: a change with two affected CIs, one covered and
never reviewed, is rejected with the reason and the citation; once the review case
has passed (driven through ``cyberreview cases transition`` as a reviewer would), the
change is checked again and approved; each answer is posted once, also when the
write's answer is lost and the call retried.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eastgrid_changes import (
    CAB_MANAGER,
    DONE_CHANGE,
    ENGINEER,
    OFFICE,
    OFFICE_CHANGE,
    OTHER_CHANGE,
    RTU,
    RTU_CHANGE,
)
from fake_servicenow import FakeServiceNow
from test_cli import Operator

from conftest import MAPPINGS
from cyberreview_policy.testing import Request
from cyberreview_policy.testing.cli import CLI, Run

AS_OF = ("--as-of", "2026-11-29")


class ChangeManager(Operator):
    """An operator whose configuration also names the instance as a change system."""

    def __init__(self, home: Path, sn: FakeServiceNow, **change: Any):
        self.change = change
        super().__init__(home, sn)

    def configure(self, sn: FakeServiceNow, mappings: Any = MAPPINGS, **settings: Any) -> None:
        credentials = {
            "instance": sn.url,
            "username": sn.username,
            "password": {"env": "SERVICENOW_PASSWORD"},
            "max_attempts": 2,
        }
        change = {"type": "servicenow", "source": "servicenow", **self.change}
        own = {"password": {"env": "SERVICENOW_CHANGE_PASSWORD"}}
        change["settings"] = {**credentials, **own, **change.get("settings", {})}
        self.env.setdefault("SERVICENOW_CHANGE_PASSWORD", sn.password)
        self.write(
            sources={
                "servicenow": {"type": "servicenow", "settings": credentials, "mappings": mappings}
            },
            changes={"servicenow": change},
        )

    def check(self, change: str, *args: str) -> Run:
        return self("changes", "check", change, *(args or AS_OF))


def approval_writes(sn: FakeServiceNow) -> list[Request]:
    return [r for r in sn.requests if r.method == "PATCH" and r.path.endswith("/approvals")]


def ours(sn: FakeServiceNow, change: str) -> dict[str, Any]:
    """The approval asked of the tool's user on ``change`` (the latest), and its comments."""
    mine = [
        row
        for row in sn.changes.approvals(change)
        if row["approver"] == sn.changes.user_id(sn.username)
    ]
    latest = mine[-1]
    comments = [entry["value"] for entry in sn.changes.journal(latest["sys_id"], "comments")]
    return {"state": latest["state"], "comments": comments, "count": len(mine)}


@pytest.fixture
def manager(own_sn: FakeServiceNow, tmp_path: Path) -> ChangeManager:
    return ChangeManager(tmp_path, own_sn)


def test_rejected_with_reasons_then_approved_once_the_review_passed(
    manager: ChangeManager, own_sn: FakeServiceNow
) -> None:
    rejected = manager.check("CHG0030001")
    assert rejected.code == 2, rejected.err
    assert rejected.out.startswith("CHG0030001 rejected (posted by run ")
    assert (
        f"block  EG-SUB-35-RTU-01 ({RTU})  review-required, in-use-without-review" in rejected.out
    )
    assert f"allow  Office automation ({OFFICE})" in rejected.out
    approval = ours(own_sn, RTU_CHANGE)
    assert approval["state"] == "rejected"
    [comment] = approval["comments"]
    assert comment.startswith(
        "cyberreview: CHG0030001 rejected: 2 affected CIs decided, 1 may not go into use:\n"
        f"- EG-SUB-35-RTU-01 ({RTU}):\n"
        "  review-required: Cybersecurity review required and not cleared "
        "(Measures 2021 Art. 2; Measures 2021 Art. 5; CSL Art. 37; CII Regulations Art. 19); "
        "case CR-000001\n"
        "  in-use-without-review: In use without a passed cybersecurity review "
        "(Measures 2021 Art. 20; CSL Art. 67; CII Regulations Art. 19); case CR-000002\n"
    )
    run_id = comment.rsplit(" run ", 1)[1].rstrip("]")
    assert run_id in rejected.out  # the run is named in what it wrote
    assert "Office automation" not in comment  # only what blocks, and why
    change = own_sn.row(RTU_CHANGE)
    assert (change["approval"], change["state"]) == ("rejected", "-5")  # back to New

    again = manager.check("CHG0030001")  # a retry, or a second look: nothing new to say
    assert again.code == 2
    assert f"(posted already by run {run_id}, nothing posted; ref " in again.out
    assert len(ours(own_sn, RTU_CHANGE)["comments"]) == 1
    assert len(approval_writes(own_sn)) == 1

    # the reviewer takes the review case through the procedure of the Measures
    for state, on in (("declared", "2026-11-30"), ("under_review", "2026-12-01")):
        moved = manager("cases", "transition", "CR-000001", state, "--on", on)
        assert moved.code == 0, moved.err
    # (a step is dated when it happened, never after today)
    passed = manager("cases", "transition", "CR-000001", "passed", "--on", "2026-12-02")
    assert passed.out.startswith("CR-000001 is passed from 2026-12-02")
    later = ("--as-of", "2026-12-09")

    # the approval asked of us was answered: nothing can be posted until the owner asks again
    closed = manager.check("CHG0030001", *later)
    assert closed.code == 3
    assert (
        "CHG0030001: cannot report: the approval asked of cyberreview is rejected already, "
        "and no new one is requested; nothing posted"
    ) in closed.err
    own_sn.changes.request_approval(RTU_CHANGE, own_sn.username)

    # the approval lands, but its answer is lost: the retry reads back and posts nothing more
    own_sn.changes.drop_after_write(lambda r: r.path.endswith("/approvals"))
    approved = manager.check("CHG0030001", *later)
    assert approved.code == 0, approved.err
    assert approved.out.startswith("CHG0030001 approved (posted by run ")
    assert f"warn   EG-SUB-35-RTU-01 ({RTU})  commitments" in approved.out
    approval = ours(own_sn, RTU_CHANGE)
    assert approval["count"] == 2 and approval["state"] == "approved"
    [comment] = approval["comments"]
    assert comment.startswith("cyberreview: CHG0030001 approved: 2 affected CIs decided, none ")
    assert len(approval_writes(own_sn)) == 2  # one rejection, one approval: nothing twice

    assert manager.check("CHG0030001", *later).code == 0
    assert len(ours(own_sn, RTU_CHANGE)["comments"]) == 1
    assert len(approval_writes(own_sn)) == 2


def test_a_rejection_whose_answer_is_lost_is_posted_once(
    manager: ChangeManager, own_sn: FakeServiceNow
) -> None:
    own_sn.changes.drop_after_write()
    rejected = manager.check("CHG0030001", "--format", "json")
    assert rejected.code == 2, rejected.err
    answer = json.loads(rejected.out)
    assert (answer["approve"], answer["posted"]) == (False, True)
    assert len(approval_writes(own_sn)) == 1
    assert ours(own_sn, RTU_CHANGE)["comments"][0].endswith(
        f"[cyberreview ref {answer['key']} run {answer['run_id']}]"
    )


def test_a_caller_who_is_not_an_approver_posts_nothing(
    own_sn: FakeServiceNow, tmp_path: Path
) -> None:
    engineer = ChangeManager(
        tmp_path, own_sn, approver="cyberreview", settings={"username": ENGINEER[0]}
    )
    engineer.env["SERVICENOW_CHANGE_PASSWORD"] = ENGINEER[1]  # may read changes, not approve
    refused = engineer.check("CHG0030001")
    assert refused.code == 3
    assert refused.out == ""
    assert refused.err.startswith("cyberreview: error: change system servicenow: CHG0030001: ")
    assert "HTTP 403" in refused.err and "ACL Exception Update Failed" in refused.err
    assert refused.err.rstrip().endswith("nothing posted")
    assert ENGINEER[1] not in refused.err
    assert ours(own_sn, RTU_CHANGE) == {"state": "requested", "comments": [], "count": 1}
    assert own_sn.changes.journal(RTU_CHANGE) == []
    assert len(approval_writes(own_sn)) == 1  # the one refused

    # unless told otherwise, the tool approves as the user it logs in as
    manager = ChangeManager(tmp_path, own_sn, settings={"username": CAB_MANAGER[0]})
    manager.env["SERVICENOW_CHANGE_PASSWORD"] = CAB_MANAGER[1]
    not_asked = manager.check("CHG0030002")
    assert not_asked.code == 3
    assert (
        "CHG0030002: cab.manager is not an approver of this change (no approval was requested "
        "from them); nothing posted"
    ) in not_asked.err
    assert len(approval_writes(own_sn)) == 1


def test_a_ci_that_cannot_be_fetched_rejects_the_change(
    manager: ChangeManager, own_sn: FakeServiceNow
) -> None:
    own_sn.hide(RTU)  # an ACL the CMDB reader falls foul of
    failed = manager.check("CHG0030001")
    assert failed.code == 3
    assert failed.out.startswith("CHG0030001 rejected (posted by run ")
    [comment] = ours(own_sn, RTU_CHANGE)["comments"]
    assert (
        f"- EG-SUB-35-RTU-01 ({RTU}): could not be decided: source servicenow: no record '{RTU}'"
    ) in comment
    assert ours(own_sn, RTU_CHANGE)["state"] == "rejected"


def test_watch_once_handles_the_pending_changes_once(
    manager: ChangeManager, own_sn: FakeServiceNow, tmp_path: Path
) -> None:
    first = manager("changes", "watch", "--once", *AS_OF)
    assert first.code == 2, first.err  # the worst of what it handled
    handled = [line.split(" (")[0] for line in first.out.splitlines() if line.startswith("CHG")]
    assert handled == ["CHG0030001 rejected", "CHG0030002 approved"]
    assert own_sn.row(DONE_CHANGE)["approval"] == "approved"  # untouched
    assert own_sn.changes.approvals(OTHER_CHANGE)[0]["state"] == "requested"  # not ours
    assert all(
        r.path.split("/")[-2] in (RTU_CHANGE, OFFICE_CHANGE) for r in approval_writes(own_sn)
    )
    checkpoint = json.loads((tmp_path / "changes" / "servicenow.json").read_text("utf-8"))
    assert sorted(checkpoint["handled"]) == sorted([RTU_CHANGE, OFFICE_CHANGE])

    second = manager("changes", "watch", "--once", *AS_OF)
    assert second.code == 0, second.err
    assert second.out == ""
    assert len(approval_writes(own_sn)) == 2


def test_work_notes_are_posted_once_per_decision(own_sn: FakeServiceNow, tmp_path: Path) -> None:
    noter = ChangeManager(tmp_path, own_sn, mode="work_note")
    own_sn.changes.drop_after_write()
    blocked = noter.check("CHG0030001")
    assert blocked.code == 2, blocked.err
    assert blocked.out.startswith("CHG0030001 blocked (posted by run ")
    [note] = [e["value"] for e in own_sn.changes.journal(RTU_CHANGE, "work_notes")]
    assert note.startswith("cyberreview: CHG0030001 blocked: may not go into use: 2 affected CIs")
    assert ours(own_sn, RTU_CHANGE)["state"] == "requested"  # no approval given in this mode

    assert noter.check("CHG0030001").code == 2
    assert len(own_sn.changes.journal(RTU_CHANGE, "work_notes")) == 1

    watched = noter("changes", "watch", "--once", *AS_OF)  # the changes in Assess
    assert watched.code == 2, watched.err
    lines = [line.split(" (")[0] for line in watched.out.splitlines() if line.startswith("CHG")]
    assert lines == ["CHG0030001 blocked", "CHG0030002 no objection", "CHG0030004 no objection"]
    assert "posted already by run" in watched.out.splitlines()[0]
    assert len(own_sn.changes.journal(RTU_CHANGE, "work_notes")) == 1
    assert noter("changes", "watch", "--once", *AS_OF).out == ""


def test_watch_handles_what_comes_and_stops_cleanly(
    manager: ChangeManager, own_sn: FakeServiceNow, tmp_path: Path
) -> None:
    import signal
    import subprocess

    args = [CLI, "changes", "watch", "--interval", "0.2", "--format", "json", *AS_OF]
    with subprocess.Popen(
        args, env=manager.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as watching:
        assert watching.stdout is not None and watching.stderr is not None
        first = [json.loads(watching.stdout.readline()) for _ in range(2)]
        assert [(a["change"], a["approve"]) for a in first] == [
            ("CHG0030001", False),
            ("CHG0030002", True),
        ]
        own_sn.changes.request_approval(OTHER_CHANGE, own_sn.username)  # asked of us now
        later = json.loads(watching.stdout.readline())
        assert (later["change"], later["approve"], later["posted"]) == ("CHG0030004", True, True)
        watching.send_signal(signal.SIGINT)
        code = watching.wait(timeout=120)
        rest, err = watching.stdout.read(), watching.stderr.read()
    assert code == 0, err
    assert rest == "" and err == "cyberreview: watch stopped\n"
    assert len(approval_writes(own_sn)) == 3
    handled = json.loads((tmp_path / "changes" / "servicenow.json").read_text("utf-8"))
    assert len(handled["handled"]) == 3


def test_watch_says_when_the_instance_fails_and_posts_nothing(
    manager: ChangeManager, own_sn: FakeServiceNow
) -> None:
    from cyberreview_policy.testing import Fault

    own_sn.fail_next(
        Fault.status(500),
        Fault.status(500),  # max_attempts: 2
        match=lambda r: r.path == "/api/now/table/sysapproval_approver",
    )
    failed = manager("changes", "watch", "--once", *AS_OF)
    assert failed.code == 3
    assert failed.out == ""
    assert failed.err.startswith(
        "cyberreview: error: change system servicenow: cannot list pending changes: GET "
    )
    assert "HTTP 500" in failed.err and own_sn.password not in failed.err
    assert approval_writes(own_sn) == []
    assert manager("changes", "watch", "--once", *AS_OF).code == 2  # the next round goes on


def test_a_review_under_way_is_named_with_its_deadline(
    manager: ChangeManager, own_sn: FakeServiceNow
) -> None:
    from eastgrid_cmdb import sys_id

    router = sys_id("EG-SH-CORE-RTR-02")  # "16 Tbps" in a numeric field
    change = own_sn.changes.add_change("CHG0030009", [router], ["cyberreview"])
    assert manager.check("CHG0030009").code == 2
    declared = manager("cases", "transition", "CR-000001", "declared", "--on", "2026-11-30")
    assert declared.code == 0, declared.err
    own_sn.changes.request_approval(change, own_sn.username)
    again = manager.check("CHG0030009", "--as-of", "2026-12-01")
    assert again.code == 2
    assert (
        f"warning: {router}: decided with this value left unknown: "
        "product.specs.throughput_tbps: '16 Tbps' is not a number"
    ) in again.err
    [comment] = ours(own_sn, change)["comments"]
    assert comment.splitlines()[2:5] == [
        "  review-required: Cybersecurity review required and not cleared "
        "(Measures 2021 Art. 2; Measures 2021 Art. 5; CSL Art. 37; CII Regulations Art. 19)",
        "  in-use-without-review: In use without a passed cybersecurity review "
        "(Measures 2021 Art. 20; CSL Art. 67; CII Regulations Art. 19); case CR-000002",
        "  review case CR-000001: declared, due 2026-12-14",  # determination: 10 working days
    ]
