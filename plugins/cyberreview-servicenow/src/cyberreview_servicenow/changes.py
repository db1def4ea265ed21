"""ServiceNow as a change system: a change request's affected CIs, the approval asked
of us, and the answer posted back.

Reads over the Table API: ``change_request`` (by number or sys_id),
``task_ci`` (its affected CIs, whose ``ci_item`` is the CI's sys_id: the CMDB
source's record id), ``sysapproval_approver`` (the approvals asked of the
approver) and ``sys_journal_field`` (approval comments and work notes: journal
fields read back as empty through the Table API).

Writes, never retried by the client (the host reads back before it writes
again): in mode ``approval``, ``PATCH /api/sn_chg_rest/change/{sys_id}/approvals``
with ``{"state": "approved"|"rejected", "comments": ...}``, which acts on the
caller's own requested approval (ServiceNow answers 403 to anyone else); in
mode ``work_note``, ``PATCH /api/now/table/change_request/{sys_id}`` with
``{"work_notes": ...}``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from cyberreview_policy.changes import AffectedCI, Change, ChangeContext
from cyberreview_policy.connectors import RetryPolicy, paging
from cyberreview_policy.errors import ChangeSystemError

from . import wire
from .settings import InstanceSettings

SYS_ID = re.compile(r"[0-9a-f]{32}")
CLOSED_STATES = ("3", "4")  # Closed, Canceled
JOURNAL_ENTRIES = 50  # newest journal entries of ours read back (the newest decides)


class ServiceNowChangeSettings(InstanceSettings):
    watch_states: list[str] = Field(
        default_factory=lambda: ["-4"],
        description="Work-note mode: the change states watch polls (values: -5 New, "
        "-4 Assess, -3 Authorize, -2 Scheduled, ...).",
    )
    page_size: int = Field(1000, ge=1, le=10000, description="Rows asked for per page.")


class ServiceNowChanges:
    def __init__(self, ctx: ChangeContext):
        settings = ctx.settings
        assert isinstance(settings, ServiceNowChangeSettings)
        self.name = ctx.name
        self.settings = settings
        self.mode = ctx.mode
        headers, _ = wire.credentials(ctx, settings)
        headers = {**headers, "Accept": "application/json"}
        approver = ctx.approver or settings.username
        if not approver:
            raise ChangeSystemError(
                ctx.name, "with an OAuth token, name the approver (changes.NAME.approver)"
            )
        self.approver = approver
        inspector = wire.Inspector(settings.instance)
        self.http = ctx.http(settings.instance, headers=headers, error_hook=inspector)
        self.write = ctx.http(
            settings.instance,
            headers=headers,
            error_hook=inspector,
            retry=RetryPolicy(attempts=1),  # never blindly again: the host reads back first
        )

    # -- reading ------------------------------------------------------------------

    def _rows(self, table: str, query: str, fields: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = list(
            paging.link_header(
                self.http,
                f"{wire.TABLE_API}{table}",
                params={
                    "sysparm_query": query,
                    "sysparm_fields": fields,
                    "sysparm_exclude_reference_link": "true",
                    "sysparm_limit": self.settings.page_size,
                    **params,
                },
            )
        )
        return rows

    def _change_row(self, ref: str) -> dict[str, Any]:
        fields = "sys_id,number,state,approval,sys_updated_on"
        term = f"sys_id={ref}" if SYS_ID.fullmatch(ref) else f"number={ref}"
        found = self._rows("change_request", term, fields, sysparm_limit=1)
        if not found:
            raise ChangeSystemError(self.name, f"no change request {ref!r}")
        return found[0]

    def change(self, ref: str) -> Change:
        row = self._change_row(ref)
        change_id, number = str(row["sys_id"]), str(row["number"])
        links = self._rows(
            "task_ci",
            f"task={change_id}^ORDERBYsys_created_on^ORDERBYsys_id",
            "ci_item",
            sysparm_display_value="all",
        )
        cis = tuple(
            dict.fromkeys(
                AffectedCI(str(ci["value"]), str(ci.get("display_value") or ci["value"]))
                for link in links
                if isinstance(ci := link.get("ci_item"), dict) and ci.get("value")
            )
        )
        common: dict[str, Any] = {
            "id": change_id,
            "number": number,
            "state": str(row["state"]),
            "cis": cis,
            "updated": str(row["sys_updated_on"]),
        }
        if self.mode == "work_note":
            closed = str(row["state"]) in CLOSED_STATES
            return Change(
                **common,
                cycle="",
                open=not closed,
                posted=self._journal("change_request", change_id, "work_notes", self.approver),
                why_closed="the change is closed" if closed else "",
            )
        approvals = self._rows(
            "sysapproval_approver",
            f"sysapproval={change_id}^approver.user_name={self.approver}^ORDERBYDESCsys_created_on",
            "sys_id,state",
        )
        if not approvals:
            raise ChangeSystemError(
                self.name,
                f"{number}: {self.approver} is not an approver of this change (no approval "
                "was requested from them); nothing posted",
            )
        latest = approvals[0]
        state = str(latest["state"])
        return Change(
            **common,
            cycle=str(latest["sys_id"]),
            open=state == "requested",
            posted=self._journal("sysapproval_approver", str(latest["sys_id"]), "comments"),
            why_closed=f"the approval asked of {self.approver} is {state} already, and no new "
            "one is requested",
        )

    def _journal(
        self, table: str, element_id: str, element: str, by: str | None = None
    ) -> tuple[str, ...]:
        """Journal entries of a row, newest first (``by``: only that user's)."""
        query = f"name={table}^element_id={element_id}^element={element}"
        if by:
            query += f"^sys_created_by={by}"
        found = self.http.get(
            f"{wire.TABLE_API}sys_journal_field",
            params={
                "sysparm_query": f"{query}^ORDERBYDESCsys_created_on",
                "sysparm_fields": "value",
                "sysparm_limit": JOURNAL_ENTRIES,
            },
        )["result"]
        return tuple(str(entry.get("value") or "") for entry in found)

    def pending(self) -> list[str]:
        if self.mode == "work_note":
            states = ",".join(self.settings.watch_states)
            rows = self._rows(
                "change_request", f"stateIN{states}^ORDERBYnumber^ORDERBYsys_id", "sys_id"
            )
            return [str(row["sys_id"]) for row in rows]
        rows = self._rows(
            "sysapproval_approver",
            f"approver.user_name={self.approver}^state=requested^source_table=change_request"
            "^ORDERBYsys_created_on^ORDERBYsys_id",
            "sysapproval",
        )
        return list(dict.fromkeys(str(row["sysapproval"]) for row in rows if row["sysapproval"]))

    # -- writing ------------------------------------------------------------------

    def post(self, change: Change, approve: bool, text: str) -> None:
        if self.mode == "work_note":
            self.write.request(
                "PATCH", f"{wire.TABLE_API}change_request/{change.id}", json={"work_notes": text}
            )
            return
        self.write.request(
            "PATCH",
            f"/api/sn_chg_rest/change/{change.id}/approvals",
            json={"state": "approved" if approve else "rejected", "comments": text},
        )

    def close(self) -> None:
        self.http.close()
        self.write.close()
