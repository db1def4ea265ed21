"""East Grid Power's change requests: the seed of the local ServiceNow's change
management (``fake_changes.py``), loaded after the CMDB (``eastgrid_cmdb.py``).

Users: the API user (``cyberreview``, the tool's service account, which reads the
CMDB and gives the cybersecurity-review approval; role ``itil``), a change
manager (``cab.manager``, ``itil``) and an engineer (``li.wei``, no role).

Changes:

- :data:`RTU_CHANGE` ``CHG0030001``, in Assess, approval requested from
  ``cyberreview`` and ``cab.manager``: replaces the firmware of a 35 kV
  substation RTU (:data:`RTU`, a covered CI in service whose review was never
  declared: it blocks under the cn-csr packs, and no other pack) and updates office
  automation (:data:`OFFICE`, harmless);
- :data:`OFFICE_CHANGE` ``CHG0030002``, in Assess, approval requested from
  ``cyberreview``: office automation only;
- :data:`DONE_CHANGE` ``CHG0030003``, scheduled, approved long ago: nothing
  awaits anyone;
- :data:`OTHER_CHANGE` ``CHG0030004``, in Assess, approval requested from
  ``cab.manager`` only: not ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eastgrid_cmdb import sys_id

if TYPE_CHECKING:
    from fake_servicenow import FakeServiceNow

APPROVER = "cyberreview"  # FakeServiceNow.username
CAB_MANAGER = ("cab.manager", "Cab-Manager!2026")
ENGINEER = ("li.wei", "Li-Wei!2026")
RTU = sys_id("EG-SUB-35-RTU-01")
OFFICE = sys_id("Office automation")
RTU_CHANGE = sys_id("change:CHG0030001")
OFFICE_CHANGE = sys_id("change:CHG0030002")
DONE_CHANGE = sys_id("change:CHG0030003")
OTHER_CHANGE = sys_id("change:CHG0030004")


def load(sn: FakeServiceNow) -> None:
    changes = sn.changes
    changes.add_user(sn.username, sn.password, "itil", name="Cybersecurity review (service)")
    changes.add_user(*CAB_MANAGER, "itil", name="Change manager")
    changes.add_user(*ENGINEER, name="Li Wei")
    changes.add_change(
        "CHG0030001",
        [RTU, OFFICE],
        [APPROVER, CAB_MANAGER[0]],
        short_description="Replace RTU firmware at the 35 kV substation; office automation update",
        sys_id=RTU_CHANGE,
    )
    changes.add_change(
        "CHG0030002",
        [OFFICE],
        [APPROVER],
        short_description="Office automation: monthly update",
        sys_id=OFFICE_CHANGE,
    )
    done = changes.add_change(
        "CHG0030003",
        [OFFICE],
        [],
        short_description="Office automation: last month's update",
        state="-2",
        sys_id=DONE_CHANGE,
    )
    sn.update(done, approval="approved")
    changes.add_change(
        "CHG0030004",
        [OFFICE],
        [CAB_MANAGER[0]],
        short_description="Office automation: printer drivers",
        sys_id=OTHER_CHANGE,
    )
