"""Change management on the local ServiceNow: the tables, the writes and the permissions
a change-management gate relies on, as ServiceNow documents them.

Installed on every :class:`fake_servicenow.FakeServiceNow` (``install``):

- tables ``task`` (``number``, ``state``, ``approval``, journal fields
  ``work_notes`` and ``comments``), ``change_request`` extending it,
  ``task_ci`` (a change's affected CIs: ``task`` -> the change, ``ci_item`` ->
  the CI), ``sysapproval_approver`` (``approver`` -> ``sys_user``, ``state``
  ``requested``/``approved``/``rejected``/..., ``sysapproval`` and
  ``document_id`` -> the change, ``source_table``, journal ``comments``) and
  ``sys_journal_field`` (``name`` the table, ``element`` ``work_notes`` or
  ``comments``, ``element_id`` the row, ``value``), readable through the Table API
  like every table;
- **journal fields are write-only through the Table API**: reading a row gives
  ``""`` for ``work_notes`` and ``comments``; writing one (``PATCH
  /api/now/table/change_request/{sys_id}`` with ``{"work_notes": "..."}``) adds a
  ``sys_journal_field`` entry, as ServiceNow does;
- ``PATCH /api/now/table/{table}/{sys_id}``: fields as given (unknown ones
  ignored, as ServiceNow ignores them); ACLs: only the approver may update an
  approval record, only a user with the ``itil`` role a task; anything else is
  **403 with ServiceNow's error body** ``{"error": {"message": "Operation
  Failed", "detail": "ACL Exception Update Failed due to security
  constraints"}, "status": "failure"}``;
- the Change Management API's ``PATCH /api/sn_chg_rest/change/{sys_id}/approvals``
  with ``{"state": "approved"|"rejected", "comments": "..."}``: acts on the
  **caller's own** requested approval of the change (comments required to
  reject); a caller with none, not an approver, gets the same 403 and nothing
  changes; the answer is the approval record, each field as
  ``{"display_value", "value"}``;
- what a decision does to the change, as the normal change model: an approval
  rejected sets the change's ``approval`` to ``rejected`` and sends it back to
  New (-5); all approvals approved set ``approved`` and move it on to Authorize
  (-3).  The change's owner asks again with :meth:`Changes.request_approval`
  (a new approval record; the old one stays as it was).

Faults for the exactly-once tests: :meth:`Changes.drop_after_write` serves the
next matching write, then closes the connection without an answer (the write
landed, the caller cannot know).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cyberreview_policy.testing.faults import Reply, Request

if TYPE_CHECKING:
    from fake_servicenow import FakeServiceNow, Row

CHANGE_STATES = {
    "-5": "New",
    "-4": "Assess",
    "-3": "Authorize",
    "-2": "Scheduled",
    "-1": "Implement",
    "0": "Review",
    "3": "Closed",
    "4": "Canceled",
}
TASK_APPROVAL = {
    "not requested": "Not Yet Requested",
    "requested": "Requested",
    "approved": "Approved",
    "rejected": "Rejected",
}
APPROVAL_STATES = {
    "not requested": "Not Yet Requested",
    "requested": "Requested",
    "approved": "Approved",
    "rejected": "Rejected",
    "cancelled": "Cancelled",
    "not_required": "No Longer Required",
}
JOURNAL = "journal_input"
ACL_FAILED = ("Operation Failed", "ACL Exception Update Failed due to security constraints")


def define_tables(sn: FakeServiceNow) -> None:
    from fake_servicenow import Column, choice, ref

    sn.define(
        "task",
        None,
        "number",
        number=Column(),
        short_description=Column(),
        state=choice(CHANGE_STATES),
        approval=choice(TASK_APPROVAL),
        active=Column("boolean"),
        opened_by=ref("sys_user"),
        assigned_to=ref("sys_user"),
        work_notes=Column(JOURNAL),
        comments=Column(JOURNAL),
    )
    sn.define(
        "change_request",
        "task",
        "number",
        type=choice({"normal": "Normal", "standard": "Standard", "emergency": "Emergency"}),
        requested_by=ref("sys_user"),
        cmdb_ci=ref("cmdb_ci"),
        start_date=Column("glide_date_time"),
        end_date=Column("glide_date_time"),
    )
    sn.define("task_ci", None, "ci_item", task=ref("task"), ci_item=ref("cmdb_ci"))
    sn.define(
        "sysapproval_approver",
        None,
        "sysapproval",
        approver=ref("sys_user"),
        state=choice(APPROVAL_STATES),
        sysapproval=ref("task"),
        document_id=Column("document_id"),
        source_table=Column(),
        comments=Column(JOURNAL),
    )
    sn.define(
        "sys_journal_field",
        None,
        "value",
        name=Column(),
        element=Column(),
        element_id=Column(),
        value=Column(),
    )


class Changes:
    """The change-management part of a fake instance (``sn.changes``)."""

    def __init__(self, sn: FakeServiceNow):
        self.sn = sn
        self.roles: dict[str, set[str]] = {}  # user name: roles
        self._drops: list[Callable[[Request], bool]] = []

    # -- data ---------------------------------------------------------------------

    def add_user(self, user_name: str, password: str, *roles: str, name: str = "") -> str:
        from eastgrid_cmdb import sys_id

        self.sn.users[user_name] = password
        self.roles[user_name] = set(roles)
        return self.sn.add(
            "sys_user", sys_id(f"user:{user_name}"), user_name=user_name, name=name or user_name
        )

    def user_id(self, user_name: str) -> str:
        found = self.sn.find("sys_user", f"user_name={user_name}")
        if not found:
            raise KeyError(f"no user {user_name}")
        return found[0]["sys_id"]

    def add_change(
        self,
        number: str,
        cis: list[str],
        approvers: list[str],
        *,
        short_description: str = "",
        state: str = "-4",
        sys_id: str | None = None,
    ) -> str:
        """A normal change in ``state`` with ``cis`` affected and an approval requested
        from each of ``approvers`` (user names) when in Assess."""
        change = self.sn.add(
            "change_request",
            sys_id,
            number=number,
            short_description=short_description,
            state=state,
            approval="requested" if state == "-4" and approvers else "not requested",
            active=True,
            type="normal",
        )
        for ci in cis:
            self.sn.add("task_ci", task=change, ci_item=ci)
        if state == "-4":
            for approver in approvers:
                self._approval(change, approver)
        return change

    def request_approval(self, change: str, approver: str) -> str:
        """The change's owner asks again (after a rejection): a new approval record."""
        self.sn.update(change, state="-4", approval="requested")
        return self._approval(change, approver)

    def _approval(self, change: str, approver: str) -> str:
        return self.sn.add(
            "sysapproval_approver",
            approver=self.user_id(approver),
            state="requested",
            sysapproval=change,
            document_id=change,
            source_table="change_request",
        )

    def approvals(self, change: str) -> list[Row]:
        return self.sn.find("sysapproval_approver", f"sysapproval={change}^ORDERBYsys_created_on")

    def journal(self, element_id: str, element: str | None = None) -> list[Row]:
        """Journal entries of a row, oldest first."""
        query = f"element_id={element_id}" + (f"^element={element}" if element else "")
        return self.sn.find("sys_journal_field", f"{query}^ORDERBYsys_created_on")

    def number(self, number: str) -> str:
        return self.sn.find("change_request", f"number={number}")[0]["sys_id"]

    # -- faults -------------------------------------------------------------------

    def drop_after_write(self, match: Callable[[Request], bool] | None = None) -> None:
        """Serve the next write (PATCH) ``match`` picks, then drop the connection."""
        self._drops.append(match or (lambda request: True))

    def dropped(self, request: Request, reply: Reply) -> Reply:
        if request.method != "PATCH" or reply.status >= 400:
            return reply
        for index, match in enumerate(self._drops):
            if match(request):
                del self._drops[index]
                return Reply(drop=True)
        return reply

    # -- the API ------------------------------------------------------------------

    def table_patch(self, request: Request, args: dict[str, str], user: str) -> Reply:
        from fake_servicenow import error

        sn, table, sys_id = self.sn, args["table"], args["sys_id"]
        if table not in sn.store.tables:
            return error(400, f"Invalid table {table}")
        body = _body(request)
        if body is None:
            return error(400, "Exception while reading request", "The payload is not valid JSON.")
        with sn.store.lock:
            row = sn.store.rows.get(sys_id)
            if row is None or row["sys_class_name"] not in sn.store.family(table):
                return error(
                    404,
                    "No Record found",
                    "Record doesn't exist or ACL restricts the record retrieval",
                )
            if not self._may_write(user, row):
                return error(403, *ACL_FAILED)
            self._apply(row, body, user)
            return sn.reply(sn.store.renderer(table, [], "false", True)(row))

    def change_approvals(self, request: Request, args: dict[str, str], user: str) -> Reply:
        from fake_servicenow import error

        sn = self.sn
        body = _body(request)
        if not isinstance(body, dict):
            return error(400, "Exception while reading request", "The payload is not valid JSON.")
        state, comments = body.get("state"), str(body.get("comments") or "")
        if state not in ("approved", "rejected"):
            return error(400, "Invalid state", "state must be approved or rejected")
        if state == "rejected" and not comments.strip():
            return error(400, "Comments are required", "Comments are required to reject")
        with sn.store.lock:
            change = sn.store.rows.get(args["sys_id"])
            if change is None or change["sys_class_name"] != "change_request":
                return error(
                    404,
                    "No Record found",
                    "Record doesn't exist or ACL restricts the record retrieval",
                )
            mine = [
                row
                for row in self.approvals(change["sys_id"])
                if row["state"] == "requested" and self._user_name(row["approver"]) == user
            ]
            if not mine:
                return error(403, *ACL_FAILED)
            approval = mine[-1]
            self._apply(approval, {"state": state, "comments": comments}, user)
            render = sn.store.renderer("sysapproval_approver", [], "all", False)
            return sn.reply(render(approval))

    # -- what a write does ----------------------------------------------------------

    def _may_write(self, user: str, row: Row) -> bool:
        if "admin" in self.roles.get(user, set()):
            return True
        if row["sys_class_name"] == "sysapproval_approver":
            return self._user_name(row["approver"]) == user
        if "task" in self.sn.store.lineage(row["sys_class_name"]):
            return "itil" in self.roles.get(user, set())
        return False

    def _user_name(self, user_id: str) -> str:
        return (self.sn.store.rows.get(user_id) or {}).get("user_name", "")

    def _apply(self, row: Row, body: dict[str, Any], user: str) -> None:
        sn = self.sn
        columns = sn.store.columns(row["sys_class_name"])
        values = {}
        for name, value in body.items():
            column = columns.get(name)
            if column is None or name.startswith("sys_"):
                continue  # ServiceNow ignores fields it does not know
            if column.type == JOURNAL:
                if str(value).strip():
                    entry = sn.add(
                        "sys_journal_field",
                        name=row["sys_class_name"],
                        element=name,
                        element_id=row["sys_id"],
                        value=str(value),
                    )
                    sn.row(entry)["sys_created_by"] = user
                continue
            values[name] = value
        sn.update(row["sys_id"], **values)  # a journal entry updates the row too
        row["sys_updated_by"] = user
        if row["sys_class_name"] == "sysapproval_approver" and "state" in values:
            self._decided(row["sysapproval"])

    def _decided(self, change_id: str) -> None:
        """The normal change model: a rejection sends the change back to New; all
        approvals approved move it on to Authorize."""
        latest = {row["approver"]: row["state"] for row in self.approvals(change_id)}
        if "rejected" in latest.values():
            self.sn.update(change_id, approval="rejected", state="-5")
        elif latest and all(state == "approved" for state in latest.values()):
            self.sn.update(change_id, approval="approved", state="-3")


def _body(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


def install(sn: FakeServiceNow) -> Changes:
    """Tables and routes of change management on ``sn``."""
    define_tables(sn)
    changes = Changes(sn)
    sn.route("PATCH", "/api/now/table/{table}/{sys_id}", changes.table_patch)
    sn.route("PATCH", "/api/sn_chg_rest/change/{sys_id}/approvals", changes.change_approvals)
    return changes
