"""East Grid Power's CMDB, seeded into a fresh Nautobot 3.2 through its REST API.

Standard library only. ``nautobot_env.py`` loads this file by path and calls
``run(api, sql)`` once, while building the template database, against a
``nautobot-server runserver`` on the freshly migrated database:

``api(method, path, body=None, *, token=None) -> (status, json)``
    A REST call as the admin (or as ``token``), no exception on 4xx.
``sql(statement) -> rows``
    A statement on the template database, as the PostgreSQL superuser.

The data is deterministic: the same objects in the same order, and every
object this file creates gets a fixed UUID (Nautobot accepts ``id`` on
``POST``), so device ids are the same from one build to the next. Only the
statuses (created by Nautobot's migrations) and the timestamps differ.

Changing this file changes the template key: the next ``ensure()`` rebuilds.

Deliberately awkward records (``AWKWARD`` maps each case to a device name):

* ``no_custom_fields`` -- a device created without any custom field value
  (every key comes back ``null``);
* ``unnamed`` -- a device with ``name: null`` (``display`` is
  ``"<manufacturer> <model> (<uuid>)"``);
* ``duplicate_name`` -- two devices named ``station-fw-01`` in different
  locations (names are unique per location and tenant only);
* ``decommissioning`` / ``offline`` / ``failed`` / ``planned`` -- statuses;
* ``loose_date`` -- ``certificate_valid_until: "2027-3-1"``: Nautobot's date
  validation is ``strptime("%Y-%m-%d")``, which accepts a date without zero
  padding and stores the string as given;
* ``stale_choice`` -- ``review_category: "important_comm_product"``, a choice
  that was renamed afterwards to ``important_communication_product``. The
  rename enqueues a Celery job to rewrite the stored values; no worker runs
  here (a worker that is down or failing does the same), so the device keeps
  a value that is no longer a valid choice. Every later write to this device
  that does not also fix the value is refused with a 400;
* ``wrong_types`` -- values of the wrong JSON type, written with SQL into
  ``dcim_device._custom_field_data`` as an ORM script, a bulk import or a
  plugin can (``Device.objects.update()`` skips validation):
  ``throughput_tbps: 12.8`` (a number in a text field),
  ``may_affect_national_security: "yes"`` (a string in a boolean field),
  ``certificate_valid_until: "2026/09/30"`` (not a date). The REST API
  refuses a number for text and a malformed date with a 400 (the answers
  are kept in the summary under ``rejected``) but coerces ``"yes"`` to
  ``true``. The SQL does not touch ``last_updated``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

#: every object created here gets ``uuid5(NAMESPACE, "<kind>:<natural key>")``
NAMESPACE = uuid.UUID("6f6e8f2c-3d7e-5c38-9a64-0f1f4c2b9e11")

COMPANY = "East Grid Power Co., Ltd."
CF_GROUP = "Cybersecurity review"


def object_id(kind: str, key: str) -> str:
    """The fixed UUID of a seeded object, e.g. ``object_id("device", "nj-dc1-cr-01")``."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


# --- custom fields on dcim.device ------------------------------------------

REVIEW_CATEGORIES = [
    "core_network_equipment",
    "hpc_server",
    "mass_storage",
    "large_database",
    "application_software",
    "network_security_equipment",
    "cloud_service",
    "important_communication_product",
    "other_important",
    "other",
]
#: the value ``important_communication_product`` had before it was renamed
STALE_CHOICE = "important_comm_product"
CATALOGUE_TYPES = [
    "router",
    "switch",
    "rack_server",
    "plc",
    "firewall",
    "ids",
    "ips",
    "data_backup",
    "isolation",
]
REVIEW_STATUSES = [
    "none",
    "declared",
    "under_review",
    "special_review",
    "not_required",
    "passed",
    "failed",
]

# key, label, type, filter_logic, choices, description
DEVICE_CUSTOM_FIELDS = [
    (
        "review_category",
        "Review category",
        "select",
        "exact",
        REVIEW_CATEGORIES,
        "Category under the cybersecurity review measures",
    ),
    (
        "catalogue_type",
        "Catalogue type",
        "select",
        "exact",
        CATALOGUE_TYPES,
        "Entry in the catalogue of critical network equipment",
    ),
    ("cii_system", "CII system", "text", "loose", None, "Critical information infrastructure"),
    ("review_status", "Review status", "select", "exact", REVIEW_STATUSES, ""),
    (
        "may_affect_national_security",
        "May affect national security",
        "boolean",
        "loose",
        None,
        "",
    ),
    ("purchase_ref", "Purchase reference", "text", "exact", None, "Purchase order / line"),
    (
        "throughput_tbps",
        "Throughput (Tbps)",
        "text",
        "loose",
        None,
        "Decimal as text: Nautobot has no decimal custom field type",
    ),
    ("certificate_valid_until", "Certificate valid until", "date", "loose", None, ""),
]
DEVICE_CF_KEYS = [spec[0] for spec in DEVICE_CUSTOM_FIELDS]

# --- reference data --------------------------------------------------------

# name, parent, content types (devices may only go where dcim.device is allowed)
LOCATION_TYPES = [
    ("Region", None, []),
    ("Data Centre", "Region", ["dcim.device"]),
    ("Dispatch Centre", "Region", ["dcim.device"]),
    ("Substation", "Region", ["dcim.device"]),
]
# name, type, parent, facility
LOCATIONS = [
    ("East China Grid", "Region", None, ""),
    ("Nanjing DC1", "Data Centre", "East China Grid", "NJ-DC1"),
    ("Suzhou DR Site", "Data Centre", "East China Grid", "SZ-DR"),
    ("Nanjing Dispatch Centre", "Dispatch Centre", "East China Grid", "NJ-DSP"),
    ("Jiangning 500kV Substation", "Substation", "East China Grid", "JN500"),
    ("Wuxi 220kV Substation", "Substation", "East China Grid", "WX220"),
]
# key, name, country (a manufacturer custom field: vendor_country)
MANUFACTURERS = [
    ("huaxin", "Huaxin Networks Co., Ltd.", "CN"),
    ("zhongke", "Zhongke Computing Technology Co., Ltd.", "CN"),
    ("tianqiong", "Tianqiong Security Technology Co., Ltd.", "CN"),
    ("pacific", "Pacific Data Systems Inc.", "US"),
    ("rheinwerk", "Rheinwerk Automation GmbH", "DE"),
    ("sakura", "Sakura Storage K.K.", "JP"),
]
# model, manufacturer key, part number, height (U)
DEVICE_TYPES = [
    ("HX-CR16000", "huaxin", "HX-CR16000-AC", 8),
    ("HX-S9850", "huaxin", "HX-S9850-32H", 2),
    ("HX-S5735", "huaxin", "HX-S5735-48T4X", 1),
    ("HX-OSN9800", "huaxin", "HX-OSN9800-M24", 10),
    ("ZK-R8800", "zhongke", "ZK-R8800-8S", 4),
    ("ZK-R2200", "zhongke", "ZK-R2200-2S", 2),
    ("ZK-HPC-X9", "zhongke", "ZK-HPCX9-G4", 4),
    ("TQ-FW6000", "tianqiong", "TQ-FW6000-E", 2),
    ("TQ-IDS3000", "tianqiong", "TQ-IDS3000", 1),
    ("TQ-GAP200", "tianqiong", "TQ-GAP200-U", 1),
    ("PDS-NR7700", "pacific", "PDS-NR7700-SR", 6),
    ("PDS-ST9000", "pacific", "PDS-ST9000-F", 4),
    ("RW-PLC1500", "rheinwerk", "RW-6ES7-1516", 0),
    ("RW-RTU560", "rheinwerk", "RW-RTU560-CMU", 0),
    ("SK-BK400", "sakura", "SK-BK400-96T", 2),
]
# name, colour
ROLES = [
    ("router", "2196f3"),
    ("core-switch", "3f51b5"),
    ("access-switch", "9e9e9e"),
    ("transmission", "00bcd4"),
    ("server", "4caf50"),
    ("hpc-server", "8bc34a"),
    ("storage", "795548"),
    ("backup", "607d8b"),
    ("firewall", "f44336"),
    ("ids", "ff9800"),
    ("isolation-gateway", "e91e63"),
    ("plc", "673ab7"),
    ("rtu", "9c27b0"),
]
# name, colour, description
TAGS = [
    ("cii", "f44336", "Part of critical information infrastructure"),
    ("internet-facing", "ff5722", "Reachable from the Internet"),
    ("legacy", "9e9e9e", "Out of vendor support"),
    ("spare", "cddc39", "Spare part, not installed"),
]


def _cf(  # noqa: PLR0917 - positional, to keep the device table short
    category: str | None = None,
    catalogue: str | None = None,
    cii: str | None = None,
    status: str | None = None,
    natsec: bool | None = None,
    po: str | None = None,
    tbps: str | None = None,
    cert: str | None = None,
) -> dict[str, Any]:
    values = {
        "review_category": category,
        "catalogue_type": catalogue,
        "cii_system": cii,
        "review_status": status,
        "may_affect_national_security": natsec,
        "purchase_ref": po,
        "throughput_tbps": tbps,
        "certificate_valid_until": cert,
    }
    return {k: v for k, v in values.items() if v is not None}


BACKBONE = "Provincial dispatch backbone"
PERIMETER = "SCADA zone perimeter"
CONTROL = "Production control zone"
DISPATCH = "调度自动化系统 (D5000)"
DATACENTRE = "Grid dispatch data centre"
MARKETING = "Power marketing system"

NJ, SZ, DSP, JN, WX = (
    "Nanjing DC1",
    "Suzhou DR Site",
    "Nanjing Dispatch Centre",
    "Jiangning 500kV Substation",
    "Wuxi 220kV Substation",
)

# name, device type, role, location, status, serial, tags, custom fields
# (name None: an unnamed device; custom fields None: none sent at all)
DEVICES: list[tuple[Any, ...]] = [
    # Nanjing DC1: the dispatch data centre
    (
        "nj-dc1-cr-01",
        "HX-CR16000",
        "router",
        NJ,
        "Active",
        "HX26CR000101",
        ["cii"],
        _cf(
            "core_network_equipment",
            "router",
            BACKBONE,
            "passed",
            True,
            "PO-2026-0001/1",
            "16.00",
            "2027-03-31",
        ),
    ),
    (
        "nj-dc1-cr-02",
        "HX-CR16000",
        "router",
        NJ,
        "Active",
        "HX26CR000102",
        ["cii"],
        _cf(
            "core_network_equipment",
            "router",
            BACKBONE,
            "under_review",
            True,
            "PO-2026-0001/2",
            "16.00",
            "2027-03-31",
        ),
    ),
    (
        "nj-dc1-br-01",
        "PDS-NR7700",
        "router",
        NJ,
        "Active",
        "PDS7700A1142",
        ["cii", "internet-facing"],
        _cf(
            "core_network_equipment",
            "router",
            BACKBONE,
            "special_review",
            True,
            "PO-2025-0142/1",
            "6.40",
            "2026-12-31",
        ),
    ),
    (
        "nj-dc1-cs-01",
        "HX-S9850",
        "core-switch",
        NJ,
        "Active",
        "HX26CS000201",
        ["cii"],
        _cf(
            "core_network_equipment", "switch", BACKBONE, "declared", True, "PO-2026-0002/1", "12.8"
        ),
    ),
    (
        "nj-dc1-cs-02",
        "HX-S9850",
        "core-switch",
        NJ,
        "Active",
        "HX26CS000202",
        ["cii"],
        _cf(
            "core_network_equipment", "switch", BACKBONE, "declared", True, "PO-2026-0002/2", "12.8"
        ),
    ),
    (
        "nj-dc1-as-01",
        "HX-S5735",
        "access-switch",
        NJ,
        "Active",
        "HX25AS003301",
        [],
        _cf("other", "switch", None, "not_required", False, "PO-2025-0088/1", "0.18"),
    ),
    (
        "nj-dc1-as-02",
        "HX-S5735",
        "access-switch",
        NJ,
        "Active",
        "HX25AS003302",
        [],
        _cf("other", "switch", None, "not_required", False, "PO-2025-0088/1", "0.18"),
    ),
    (
        "nj-dc1-fw-01",
        "TQ-FW6000",
        "firewall",
        NJ,
        "Active",
        "TQFW60000451",
        ["cii", "internet-facing"],
        _cf(
            "network_security_equipment",
            "firewall",
            PERIMETER,
            "passed",
            True,
            "PO-2026-0004/1",
            "0.40",
            "2028-01-15",
        ),
    ),
    (
        "nj-dc1-fw-02",
        "TQ-FW6000",
        "firewall",
        NJ,
        "Staged",
        "TQFW60000452",
        ["cii"],
        _cf(
            "network_security_equipment",
            "firewall",
            PERIMETER,
            "declared",
            True,
            "PO-2026-0004/2",
            "0.40",
        ),
    ),
    (
        "nj-dc1-ids-01",
        "TQ-IDS3000",
        "ids",
        NJ,
        "Active",
        "TQIDS3000077",
        ["cii"],
        _cf(
            "network_security_equipment",
            "ids",
            PERIMETER,
            "passed",
            True,
            "PO-2025-0133/1",
            None,
            "2027-06-30",
        ),
    ),
    (
        "nj-dc1-srv-01",
        "ZK-R8800",
        "server",
        NJ,
        "Active",
        "ZK88S0000901",
        ["cii"],
        _cf("hpc_server", "rack_server", DATACENTRE, "declared", True, "PO-2026-0006/1"),
    ),
    (
        "nj-dc1-srv-02",
        "ZK-R8800",
        "server",
        NJ,
        "Active",
        "ZK88S0000902",
        ["cii"],
        _cf("hpc_server", "rack_server", DATACENTRE, "declared", True, "PO-2026-0006/1"),
    ),
    (
        "nj-dc1-hpc-01",
        "ZK-HPC-X9",
        "hpc-server",
        NJ,
        "Active",
        "ZKX9G4000011",
        ["cii"],
        _cf("hpc_server", "rack_server", DATACENTRE, "under_review", True, "PO-2026-0007/1"),
    ),
    (
        "nj-dc1-hpc-02",
        "ZK-HPC-X9",
        "hpc-server",
        NJ,
        "Planned",
        "",
        [],
        _cf("hpc_server", "rack_server", DATACENTRE, "none", True, "PO-2026-0007/2"),
    ),
    (
        "nj-dc1-db-01",
        "ZK-R8800",
        "server",
        NJ,
        "Active",
        "ZK88S0000931",
        ["cii"],
        _cf(
            "large_database",
            "rack_server",
            MARKETING,
            "passed",
            True,
            "PO-2025-0120/1",
            None,
            "2027-09-01",
        ),
    ),
    (
        "nj-dc1-st-01",
        "PDS-ST9000",
        "storage",
        NJ,
        "Active",
        "PDS9000F0311",
        ["cii"],
        _cf("mass_storage", None, DATACENTRE, "special_review", True, "PO-2025-0150/1"),
    ),
    (
        "nj-dc1-bk-01",
        "SK-BK400",
        "backup",
        NJ,
        "Active",
        "SKBK40000017",
        [],
        _cf("mass_storage", "data_backup", DATACENTRE, "passed", False, "PO-2025-0151/1"),
    ),
    # no custom field values at all: an old server nobody classified
    ("nj-dc1-srv-legacy-07", "ZK-R2200", "server", NJ, "Offline", "ZK22S0000107", ["legacy"], None),
    # Suzhou: the disaster-recovery site, being built
    (
        "sz-dr-cr-01",
        "HX-CR16000",
        "router",
        SZ,
        "Planned",
        "",
        [],
        _cf(
            "core_network_equipment",
            "router",
            BACKBONE,
            "declared",
            True,
            "PO-2026-0011/1",
            "16.00",
        ),
    ),
    (
        "sz-dr-cs-01",
        "HX-S9850",
        "core-switch",
        SZ,
        "Planned",
        "",
        [],
        _cf(
            "core_network_equipment", "switch", BACKBONE, "declared", True, "PO-2026-0011/2", "12.8"
        ),
    ),
    (
        "sz-dr-fw-01",
        "TQ-FW6000",
        "firewall",
        SZ,
        "Planned",
        "",
        [],
        _cf(
            "network_security_equipment",
            "firewall",
            PERIMETER,
            "none",
            True,
            "PO-2026-0011/3",
            "0.40",
        ),
    ),
    (
        "sz-dr-srv-01",
        "ZK-R2200",
        "server",
        SZ,
        "Inventory",
        "ZK22S0000211",
        ["spare"],
        _cf("other", "rack_server", None, "not_required", False, "PO-2026-0012/1"),
    ),
    (
        "sz-dr-srv-02",
        "ZK-R2200",
        "server",
        SZ,
        "Inventory",
        "ZK22S0000212",
        ["spare"],
        _cf("other", "rack_server", None, "not_required", False, "PO-2026-0012/1"),
    ),
    (
        "sz-dr-st-01",
        "PDS-ST9000",
        "storage",
        SZ,
        "Decommissioning",
        "PDS9000F0077",
        ["legacy"],
        _cf("mass_storage", None, DATACENTRE, "passed", True, "PO-2019-0031/1", None, "2025-06-30"),
    ),
    (
        "sz-dr-otn-01",
        "HX-OSN9800",
        "transmission",
        SZ,
        "Planned",
        "",
        [],
        _cf("important_communication_product", None, BACKBONE, "declared", True, "PO-2026-0013/1"),
    ),
    # Nanjing dispatch centre
    (
        "nj-dsp-srv-01",
        "ZK-R8800",
        "server",
        DSP,
        "Active",
        "ZK88S0000501",
        ["cii"],
        _cf(
            "large_database",
            "rack_server",
            DISPATCH,
            "passed",
            True,
            "PO-2025-0101/1",
            None,
            "2027-12-31",
        ),
    ),
    (
        "nj-dsp-srv-02",
        "ZK-R8800",
        "server",
        DSP,
        "Active",
        "ZK88S0000502",
        ["cii"],
        _cf(
            "large_database",
            "rack_server",
            DISPATCH,
            "passed",
            True,
            "PO-2025-0101/1",
            None,
            "2027-12-31",
        ),
    ),
    (
        "nj-dsp-app-01",
        "ZK-R2200",
        "server",
        DSP,
        "Active",
        "ZK22S0000511",
        ["cii"],
        _cf(
            "application_software", "rack_server", DISPATCH, "under_review", True, "PO-2026-0021/1"
        ),
    ),
    (
        "nj-dsp-gap-01",
        "TQ-GAP200",
        "isolation-gateway",
        DSP,
        "Active",
        "TQGAP2000031",
        ["cii"],
        _cf(
            "network_security_equipment",
            "isolation",
            CONTROL,
            "passed",
            True,
            "PO-2025-0102/1",
            None,
            "2028-05-31",
        ),
    ),
    (
        "nj-dsp-fw-01",
        "TQ-FW6000",
        "firewall",
        DSP,
        "Active",
        "TQFW60000511",
        ["cii"],
        _cf(
            "network_security_equipment",
            "firewall",
            PERIMETER,
            "passed",
            True,
            "PO-2025-0102/2",
            "0.40",
        ),
    ),
    (
        "nj-dsp-as-01",
        "HX-S5735",
        "access-switch",
        DSP,
        "Active",
        "HX25AS003511",
        [],
        _cf("other", "switch", None, "not_required", False, "PO-2025-0088/2", "0.18"),
    ),
    # the stale select value: created with the old choice, then the choice was renamed
    (
        "nj-dsp-otn-01",
        "HX-OSN9800",
        "transmission",
        DSP,
        "Active",
        "HXOSN9800041",
        ["cii"],
        _cf(STALE_CHOICE, None, BACKBONE, "declared", True, "PO-2025-0105/1"),
    ),
    # Jiangning 500 kV substation
    (
        "jn500-plc-01",
        "RW-PLC1500",
        "plc",
        JN,
        "Active",
        "RW1516A00811",
        ["cii"],
        _cf(
            "other_important",
            "plc",
            "Substation automation (Jiangning 500kV)",
            "special_review",
            True,
            "PO-2024-0210/1",
        ),
    ),
    (
        "jn500-plc-02",
        "RW-PLC1500",
        "plc",
        JN,
        "Active",
        "RW1516A00812",
        ["cii"],
        _cf(
            "other_important",
            "plc",
            "Substation automation (Jiangning 500kV)",
            "special_review",
            True,
            "PO-2024-0210/1",
        ),
    ),
    (
        "jn500-rtu-01",
        "RW-RTU560",
        "rtu",
        JN,
        "Active",
        "RW560C000331",
        ["cii"],
        _cf(
            "other",
            None,
            "Substation automation (Jiangning 500kV)",
            "none",
            False,
            "PO-2024-0210/2",
        ),
    ),
    (
        "jn500-gap-01",
        "TQ-GAP200",
        "isolation-gateway",
        JN,
        "Active",
        "TQGAP2000052",
        ["cii"],
        _cf("network_security_equipment", "isolation", CONTROL, "passed", True, "PO-2025-0102/3"),
    ),
    (
        "station-fw-01",
        "TQ-FW6000",
        "firewall",
        JN,
        "Active",
        "TQFW60000621",
        ["cii"],
        _cf(
            "network_security_equipment",
            "firewall",
            CONTROL,
            "passed",
            True,
            "PO-2025-0102/4",
            "0.40",
        ),
    ),
    # an unnamed spare PLC
    (None, "RW-PLC1500", "plc", JN, "Inventory", "RW1516A00899", ["spare"], _cf(None, "plc")),
    # Wuxi 220 kV substation
    (
        "wx220-plc-01",
        "RW-PLC1500",
        "plc",
        WX,
        "Active",
        "RW1516A00701",
        ["cii"],
        _cf(
            "other_important",
            "plc",
            "Substation automation (Wuxi 220kV)",
            "passed",
            True,
            "PO-2023-0177/1",
            None,
            "2027-3-1",
        ),
    ),
    (
        "wx220-rtu-01",
        "RW-RTU560",
        "rtu",
        WX,
        "Failed",
        "RW560C000211",
        ["legacy"],
        _cf("other", None, "Substation automation (Wuxi 220kV)", "none", False, "PO-2018-0042/1"),
    ),
    (
        "station-fw-01",
        "TQ-FW6000",
        "firewall",
        WX,
        "Active",
        "TQFW60000622",
        ["cii"],
        _cf(
            "network_security_equipment",
            "firewall",
            CONTROL,
            "failed",
            True,
            "PO-2025-0102/5",
            "0.40",
        ),
    ),
    # wrong JSON types, written with SQL after creation (see WRONG_TYPES)
    (
        "wx220-cr-legacy",
        "PDS-NR7700",
        "router",
        WX,
        "Active",
        "PDS7700A0007",
        ["legacy", "cii"],
        _cf(
            "core_network_equipment",
            "router",
            BACKBONE,
            "under_review",
            True,
            "PO-2017-0003/1",
            "6.40",
        ),
    ),
]

#: written with SQL into the ``wrong_types`` device (no validation)
WRONG_TYPES = {
    "throughput_tbps": 12.8,
    "may_affect_national_security": "yes",
    "certificate_valid_until": "2026/09/30",
}
#: sent through REST first, to keep Nautobot's answers: each is refused with a
#: 400. (REST coerces rather than refuses ``"yes"``/``1`` for a boolean, and
#: ``"12"``, ``12.7`` (truncated) or ``true`` for an integer field.)
REFUSED = {
    "throughput_tbps": 12.8,
    "may_affect_national_security": "maybe",
    "certificate_valid_until": "2026/09/30",
}

AWKWARD = {
    "no_custom_fields": "nj-dc1-srv-legacy-07",
    "unnamed": None,  # the one device with name None
    "duplicate_name": "station-fw-01",
    "decommissioning": "sz-dr-st-01",
    "offline": "nj-dc1-srv-legacy-07",
    "failed": "wx220-rtu-01",
    "planned": "sz-dr-cr-01",
    "loose_date": "wx220-plc-01",
    "stale_choice": "nj-dsp-otn-01",
    "wrong_types": "wx220-cr-legacy",
}


def device_id(name: str | None, location: str) -> str:
    return object_id("device", f"{location}/{name or '<unnamed>'}")


# --- the seeding -------------------------------------------------------------

Api = Callable[..., tuple[int, Any]]


def _create(api: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = api("POST", path, body)
    if status != 201:
        raise RuntimeError(f"POST {path} {json.dumps(body, ensure_ascii=False)}: {status} {answer}")
    return answer


def _device_body(spec: tuple[Any, ...]) -> dict[str, Any]:
    name, model, role, location, status, serial, tags, custom_fields = spec
    body: dict[str, Any] = {
        "id": device_id(name, location),
        "name": name,
        "device_type": {"model": model},
        "role": {"name": role},
        "location": {"name": location},
        "status": {"name": status},
        "serial": serial,
        "tags": [{"name": tag} for tag in tags],
    }
    if custom_fields is not None:
        body["custom_fields"] = custom_fields
    return body


def _custom_fields(api: Api) -> dict[tuple[str, str], str]:
    """Create the custom fields and their choices; return the choice ids."""
    choice_values = {}
    for weight, (key, label, kind, logic, choices, description) in enumerate(
        DEVICE_CUSTOM_FIELDS, 1
    ):
        _create(
            api,
            "/api/extras/custom-fields/",
            {
                "id": object_id("customfield", key),
                "key": key,
                "label": label,
                "type": kind,
                "filter_logic": logic,
                "grouping": CF_GROUP,
                "weight": weight * 10,
                "description": description,
                "content_types": ["dcim.device"],
            },
        )
        for position, value in enumerate(choices or [], 1):
            stored = STALE_CHOICE if value == "important_communication_product" else value
            choice = _create(
                api,
                "/api/extras/custom-field-choices/",
                {
                    "id": object_id("customfieldchoice", f"{key}/{value}"),
                    "custom_field": {"key": key},
                    "value": stored,
                    "weight": position * 10,
                },
            )
            choice_values[(key, value)] = choice["id"]
    _create(
        api,
        "/api/extras/custom-fields/",
        {
            "id": object_id("customfield", "vendor_country"),
            "key": "vendor_country",
            "label": "Vendor country",
            "type": "text",
            "filter_logic": "exact",
            "grouping": CF_GROUP,
            "description": "ISO 3166-1 alpha-2 code of the vendor's home country",
            "content_types": ["dcim.manufacturer"],
        },
    )
    return choice_values


def _reference_data(api: Api) -> None:
    for name, parent, content_types in LOCATION_TYPES:
        _create(
            api,
            "/api/dcim/location-types/",
            {
                "id": object_id("locationtype", name),
                "name": name,
                "parent": {"name": parent} if parent else None,
                "content_types": content_types,
            },
        )
    for name, kind, parent, facility in LOCATIONS:
        _create(
            api,
            "/api/dcim/locations/",
            {
                "id": object_id("location", name),
                "name": name,
                "location_type": {"name": kind},
                "parent": {"name": parent} if parent else None,
                "status": {"name": "Active"},
                "facility": facility,
                "time_zone": "Asia/Shanghai",
            },
        )
    names = {}
    for key, name, country in MANUFACTURERS:
        names[key] = name
        _create(
            api,
            "/api/dcim/manufacturers/",
            {
                "id": object_id("manufacturer", key),
                "name": name,
                "custom_fields": {"vendor_country": country},
            },
        )
    for model, maker, part_number, height in DEVICE_TYPES:
        _create(
            api,
            "/api/dcim/device-types/",
            {
                "id": object_id("devicetype", model),
                "manufacturer": {"name": names[maker]},
                "model": model,
                "part_number": part_number,
                "u_height": height,
                "is_full_depth": height > 0,
            },
        )
    for name, colour in ROLES:
        _create(
            api,
            "/api/extras/roles/",
            {
                "id": object_id("role", name),
                "name": name,
                "color": colour,
                "content_types": ["dcim.device"],
            },
        )
    for name, colour, description in TAGS:
        _create(
            api,
            "/api/extras/tags/",
            {
                "id": object_id("tag", name),
                "name": name,
                "color": colour,
                "description": description,
                "content_types": ["dcim.device"],
            },
        )


def run(
    api: Api, sql: Callable[[str], list[tuple[Any, ...]]], log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Create everything; return what ``summarize`` adds to the summary."""
    # custom fields first, so every device below is validated against them
    choice_ids = _custom_fields(api)
    _reference_data(api)
    log(f"reference data done; creating {len(DEVICES)} devices")
    renamed = "important_communication_product"
    after_rename = [spec for spec in DEVICES if (spec[7] or {}).get("review_category") == renamed]
    for spec in DEVICES:
        if spec not in after_rename:
            _create(api, "/api/dcim/devices/", _device_body(spec))

    # the rename without a Celery worker: stored values keep the old choice
    choice = choice_ids[("review_category", renamed)]
    status, answer = api("PATCH", f"/api/extras/custom-field-choices/{choice}/", {"value": renamed})
    if status != 200:
        raise RuntimeError(f"renaming the choice: {status} {answer}")
    for spec in after_rename:
        _create(api, "/api/dcim/devices/", _device_body(spec))

    # what the REST API says to each wrong-typed value (and to a write on the
    # device with the stale choice), kept for the connector's tests
    rejected = {}
    legacy = device_id(AWKWARD["wrong_types"], WX)
    for key, value in REFUSED.items():
        status, answer = api(
            "PATCH", f"/api/dcim/devices/{legacy}/", {"custom_fields": {key: value}}
        )
        if status != 400:
            raise RuntimeError(f"Nautobot accepted {key}={value!r}: {status} {answer}")
        rejected[key] = {"value": value, "status": status, "body": answer}
    stale = device_id(AWKWARD["stale_choice"], DSP)
    status, answer = api("PATCH", f"/api/dcim/devices/{stale}/", {"serial": "HXOSN9800041"})
    if status != 400:
        raise RuntimeError(f"a write on the stale-choice device passed: {status} {answer}")
    rejected["stale_choice_write"] = {
        "value": {"serial": "HXOSN9800041"},
        "status": status,
        "body": answer,
    }

    patch = json.dumps(WRONG_TYPES).replace("'", "''")
    rows = sql(
        "UPDATE dcim_device SET _custom_field_data = _custom_field_data || "
        f"'{patch}'::jsonb WHERE id = '{legacy}' RETURNING id"
    )
    if len(rows) != 1:
        raise RuntimeError(f"the wrong-type update matched {len(rows)} rows")
    return {"rejected": rejected}


def summarize(devices: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """The seed summary from ``GET /api/dcim/devices/?depth=1`` (every page)."""
    rows = []
    for device in devices:
        device_type = device["device_type"]
        rows.append(
            {
                "id": device["id"],
                "name": device["name"],
                "display": device["display"],
                "status": device["status"]["name"],
                "role": device["role"]["name"] if device["role"] else None,
                "location": device["location"]["name"],
                "device_type": device_type["model"],
                "manufacturer": _MANUFACTURER_BY_MODEL[device_type["model"]],
                "serial": device["serial"],
                "tags": sorted(tag["name"] for tag in device["tags"]),
                "custom_fields": device["custom_fields"],
                "created": device["created"],
                "last_updated": device["last_updated"],
            }
        )
    counts = {
        "devices": len(rows),
        "locations": len(LOCATIONS),
        "manufacturers": len(MANUFACTURERS),
        "device_types": len(DEVICE_TYPES),
        "roles": len(ROLES),
        "tags": len(TAGS),
    }
    for row in rows:
        counts.setdefault("by_status", {}).setdefault(row["status"], 0)
        counts["by_status"][row["status"]] += 1
    return {
        "company": COMPANY,
        "counts": counts,
        "custom_fields": [
            {
                "key": key,
                "label": label,
                "type": kind,
                "filter_logic": logic,
                "choices": choices,
                "id": object_id("customfield", key),
            }
            for key, label, kind, logic, choices, _ in DEVICE_CUSTOM_FIELDS
        ],
        "manufacturers": [
            {"id": object_id("manufacturer", key), "name": name, "vendor_country": country}
            for key, name, country in MANUFACTURERS
        ],
        "locations": [
            {
                "id": object_id("location", name),
                "name": name,
                "location_type": kind,
                "parent": parent,
            }
            for name, kind, parent, _ in LOCATIONS
        ],
        "awkward": {
            case: device_id(name, _location_of(case, name)) for case, name in AWKWARD.items()
        },
        "devices": rows,
        **extra,
    }


_MANUFACTURER_BY_MODEL = {
    model: dict((k, n) for k, n, _ in MANUFACTURERS)[maker] for model, maker, _, _ in DEVICE_TYPES
}


def _location_of(case: str, name: str | None) -> str:
    if case == "duplicate_name":
        return JN  # the first of the two; the other is in Wuxi
    for spec in DEVICES:
        if spec[0] == name:
            return spec[3]
    raise KeyError(name)
