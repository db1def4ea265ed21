"""East Grid Power's CMDB: the deterministic seed of :class:`fake_servicenow.FakeServiceNow`.

A power-grid operator's configuration items over the CMDB classes: core and
aggregation routers, data-centre and access switches, firewalls, servers,
PLCs and RTUs, applications, plus a printer and a business service (not in
the connector's default tables), and hardware assets for some of them.  The
instance has custom fields for the cybersecurity review (``u_review_category``,
``u_catalogue_type``, ``u_cii_system``, ``u_review_status``,
``u_may_affect_national_security``, ``u_purchase_ref``, and specifications
such as ``u_throughput_tbps``), filled in as a real CMDB is: mostly, some
left empty, two with text in a numeric field (:data:`WRONG_TYPE`), and two
CIs in a restricted domain the API user cannot read (:data:`HIDDEN`).

sys_ids are ``md5("eastgrid:" + name)``: :func:`sys_id` gives a CI's.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_servicenow import FakeServiceNow


def sys_id(name: str) -> str:
    return hashlib.md5(f"eastgrid:{name}".encode()).hexdigest()


COMPANIES = {
    "Huawei": ("Huawei Technologies Co., Ltd.", "China"),
    "ZTE": ("ZTE Corporation", "China"),
    "H3C": ("New H3C Technologies Co., Ltd.", "China"),
    "Cisco": ("Cisco Systems, Inc.", "USA"),
    "Juniper": ("Juniper Networks, Inc.", "USA"),
    "Inspur": ("Inspur Electronic Information Industry Co., Ltd.", "China"),
    "Lenovo": ("Lenovo Group Limited", "China"),
    "Dell": ("Dell Technologies Inc.", "USA"),
    "Hillstone": ("Hillstone Networks Co., Ltd.", "China"),
    "Sangfor": ("Sangfor Technologies Inc.", "China"),
    "Fortinet": ("Fortinet, Inc.", "USA"),
    "Siemens": ("Siemens AG", "Germany"),
    "Schneider": ("Schneider Electric SE", "France"),
    "NARI": ("NARI Technology Co., Ltd.", "China"),
    "Yonyou": ("Yonyou Network Technology Co., Ltd.", "China"),
    "HP": ("HP Inc.", "USA"),
}

# key: (company, display name, model number)
MODELS = {
    "NE8000": ("Huawei", "Huawei NetEngine 8000 X8", "NE8000-X8"),
    "NE40E": ("Huawei", "Huawei NetEngine 40E-X8A", "NE40E-X8A"),
    "M6000": ("ZTE", "ZTE ZXR10 M6000-18S", "M6000-18S"),
    "ASR9010": ("Cisco", "Cisco ASR 9010", "ASR-9010-AC"),
    "MX960": ("Juniper", "Juniper MX960", "MX960-BASE"),
    "CE16800": ("Huawei", "Huawei CloudEngine 16808", "CE16808"),
    "S12500": ("H3C", "H3C S12508G-AF", "S12508G-AF"),
    "N9508": ("Cisco", "Cisco Nexus 9508", "N9K-C9508"),
    "S6850": ("H3C", "H3C S6850-56HF", "S6850-56HF"),
    "S5735": ("Huawei", "Huawei S5735-L48T4X", "S5735-L48T4X"),
    "USG6000": ("Huawei", "Huawei HiSecEngine USG6680E", "USG6680E"),
    "SG6000": ("Hillstone", "Hillstone SG-6000-X20800", "SG-6000-X20800"),
    "NGAF": ("Sangfor", "Sangfor NGAF M5600", "NGAF-M5600"),
    "FG3700": ("Fortinet", "FortiGate 3700F", "FG-3700F"),
    "NF8480": ("Inspur", "Inspur NF8480M6", "NF8480M6"),
    "SR850": ("Lenovo", "Lenovo ThinkSystem SR850 V2", "7D31"),
    "R750": ("Dell", "Dell PowerEdge R750", "R750"),
    "TAISHAN": ("Huawei", "Huawei TaiShan 200 2280", "TaiShan-2280"),
    "S71500": ("Siemens", "SIMATIC S7-1500 CPU 1518-4 PN/DP", "6ES7518-4AP00-0AB0"),
    "M580": ("Schneider", "Modicon M580 BMEP586040", "BMEP586040"),
    "PCS9700": ("NARI", "NARI PCS-9700 RTU", "PCS-9700"),
    "D5000": ("NARI", "NARI D5000 dispatch platform", "D5000-V6"),
    "NC65": ("Yonyou", "Yonyou NC Cloud 6.5", "NCC-6.5"),
    "M479": ("HP", "HP Color LaserJet Pro M479fdw", "W1A80A"),
}

SPECS: dict[str, dict[str, Any]] = {  # u_ specification fields by model, as recorded
    "NE8000": {"u_throughput_tbps": 16, "u_routing_entries": 4000000},
    "NE40E": {"u_throughput_tbps": 6.4, "u_routing_entries": 2000000},
    "M6000": {"u_throughput_tbps": 12.8, "u_routing_entries": 3000000},
    "ASR9010": {"u_throughput_tbps": 7.2, "u_routing_entries": 1000000},
    "MX960": {"u_throughput_tbps": 10.5},  # routing entries never recorded
    "CE16800": {"u_throughput_tbps": 92, "u_forwarding_gpps": 28.8},
    "S12500": {"u_throughput_tbps": 64, "u_forwarding_gpps": 19.2},
    "N9508": {"u_throughput_tbps": 30, "u_forwarding_gpps": 11.2},
    "S6850": {"u_throughput_tbps": 4.8, "u_forwarding_gpps": 1.9},
    "S5735": {"u_throughput_tbps": 0.3, "u_forwarding_gpps": 0.1},
    "NF8480": {"u_cpus": 8, "u_cores_per_cpu": 28, "u_memory_gb": 2048},
    "SR850": {"u_cpus": 4, "u_cores_per_cpu": 28, "u_memory_gb": 1024},
    "R750": {"u_cpus": 2, "u_cores_per_cpu": 32, "u_memory_gb": 512},
    "TAISHAN": {"u_cpus": 2, "u_cores_per_cpu": 64, "u_memory_gb": 256},
    "S71500": {"u_instruction_time_us": 0.001},
    "M580": {"u_instruction_time_us": 0.12},
}

# (class, name, model, install_status, review category, catalogue type, CII system,
#  review status, may affect national security, purchase ref, other fields)
CIS: list[tuple[str, str, str, int, str, str, str, str, bool | None, str, dict[str, Any]]] = [
    # core and aggregation routers
    ("cmdb_ci_ip_router", "EG-BJ-CORE-RTR-01", "NE8000", 1, "core_network_equipment", "router",
     "Dispatch WAN", "passed", True, "PO-2024-0311", {}),
    ("cmdb_ci_ip_router", "EG-BJ-CORE-RTR-02", "NE8000", 1, "core_network_equipment", "router",
     "Dispatch WAN", "none", True, "PO-2025-0102", {}),
    ("cmdb_ci_ip_router", "EG-SH-CORE-RTR-01", "M6000", 1, "core_network_equipment", "router",
     "Dispatch WAN", "declared", True, "PO-2025-0417", {}),
    ("cmdb_ci_ip_router", "EG-SH-CORE-RTR-02", "NE8000", 3, "core_network_equipment", "router",
     "Dispatch WAN", "none", True, "PO-2025-0418", {"u_throughput_tbps": "16 Tbps"}),
    ("cmdb_ci_ip_router", "EG-NJ-AGG-RTR-01", "NE40E", 1, "core_network_equipment", "router",
     "Dispatch WAN", "not_required", False, "PO-2023-0920", {}),
    ("cmdb_ci_ip_router", "EG-NJ-AGG-RTR-02", "NE40E", 1, "core_network_equipment", "router",
     "Dispatch WAN", "not_required", False, "PO-2023-0920", {}),
    ("cmdb_ci_ip_router", "EG-HZ-AGG-RTR-01", "ASR9010", 1, "", "router",
     "Metering network", "none", None, "PO-2019-0233", {}),
    ("cmdb_ci_ip_router", "EG-HZ-AGG-RTR-02", "MX960", 6, "core_network_equipment", "router",
     "Metering network", "none", None, "PO-2026-0051", {}),
    ("cmdb_ci_ip_router", "EG-WX-EDGE-RTR-01", "ASR9010", 7, "core_network_equipment", "router",
     "Metering network", "none", False, "PO-2016-0100", {}),
    ("cmdb_ci_ip_router", "EG-BJ-CORE-RTR-03", "M6000", 2, "core_network_equipment", "router",
     "Dispatch WAN", "none", True, "PO-2026-0212", {}),
    # switches
    ("cmdb_ci_ip_switch", "EG-DC1-CORE-SW-01", "CE16800", 1, "core_network_equipment", "switch",
     "EMS/SCADA", "passed", True, "PO-2024-0620", {}),
    ("cmdb_ci_ip_switch", "EG-DC1-CORE-SW-02", "CE16800", 1, "core_network_equipment", "switch",
     "EMS/SCADA", "passed", True, "PO-2024-0620", {}),
    ("cmdb_ci_ip_switch", "EG-DC2-CORE-SW-01", "S12500", 1, "core_network_equipment", "switch",
     "EMS/SCADA", "under_review", True, "PO-2025-0733", {}),
    ("cmdb_ci_ip_switch", "EG-DC2-CORE-SW-02", "N9508", 1, "core_network_equipment", "switch",
     "Metering platform", "none", True, "PO-2021-0088", {}),
    ("cmdb_ci_ip_switch", "EG-DC1-TOR-SW-01", "S6850", 1, "core_network_equipment", "switch",
     "EMS/SCADA", "none", False, "PO-2024-0621", {}),
    ("cmdb_ci_ip_switch", "EG-DC1-TOR-SW-02", "S6850", 1, "core_network_equipment", "switch",
     "EMS/SCADA", "none", False, "PO-2024-0621", {}),
    ("cmdb_ci_ip_switch", "EG-DC2-TOR-SW-01", "S6850", 1, "core_network_equipment", "switch",
     "Metering platform", "none", False, "PO-2025-0734", {}),
    ("cmdb_ci_ip_switch", "EG-DC2-TOR-SW-02", "S6850", 3, "core_network_equipment", "switch",
     "Metering platform", "none", False, "PO-2025-0734", {}),
    ("cmdb_ci_ip_switch", "EG-HQ-ACC-SW-01", "S5735", 1, "other", "switch",
     "", "none", False, "PO-2022-0415", {}),
    ("cmdb_ci_ip_switch", "EG-HQ-ACC-SW-02", "S5735", 1, "other", "switch",
     "", "none", False, "PO-2022-0415", {}),
    ("cmdb_ci_ip_switch", "EG-HQ-ACC-SW-03", "S5735", 6, "other", "switch",
     "", "none", False, "PO-2022-0415", {}),
    ("cmdb_ci_ip_switch", "EG-SUB-110-SW-01", "S6850", 1, "", "",
     "Substation automation", "none", None, "", {}),
    # firewalls
    ("cmdb_ci_ip_firewall", "EG-DC1-FW-01", "USG6000", 1, "network_security_equipment",
     "firewall", "EMS/SCADA", "passed", True, "PO-2024-0625", {}),
    ("cmdb_ci_ip_firewall", "EG-DC1-FW-02", "USG6000", 1, "network_security_equipment",
     "firewall", "EMS/SCADA", "passed", True, "PO-2024-0625", {}),
    ("cmdb_ci_ip_firewall", "EG-DC2-FW-01", "SG6000", 1, "network_security_equipment",
     "firewall", "Metering platform", "none", True, "PO-2025-0740", {}),
    ("cmdb_ci_ip_firewall", "EG-DMZ-FW-01", "FG3700", 1, "network_security_equipment",
     "firewall", "Internet boundary", "none", False, "PO-2020-0777", {}),
    ("cmdb_ci_ip_firewall", "EG-HQ-FW-01", "NGAF", 1, "network_security_equipment",
     "firewall", "", "not_required", False, "PO-2023-0101", {}),
    ("cmdb_ci_ip_firewall", "EG-SUB-FW-01", "NGAF", 4, "network_security_equipment",
     "isolation", "Substation automation", "none", None, "PO-2026-0300", {}),
    # servers
    ("cmdb_ci_linux_server", "eg-ems-db-01", "NF8480", 1, "hpc_server", "rack_server",
     "EMS/SCADA", "passed", True, "PO-2024-0650", {}),
    ("cmdb_ci_linux_server", "eg-ems-db-02", "NF8480", 1, "hpc_server", "rack_server",
     "EMS/SCADA", "none", True, "PO-2025-0800", {}),
    ("cmdb_ci_linux_server", "eg-ems-app-01", "SR850", 1, "hpc_server", "rack_server",
     "EMS/SCADA", "passed", True, "PO-2024-0651", {}),
    ("cmdb_ci_linux_server", "eg-ems-app-02", "SR850", 1, "hpc_server", "rack_server",
     "EMS/SCADA", "passed", True, "PO-2024-0651", {}),
    ("cmdb_ci_linux_server", "eg-mdm-db-01", "NF8480", 1, "hpc_server", "rack_server",
     "Metering platform", "declared", True, "PO-2025-0810", {"u_memory_gb": "2 TB"}),
    ("cmdb_ci_linux_server", "eg-mdm-app-01", "R750", 1, "hpc_server", "rack_server",
     "Metering platform", "none", False, "PO-2023-0303", {}),
    ("cmdb_ci_linux_server", "eg-mdm-app-02", "R750", 1, "hpc_server", "rack_server",
     "Metering platform", "none", False, "PO-2023-0303", {}),
    ("cmdb_ci_linux_server", "eg-oms-app-01", "TAISHAN", 1, "hpc_server", "rack_server",
     "Outage management", "none", None, "PO-2024-1102", {}),
    ("cmdb_ci_linux_server", "eg-hist-01", "R750", 1, "", "rack_server",
     "EMS/SCADA", "none", None, "PO-2022-0911", {}),
    ("cmdb_ci_linux_server", "eg-hist-02", "R750", 7, "hpc_server", "rack_server",
     "EMS/SCADA", "none", False, "PO-2017-0200", {}),
    ("cmdb_ci_win_server", "eg-oa-app-01", "R750", 1, "other", "rack_server",
     "", "none", False, "PO-2022-0500", {}),
    ("cmdb_ci_win_server", "eg-oa-app-02", "R750", 1, "other", "rack_server",
     "", "none", False, "PO-2022-0500", {}),
    ("cmdb_ci_win_server", "eg-erp-app-01", "SR850", 1, "hpc_server", "rack_server",
     "", "none", False, "PO-2023-0600", {}),
    ("cmdb_ci_linux_server", "eg-ems-db-03", "NF8480", 2, "hpc_server", "rack_server",
     "EMS/SCADA", "none", True, "PO-2026-0400", {}),
    # PLCs and RTUs
    ("cmdb_ci_ot_plc", "EG-SUB-220-PLC-01", "S71500", 1, "other_important", "plc",
     "Substation automation", "none", True, "PO-2024-0901", {}),
    ("cmdb_ci_ot_plc", "EG-SUB-220-PLC-02", "S71500", 1, "other_important", "plc",
     "Substation automation", "passed", True, "PO-2024-0901", {}),
    ("cmdb_ci_ot_plc", "EG-SUB-110-PLC-01", "M580", 1, "other_important", "plc",
     "Substation automation", "none", False, "PO-2022-0707", {}),
    ("cmdb_ci_ot_plc", "EG-SUB-110-PLC-02", "M580", 1, "other_important", "plc",
     "Substation automation", "none", False, "PO-2022-0707", {}),
    ("cmdb_ci_ot_plc", "EG-HYD-PLC-01", "S71500", 3, "other_important", "plc",
     "Hydro plant control", "under_review", True, "PO-2025-0950", {}),
    ("cmdb_ci_ot_plc", "EG-HYD-PLC-02", "M580", 1, "", "plc",
     "Hydro plant control", "none", None, "", {}),
    ("cmdb_ci_ot_rtu", "EG-SUB-35-RTU-01", "PCS9700", 1, "other_important", "",
     "Substation automation", "none", True, "PO-2023-0808", {}),
    ("cmdb_ci_ot_rtu", "EG-SUB-35-RTU-02", "PCS9700", 1, "other_important", "",
     "Substation automation", "none", True, "PO-2023-0808", {}),
    # applications
    ("cmdb_ci_appl", "D5000 EMS/SCADA", "D5000", 1, "application_software", "",
     "EMS/SCADA", "passed", True, "PO-2024-0001", {}),
    ("cmdb_ci_appl", "Meter data management", "", 1, "application_software", "",
     "Metering platform", "declared", True, "PO-2025-0020", {}),
    ("cmdb_ci_appl", "Outage management system", "", 1, "application_software", "",
     "Outage management", "none", None, "PO-2024-0030", {}),
    ("cmdb_ci_appl", "Electricity trading platform", "", 1, "application_software", "",
     "Trading", "none", True, "PO-2025-0040", {}),
    ("cmdb_ci_appl", "NC Cloud ERP", "NC65", 1, "application_software", "",
     "", "none", False, "PO-2023-0050", {}),
    ("cmdb_ci_appl", "Office automation", "", 1, "other", "",
     "", "none", False, "", {}),
    ("cmdb_ci_appl", "Customer service portal", "", 1, "application_software", "",
     "", "not_required", False, "PO-2022-0060", {}),
    ("cmdb_ci_appl", "Asset performance analytics", "", 2, "application_software", "",
     "", "none", None, "PO-2026-0070", {}),
    # outside the connector's default tables
    ("cmdb_ci_printer", "EG-HQ-PRN-01", "M479", 1, "", "", "", "", None, "", {}),
    ("cmdb_ci_service", "Dispatch WAN", "", 1, "", "", "Dispatch WAN", "", None, "", {}),
]  # fmt: skip

#: CIs with text in a numeric field: decided with that value unknown, and reported
WRONG_TYPE = {sys_id("EG-SH-CORE-RTR-02"), sys_id("eg-mdm-db-01")}
#: CIs in a domain the API user may not read (an ACL)
HIDDEN = {sys_id("EG-DC2-TOR-SW-01"), sys_id("eg-oa-app-02")}
#: hardware assets: (CI, asset tag, cost, purchase date)
ASSETS = [
    ("EG-BJ-CORE-RTR-01", "P100311", "3790000.00", "2024-03-28"),
    ("EG-BJ-CORE-RTR-02", "P100312", "3812000.00", "2025-01-20"),
    ("EG-DC1-CORE-SW-01", "P100620", "2450000.00", "2024-06-18"),
    ("EG-DC1-FW-01", "P100625", "860000.00", "2024-06-25"),
    ("eg-ems-db-01", "P100650", "1280000.00", "2024-07-02"),
    ("EG-SUB-220-PLC-01", "P100901", "156000.00", "2024-09-10"),
]


def load(sn: FakeServiceNow) -> None:
    """Seed ``sn``: companies, models, CIs, assets; then hide :data:`HIDDEN`."""
    companies = {
        key: sn.add("core_company", sys_id(name), name=name, country=country, manufacturer=True)
        for key, (name, country) in COMPANIES.items()
    }
    models = {}
    for key, (company, name, number) in MODELS.items():
        software = key in ("D5000", "NC65")
        table = "cmdb_application_product_model" if software else "cmdb_hardware_product_model"
        models[key] = sn.add(
            table,
            sys_id(f"model:{key}"),
            name=name,
            display_name=name,
            manufacturer=companies[company],
            model_number=number,
        )
    for n, ci in enumerate(CIS):
        cls, name, model, status, category, kind, system, review, nsec, po, extra = ci
        make = MODELS[model][0] if model else ""
        values: dict[str, Any] = {
            "name": name,
            "asset_tag": f"EG-{10000 + n}",
            "serial_number": hashlib.md5(name.encode()).hexdigest()[:12].upper(),
            "install_status": status,
            "operational_status": 6 if status == 7 else (1 if status in (1, 3) else 2),
            "manufacturer": companies.get(make, ""),
            "model_id": models.get(model, ""),
            "model_number": MODELS[model][2] if model else "",
            "u_review_category": category,
            "u_catalogue_type": kind,
            "u_cii_system": system,
            "u_review_status": review,
            "u_may_affect_national_security": nsec,
            "u_purchase_ref": po,
            **SPECS.get(model, {}),
            **extra,
        }
        if n % 9 == 4:  # a few CIs changed in the same second as the one before
            with sn.same_second(as_last=True):
                sn.add(cls, sys_id(name), **values)
        else:
            sn.add(cls, sys_id(name), **values)
    category = sn.add("cmdb_model_category", sys_id("category:network"), name="Network Gear")
    for ci_name, tag, cost, bought in ASSETS:
        row = sn.row(sys_id(ci_name))
        asset = sn.add(
            "alm_hardware",
            sys_id(f"asset:{tag}"),
            asset_tag=tag,
            display_name=f"{tag} - {ci_name}",
            model=row["model_id"],
            model_category=category,
            ci=sys_id(ci_name),
            serial_number=row["serial_number"],
            install_status=row["install_status"],
            vendor=row["manufacturer"],
            cost=cost,
            purchase_date=bought,
            po_number=row["u_purchase_ref"],
        )
        sn.update(sys_id(ci_name), asset=asset)
    sn.hide(*HIDDEN)
