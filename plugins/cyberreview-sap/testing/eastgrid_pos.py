"""East Grid Power's purchase orders: the deterministic seed of :class:`fake_s4hana.FakeS4HANA`.

A provincial grid company's 2026 purchasing in S/4HANA (company code ``EG10``,
purchasing organization ``EG00``): core routers, switches, firewalls, power
dispatch isolation devices, RTUs, servers, storage, databases, application
software and a cloud subscription, and what a grid buys besides (a power
transformer, fibre cable), from domestic and foreign suppliers.  Material groups
are East Grid Power's own (every SAP customer defines its own, table T023; see
:data:`MATERIAL_GROUPS`), and three custom fields on the item carry what the
review needs: ``YY1_NatSecImpact_PDI`` (``Y``/``N``; empty: not assessed),
``YY1_CIISystem_PDI`` (the system it goes into) and ``YY1_ReviewStatus_PDI``
(``DCL`` declared, ``URV`` under review, ``PAS`` passed, ``NRQ`` not required,
``FAL`` failed; empty: none).

Purchase orders are numbered from 4500000001 in the order below; 4500000017 is
the backbone router of the README's ``gate --source sap --id 4500000017/10``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_s4hana import FakeS4HANA

#: East Grid Power's material groups: code -> (description, record category)
MATERIAL_GROUPS: dict[str, tuple[str, str]] = {
    "NET010": ("Routers", "core_network_equipment"),
    "NET020": ("Switches", "core_network_equipment"),
    "NET030": ("Optical transmission (SDH/OTN)", "important_communication_product"),
    "NET040": ("Wireless access and private LTE", "important_communication_product"),
    "NET090": ("Network spare parts and optics", "other"),
    "SEC010": ("Firewalls", "network_security_equipment"),
    "SEC020": ("Intrusion detection and prevention", "network_security_equipment"),
    "SEC030": ("Power dispatch isolation devices", "network_security_equipment"),
    "SRV010": ("Servers", "hpc_server"),
    "STO010": ("Storage arrays", "mass_storage"),
    "SWD010": ("Database software", "large_database"),
    "SWA010": ("Application software", "application_software"),
    "CLD010": ("Cloud services", "cloud_service"),
    "OTA010": ("Substation automation, RTUs and PLCs", "other_important"),
    "OFF010": ("Office IT", "other"),
    "ELE010": ("Primary electrical equipment", "other"),
    "CAB010": ("Cables and fibre", "other"),
}

#: number -> (name, country, city, more address countries, has a standard address)
SUPPLIERS: dict[str, tuple[str, str, str, list[str], bool]] = {
    "10000101": ("Huawei Technologies Co., Ltd.", "CN", "Shenzhen", [], True),
    "10000102": ("ZTE Corporation", "CN", "Shenzhen", [], True),
    "10000103": ("New H3C Technologies Co., Ltd.", "CN", "Hangzhou", [], True),
    "10000104": ("Hillstone Networks Co., Ltd.", "CN", "Suzhou", [], True),
    "10000105": ("Sangfor Technologies Inc.", "CN", "Shenzhen", [], True),
    "10000106": ("Inspur Electronic Information Industry Co., Ltd.", "CN", "Jinan", [], True),
    "10000107": ("NARI Technology Co., Ltd.", "CN", "Nanjing", [], True),
    "10000108": ("Beijing Kingbase Information Technologies Inc.", "CN", "Beijing", [], True),
    "10000109": ("Yonyou Network Technology Co., Ltd.", "CN", "Beijing", [], True),
    "10000110": ("TBEA Co., Ltd.", "CN", "Changji", [], True),
    "10000111": ("Zhongtian Technology Submarine Cable Co., Ltd.", "CN", "Nantong", [], True),
    "20000201": ("Cisco Systems, Inc.", "US", "San Jose", [], True),
    "20000202": ("Juniper Networks, Inc.", "US", "Sunnyvale", [], True),
    "20000203": ("Fortinet, Inc.", "US", "Sunnyvale", [], True),
    "20000204": ("Siemens AG", "DE", "Munich", [], True),
    # two addresses in two countries, neither the standard one: the country is unknown
    "20000205": ("Dell Technologies Inc.", "US", "Round Rock", ["IE"], False),
}


def _item(
    text: str, group: str, qty: float, price: float, *flags: str, **more: Any
) -> dict[str, Any]:
    """An item; ``flags``: the custom fields' national security impact, CII system and
    review status, in that order (empty: not given)."""
    natsec, system, review = (*flags, "", "", "")[:3]
    return {
        "PurchaseOrderItemText": text,
        "MaterialGroup": group,
        "OrderQuantity": qty,
        "NetPriceAmount": price,
        "YY1_NatSecImpact_PDI": natsec,
        "YY1_CIISystem_PDI": system,
        "YY1_ReviewStatus_PDI": review,
        "PurchaseOrderItemCategory": "0" if group.startswith(("SWA", "SWD", "CLD")) else "",
        **more,
    }


DISPATCH, EMS, SUBSTATION = "Dispatch WAN", "EMS/SCADA", "Substation automation"
#: (supplier, purchase order date, currency, items)
ORDERS: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    ("10000101", "2026-03-02", "CNY", [  # 4500000001
        _item("NetEngine 8000 X8 core router", "NET010", 2, 2850000, "Y", DISPATCH, "PAS",
              ManufacturerMaterial="NE8000-X8"),
        _item("Router line card 8x100GE", "NET010", 8, 185000, "Y", DISPATCH, "PAS")]),
    ("10000102", "2026-03-15", "CNY", [  # 4500000002: never assessed
        _item("ZXR10 M6000-18S aggregation router", "NET010", 2, 1960000, "", DISPATCH,
              ManufacturerMaterial="M6000-18S")]),
    ("10000103", "2026-04-01", "CNY", [  # 4500000003
        _item("S12508G-AF data centre switch", "NET020", 4, 760000, "N", EMS),
        _item("S6850-56HF access switch", "NET020", 20, 48500, "N", EMS)]),
    ("10000104", "2026-04-08", "CNY", [  # 4500000004: declared
        _item("SG-6000-X20800 firewall", "SEC010", 2, 420000, "Y", EMS, "DCL")]),
    ("10000107", "2026-04-20", "CNY", [  # 4500000005
        _item("PCS-9700 RTU", "OTA010", 30, 36000, "Y", SUBSTATION),
        _item("SysKeeper-2000 forward isolation device", "SEC030", 6, 98000, "N", DISPATCH)]),
    ("10000106", "2026-05-06", "CNY", [  # 4500000006: never assessed
        _item("NF8480M6 rack server", "SRV010", 12, 268000, "", EMS)]),
    ("10000108", "2026-05-18", "CNY", [  # 4500000007: the Office found no review necessary
        _item("KingbaseES V9 enterprise licence", "SWD010", 4, 350000, "Y", "Marketing system",
              "NRQ", PurchaseOrderQuantityUnit="LIC", OrderPriceUnit="LIC")]),
    ("10000109", "2026-05-25", "CNY", [  # 4500000008
        _item("NC Cloud procurement module", "SWA010", 1, 1200000, "N", "Office network")]),
    ("20000201", "2026-06-03", "USD", [  # 4500000009
        _item("ASR 9010 aggregation services router", "NET010", 2, 310000, "Y", DISPATCH,
              ManufacturerMaterial="ASR-9010-AC")]),
    ("20000202", "2026-06-10", "USD", [  # 4500000010: under review
        _item("MX960 universal routing platform", "NET010", 1, 265000, "Y", DISPATCH, "URV")]),
    ("20000203", "2026-06-22", "USD", [  # 4500000011
        _item("FortiGate 3700F firewall", "SEC010", 2, 98000, "", "Office network")]),
    ("20000204", "2026-07-01", "EUR", [  # 4500000012
        _item("SIMATIC S7-1500 CPU 1518-4 PN/DP", "OTA010", 10, 9800, "N", "Hydro plant control",
              ManufacturerMaterial="6ES7518-4AP00-0AB0")]),
    ("20000205", "2026-07-09", "USD", [  # 4500000013: the supplier's country is unknown
        _item("PowerEdge R750 server", "SRV010", 6, 14500, "N", "Office network")]),
    ("10000110", "2026-07-20", "CNY", [  # 4500000014: not a network product
        _item("220 kV power transformer", "ELE010", 1, 18600000, "N", "")]),
    ("10000111", "2026-08-03", "CNY", [  # 4500000015
        _item("OPGW optical ground wire, 48 cores", "CAB010", 120, 21000, "N", "",
              PurchaseOrderQuantityUnit="KM", OrderPriceUnit="KM")]),
    ("10000101", "2026-08-17", "CNY", [  # 4500000016
        _item("OptiX OSN 9800 OTN platform", "NET030", 4, 1450000, "Y", DISPATCH, "PAS")]),
    ("10000101", "2026-10-20", "CNY", [  # 4500000017: the README's gate example
        _item("NetEngine 40E-X8A backbone router", "NET010", 2, 1280000, "Y", DISPATCH,
              ManufacturerMaterial="NE40E-X8A"),
        _item("100G QSFP28 optical module", "NET090", 16, 6800, "N", DISPATCH),
        _item("NetEngine 40E-X16A chassis (cancelled)", "NET010", 1, 2100000, "Y", DISPATCH,
              PurchasingDocumentDeletionCode="L")]),
    ("10000105", "2026-09-01", "CNY", [  # 4500000018
        _item("NGAF M5600 firewall", "SEC010", 4, 156000, "N", "Office network")]),
    ("10000103", "2026-09-08", "CNY", [  # 4500000019
        _item("WX5860X wireless controller", "NET040", 2, 230000, "", "Office network")]),
    ("10000101", "2026-09-15", "CNY", [  # 4500000020: declared
        _item("Huawei Cloud Stack, one year", "CLD010", 1, 3600000, "Y", EMS, "DCL",
              PurchaseOrderQuantityUnit="YR", OrderPriceUnit="YR")]),
    ("10000106", "2026-09-21", "CNY", [  # 4500000021: never assessed
        _item("AS5600G5 storage array", "STO010", 2, 890000, "", EMS)]),
    ("10000107", "2026-10-05", "CNY", [  # 4500000022
        _item("D5000 dispatch platform upgrade", "SWA010", 1, 5200000, "Y", DISPATCH, "PAS"),
        _item("D5000 application servers", "SRV010", 8, 180000, "Y", DISPATCH, "PAS")]),
    ("10000111", "2026-10-12", "CNY", [  # 4500000023: priced per 100
        _item("LC-LC patch cords, 3 m", "CAB010", 500, 4500, "N", "", NetPriceQuantity=100)]),
    ("10000111", "2026-10-14", "CNY", [  # 4500000024: ordered in m, priced per km
        _item("Indoor fibre cable, 12 cores", "CAB010", 2500, 3800, "N", "",
              PurchaseOrderQuantityUnit="M", OrderPriceUnit="KM",
              OrderPriceUnitToOrderUnitNmrtr=1, OrdPriceUnitToOrderUnitDnmntr=1000)]),
    ("10000104", "2026-10-26", "CNY", [  # 4500000025: failed review
        _item("SG-6000-X10800 firewall", "SEC010", 2, 260000, "Y", EMS, "FAL")]),
]  # fmt: skip

READABLE = sum(
    1 for _, _, _, items in ORDERS for i in items if i.get("PurchasingDocumentDeletionCode") != "L"
)


def load(s4: FakeS4HANA) -> None:
    for number, (name, country, city, more, standard) in SUPPLIERS.items():
        s4.add_supplier(number, name, country, city, standard=standard, more=more)
    for supplier, date, currency, items in ORDERS:
        day = dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)
        group = "S01" if items[0]["MaterialGroup"].startswith("SEC") else "N01"
        s4.add_order(supplier, items, PurchaseOrderDate=day, CreationDate=day,
                     DocumentCurrency=currency, PurchasingGroup=group)  # fmt: skip
