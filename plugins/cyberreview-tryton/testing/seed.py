"""Seed a fresh Tryton 8.2 database with East Grid Power's procurement data.

Runs inside the Tryton venv built by ``tryton_env.py`` (it needs ``trytond``
and ``proteus``), in-process against the SQLite database::

    TRYTOND_QUEUE__WORKER=True python seed.py -c trytond.conf -d DB -o summary.json

``TRYTOND_QUEUE__WORKER=True`` makes ``confirm`` queue the processing instead
of running it, so confirmed purchases stay ``confirmed``; the purchases meant
to be ``processing`` are processed explicitly. Every purchase uses
``invoice_method='manual'``, so no chart of accounts is needed.

The data is deterministic: the same records are created in the same order, so
ids and purchase numbers are stable from one build to the next (only
``create_date``/``write_date`` differ). The summary written to ``-o`` lists
every purchase line with the values the connector's tests compare against.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
from decimal import Decimal

D = Decimal

# --- users ------------------------------------------------------------------

COMPANY_NAME = "East Grid Power Co., Ltd."

# A group that may read purchases and their lines and change nothing: the
# standard "Purchase" group may also write, create and delete them.
READ_ONLY_GROUP = "CyberReview read-only"
READ_ONLY_MODELS = ["purchase.purchase", "purchase.line"]

USERS = {
    # the connector's account (read-only group, REST API key)
    "connector": {
        "login": "cyberreview",
        "name": "CyberReview connector",
        "password": "CyberReview-Read-2026!",
        "groups": [READ_ONLY_GROUP],
    },
    # for negative tests (wrong passwords, rate limiting): never used to read
    "probe": {
        "login": "probe",
        "name": "Login probe",
        "password": "Probe-Login-2026!",
        "groups": [READ_ONLY_GROUP],
    },
}
# a REST API key ("user application") of the connector user; deterministic
API_KEY = hashlib.sha256(b"cyberreview-policy tryton rest key").hexdigest() * 2

# --- reference data ---------------------------------------------------------

COUNTRIES = [
    # code, code3, numeric, name
    ("CN", "CHN", "156", "China"),
    ("US", "USA", "840", "United States"),
    ("DE", "DEU", "276", "Germany"),
    ("JP", "JPN", "392", "Japan"),
]

SUPPLIERS = [
    # key, name, country, city, street, postal code
    ("huaxin", "Huaxin Networks Co., Ltd.", "CN", "Shenzhen", "88 Keji Road", "518057"),
    (
        "zhongke",
        "Zhongke Computing Technology Co., Ltd.",
        "CN",
        "Beijing",
        "6 Kexueyuan South Road",
        "100190",
    ),
    (
        "tianqiong",
        "Tianqiong Security Technology Co., Ltd.",
        "CN",
        "Beijing",
        "18 Xibeiwang East Road",
        "100094",
    ),
    (
        "yunhai",
        "Yunhai Database Software Co., Ltd.",
        "CN",
        "Hangzhou",
        "969 Wenyi West Road",
        "311121",
    ),
    (
        "jiangnan",
        "Jiangnan Office Supplies Co., Ltd.",
        "CN",
        "Nanjing",
        "1 Zhongshan Road",
        "210005",
    ),
    ("pacific", "Pacific Data Systems Inc.", "US", "San Jose", "2100 North First Street", "95131"),
    ("rheinwerk", "Rheinwerk Automation GmbH", "DE", "Nuremberg", "Frankenstrasse 12", "90429"),
    ("sakura", "Sakura Storage K.K.", "JP", "Tokyo", "2-1 Marunouchi, Chiyoda-ku", "100-0005"),
]

CATEGORIES = [
    "Network equipment",
    "Security equipment",
    "Servers",
    "Storage",
    "Software",
    "Cloud services",
    "Industrial control",
    "Office",
]

ATTRIBUTE_SET = "Cybersecurity review"

ATTRIBUTES = [
    # name, label, type, selection keys (for selection), digits
    (
        "review_category",
        "Review category",
        "selection",
        [
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
        ],
        None,
    ),
    (
        "catalogue_type",
        "Catalogue type",
        "selection",
        [
            "router",
            "switch",
            "rack_server",
            "plc",
            "firewall",
            "ids",
            "ips",
            "data_backup",
            "isolation",
        ],
        None,
    ),
    ("throughput_tbps", "Throughput (Tbps)", "numeric", None, 2),
    ("routing_entries", "Routing table entries", "integer", None, None),
    ("forwarding_gpps", "Forwarding rate (Gpps)", "float", None, 2),
    ("cpus", "CPUs", "integer", None, None),
    ("cores_per_cpu", "Cores per CPU", "integer", None, None),
    ("memory_gb", "Memory (GB)", "integer", None, None),
    ("may_affect_national_security", "May affect national security", "boolean", None, None),
    (
        "review_status",
        "Review status",
        "selection",
        [
            "none",
            "declared",
            "under_review",
            "special_review",
            "not_required",
            "passed",
            "failed",
        ],
        None,
    ),
    ("cii_system", "CII system", "char", None, None),
    ("in_use", "In use", "boolean", None, None),
]

# code -> (name, category, type, list price, attribute set?, attributes)
# attributes None: the template has no attribute set at all.
PRODUCTS = [
    (
        "EG-RTR-CORE16",
        "Core router NE-X16 (16 Tbps)",
        "Network equipment",
        "goods",
        D("3850000.00"),
        {
            "review_category": "core_network_equipment",
            "catalogue_type": "router",
            "throughput_tbps": D("16.00"),
            "routing_entries": 2000000,
            "forwarding_gpps": 23.8,
            "may_affect_national_security": True,
            "review_status": "declared",
            "cii_system": "Provincial dispatch backbone",
            "in_use": False,
        },
    ),
    (
        "EG-SW-CORE30",
        "Core switch CS-9800 (30 Tbps)",
        "Network equipment",
        "goods",
        D("2460000.00"),
        {
            "review_category": "core_network_equipment",
            "catalogue_type": "switch",
            "throughput_tbps": D("30.00"),
            "forwarding_gpps": 44.6,
            "may_affect_national_security": True,
            "review_status": "under_review",
            "cii_system": "Provincial dispatch backbone",
            "in_use": False,
        },
    ),
    (
        "EG-RTR-EDGE4",
        "Edge router ER-400 (2.4 Tbps)",
        "Network equipment",
        "goods",
        D("418000.00"),
        {
            "review_category": "core_network_equipment",
            "catalogue_type": "router",
            "throughput_tbps": D("2.40"),
            "routing_entries": 400000,
            "forwarding_gpps": 3.6,
            "may_affect_national_security": False,
            "review_status": "not_required",
            "in_use": True,
        },
    ),
    (
        "EG-SW-ACC48",
        "Access switch AS-48 (48 ports)",
        "Network equipment",
        "goods",
        D("18600.00"),
        {
            "review_category": "other",
            "catalogue_type": "switch",
            "throughput_tbps": D("0.18"),
            "may_affect_national_security": False,
            "review_status": "not_required",
            "in_use": True,
        },
    ),
    (
        "EG-CBL-FIB10",
        "Fibre patch cable LC-LC 10 m",
        "Network equipment",
        "goods",
        D("86.00"),
        {},  # attribute set, but no values
    ),
    (
        "EG-FW-NF6000",
        "Next-generation firewall NF-6000",
        "Security equipment",
        "goods",
        D("726000.00"),
        {
            "review_category": "network_security_equipment",
            "catalogue_type": "firewall",
            "throughput_tbps": D("0.40"),
            "may_affect_national_security": True,
            "review_status": "passed",
            "cii_system": "SCADA zone perimeter",
            "in_use": True,
        },
    ),
    (
        "EG-IPS-3000",
        "Intrusion prevention system IP-3000",
        "Security equipment",
        "goods",
        D("395000.00"),
        {
            "review_category": "network_security_equipment",
            "catalogue_type": "ips",
            "may_affect_national_security": True,
            "review_status": "special_review",
            "cii_system": "SCADA zone perimeter",
        },
    ),
    (
        "EG-ISO-GAP1",
        "Unidirectional isolation gateway UG-1",
        "Security equipment",
        "goods",
        D("268000.00"),
        {
            "review_category": "network_security_equipment",
            "catalogue_type": "isolation",
            "may_affect_national_security": True,
            "review_status": "passed",
            "cii_system": "Production control zone",
            "in_use": True,
        },
    ),
    (
        "EG-SRV-RS8800",
        "Rack server RS-8800 (8 x 14 cores, 256 GB)",
        "Servers",
        "goods",
        D("1280000.00"),
        {
            "review_category": "hpc_server",
            "catalogue_type": "rack_server",
            "cpus": 8,
            "cores_per_cpu": 14,
            "memory_gb": 256,
            "may_affect_national_security": True,
            "review_status": "declared",
            "cii_system": "Grid dispatch data centre",
            "in_use": False,
        },
    ),
    (
        "EG-SRV-RS2200",
        "Rack server RS-2200 (2 x 16 cores, 128 GB)",
        "Servers",
        "goods",
        D("96000.00"),
        {
            "review_category": "other",
            "catalogue_type": "rack_server",
            "cpus": 2,
            "cores_per_cpu": 16,
            "memory_gb": 128,
            "review_status": "none",
        },
    ),
    (
        "EG-STO-DB9000",
        "Backup appliance DB-9000 (2 PB)",
        "Storage",
        "goods",
        D("2150000.00"),
        {
            "review_category": "mass_storage",
            "catalogue_type": "data_backup",
            "may_affect_national_security": True,
            "review_status": "under_review",
            "cii_system": "Grid dispatch data centre",
        },
    ),
    (
        "EG-LIC-DDB",
        "Distributed database licence (per core, perpetual)",
        "Software",
        "service",
        D("42000.00"),
        {
            "review_category": "large_database",
            "may_affect_national_security": True,
            "review_status": "declared",
            "cii_system": "Power trading platform",
            "in_use": False,
        },
    ),
    (
        "EG-APP-SCADA",
        "SCADA application suite v5",
        "Software",
        "service",
        D("3600000.00"),
        {
            "review_category": "application_software",
            "may_affect_national_security": True,
            "review_status": "passed",
            "cii_system": "Provincial dispatch SCADA",
            "in_use": True,
        },
    ),
    (
        "EG-CLD-HOST",
        "Managed private cloud hosting (annual)",
        "Cloud services",
        "service",
        D("1860000.00"),
        {
            "review_category": "cloud_service",
            "may_affect_national_security": True,
            "review_status": "failed",
            "cii_system": "Customer service platform",
        },
    ),
    (
        "EG-PLC-500",
        "Programmable logic controller PLC-500",
        "Industrial control",
        "goods",
        D("38500.00"),
        {
            "review_category": "other_important",
            "catalogue_type": "plc",
            "may_affect_national_security": True,
            "review_status": "not_required",
            "cii_system": "Substation automation",
            "in_use": True,
        },
    ),
    (
        "EG-OFF-CHAIR",
        "Ergonomic office chair",
        "Office",
        "goods",
        D("1280.00"),
        {"review_category": "other"},
    ),
    (
        "EG-OFF-PAPER",
        "A4 copy paper (box of 5 reams)",
        "Office",
        "goods",
        D("145.00"),
        None,  # no attribute set, no attributes at all
    ),
]

# key, supplier, date, supplier reference, description, final state, lines.
# A line is (product code, quantity, unit price) or (None, quantity, unit
# price, description) for a description-only line.
PURCHASES = [
    (
        "P01",
        "huaxin",
        dt.date(2026, 1, 15),
        "HX-SO-2026-0031",
        "Dispatch backbone upgrade, phase 1",
        "processing",
        [
            ("EG-RTR-CORE16", 2, D("3795000.00")),
            ("EG-SW-ACC48", 4, D("18200.00")),
            ("EG-CBL-FIB10", 40, D("82.00")),
            (None, 1, D("120000.00"), "On-site installation and commissioning"),
        ],
    ),
    (
        "P02",
        "huaxin",
        dt.date(2026, 2, 3),
        "HX-SO-2026-0057",
        "Dispatch backbone upgrade, phase 2",
        "confirmed",
        [
            ("EG-SW-CORE30", 2, D("2410000.00")),
            ("EG-CBL-FIB10", 60, D("82.00")),
            ("EG-SW-ACC48", 6, D("18200.00")),
        ],
    ),
    (
        "P03",
        "zhongke",
        dt.date(2026, 2, 20),
        "ZK-2026-118",
        "Dispatch data centre compute",
        "processing",
        [
            ("EG-SRV-RS8800", 4, D("1265000.00")),
            ("EG-SRV-RS2200", 10, D("94500.00")),
            (None, 1, D("86000.00"), "Three-year on-site warranty extension"),
        ],
    ),
    (
        "P04",
        "tianqiong",
        dt.date(2026, 3, 9),
        "TQ-HT-26-0412",
        "Production zone perimeter security",
        "confirmed",
        [
            ("EG-FW-NF6000", 2, D("718000.00")),
            ("EG-IPS-3000", 2, D("389000.00")),
            ("EG-ISO-GAP1", 1, D("268000.00")),
            (None, 12, D("15000.00"), "Security hardening service (per month)"),
        ],
    ),
    (
        "P05",
        "yunhai",
        dt.date(2026, 3, 30),
        "YH-2026-0209",
        "Power trading platform database",
        "confirmed",
        [
            ("EG-LIC-DDB", 64, D("41000.00")),
            (None, 1, D("350000.00"), "Data migration consulting"),
        ],
    ),
    (
        "P06",
        "jiangnan",
        dt.date(2026, 4, 18),
        "JN-20260418-07",
        "Office furniture and supplies, Q2",
        "processing",
        [
            ("EG-OFF-CHAIR", 120, D("1250.00")),
            ("EG-OFF-PAPER", 200, D("142.00")),
            (None, 40, D("260.00"), "LED desk lamps"),
        ],
    ),
    (
        "P07",
        "pacific",
        dt.date(2026, 5, 6),
        "PDS-Q-88120",
        "Backup for dispatch data centre",
        "confirmed",
        [
            ("EG-STO-DB9000", 2, D("2120000.00")),
            ("EG-CLD-HOST", 1, D("1860000.00")),
            (None, 1, D("64000.00"), "Freight and insurance"),
        ],
    ),
    (
        "P08",
        "rheinwerk",
        dt.date(2026, 6, 12),
        "RA-4500-2026-19",
        "Substation automation retrofit",
        "confirmed",
        [
            ("EG-PLC-500", 30, D("38500.00")),
            (None, 1, D("180000.00"), "Engineering station software licence"),
        ],
    ),
    (
        "P09",
        "sakura",
        dt.date(2026, 7, 1),
        "SS-2026-0701",
        "Disaster-recovery backup site",
        "quotation",
        [
            ("EG-STO-DB9000", 1, D("2090000.00")),
        ],
    ),
    (
        "P10",
        "zhongke",
        dt.date(2026, 8, 20),
        "ZK-2026-305",
        "SCADA upgrade",
        "draft",
        [
            ("EG-SRV-RS8800", 2, D("1260000.00")),
            ("EG-APP-SCADA", 1, D("3580000.00")),
            ("EG-IPS-3000", 1, D("389000.00")),
        ],
    ),
    (
        "P11",
        "huaxin",
        dt.date(2026, 9, 15),
        "HX-SO-2026-0240",
        "Regional edge network",
        "draft",
        [
            ("EG-RTR-EDGE4", 4, D("412000.00")),
            ("EG-RTR-CORE16", 1, D("3790000.00")),
        ],
    ),
    (
        "P12",
        "tianqiong",
        dt.date(2026, 10, 8),
        "TQ-HT-26-0977",
        "Customer service platform security",
        "cancelled",
        [
            ("EG-FW-NF6000", 1, D("718000.00")),
            ("EG-CLD-HOST", 1, D("1795000.00")),
        ],
    ),
]


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    return value


def seed(config_file: str, database: str) -> dict:
    from proteus import config as pconfig

    config = pconfig.set_trytond(database=database, config_file=config_file)
    countries = _create_countries()
    cny = _create_currency()
    company = _create_company(config, countries, cny)
    _create_users(company)
    attribute_set = _create_attributes()
    products = _create_products(attribute_set)
    suppliers = _create_suppliers(countries)
    _create_purchases(suppliers, products, cny)
    return summarize(products, suppliers)


def _create_countries() -> dict:
    from proteus import Model

    Country = Model.get("country.country")
    countries = {}
    for code, code3, numeric, name in COUNTRIES:
        country = Country(name=name, code=code, code3=code3, code_numeric=numeric)
        country.save()
        countries[code] = country
    return countries


def _create_currency():
    from proteus import Model

    Currency = Model.get("currency.currency")
    CurrencyRate = Model.get("currency.currency.rate")
    cny = Currency(
        name="Chinese Yuan Renminbi",
        symbol="¥",
        code="CNY",
        numeric_code="156",
        rounding=D("0.01"),
        digits=2,
    )
    cny.save()
    CurrencyRate(date=dt.date(2020, 1, 1), rate=D("1"), currency=cny).save()
    return cny


def _set_address(party, country, city, street, postal_code) -> None:
    address = party.addresses[0] if party.addresses else party.addresses.new()
    address.street_unstructured = street
    address.city = city
    address.postal_code = postal_code
    address.country = country


def _create_company(config, countries, cny):
    from proteus import Model, Wizard

    Party = Model.get("party.party")
    User = Model.get("res.user")
    Company = Model.get("company.company")
    party = Party(name=COMPANY_NAME)
    _set_address(party, countries["CN"], "Beijing", "86 West Chang'an Avenue", "100031")
    party.save()
    wizard = Wizard("company.company.config")
    wizard.execute("company")
    wizard.form.party = party
    wizard.form.currency = cny
    wizard.form.timezone = "Asia/Shanghai"
    wizard.execute("add")
    config._context = User.get_preferences(True, {})
    (company,) = Company.find()
    return company


def _create_users(company) -> None:
    from proteus import Model

    User = Model.get("res.user")
    Group = Model.get("res.group")
    ModelAccess = Model.get("ir.model.access")
    Application = Model.get("res.user.application")
    Company = Model.get("company.company")

    read_only = Group(name=READ_ONLY_GROUP)
    read_only.save()
    for model in READ_ONLY_MODELS:
        ModelAccess(
            model=model,
            group=read_only,
            perm_read=True,
            perm_write=False,
            perm_create=False,
            perm_delete=False,
        ).save()
    users = {}
    for key, spec in USERS.items():
        user = User(login=spec["login"], name=spec["name"])
        user.password = spec["password"]
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        for group_name in spec["groups"]:
            (group,) = Group.find([("name", "=", group_name)])
            user.groups.append(group)
        user.save()
        users[key] = user
    Application(key=API_KEY, user=users["connector"], application="rest", state="validated").save()


def _create_attributes():
    from proteus import Model

    Attribute = Model.get("product.attribute")
    AttributeSet = Model.get("product.attribute.set")
    attributes = []
    for name, label, type_, selection, digits in ATTRIBUTES:
        attribute = Attribute(name=name, string=label, type_=type_)
        if selection:
            attribute.selection = "\n".join(
                f"{key}:{key.replace('_', ' ').capitalize()}" for key in selection
            )
            attribute.selection_sorted = False
        if digits is not None:
            attribute.digits = digits
        attribute.save()
        attributes.append(attribute)
    attribute_set = AttributeSet(name=ATTRIBUTE_SET)
    attribute_set.attributes.extend(attributes)
    attribute_set.save()
    return attribute_set


def _create_products(attribute_set) -> dict:
    from proteus import Model

    Category = Model.get("product.category")
    Uom = Model.get("product.uom")
    Template = Model.get("product.template")
    categories = {}
    for name in CATEGORIES:
        category = Category(name=name)
        category.save()
        categories[name] = category.id

    (unit,) = Uom.find([("name", "=", "Unit")])
    products = {}
    for code, name, category, type_, price, values in PRODUCTS:
        template = Template(name=name, code=code, type=type_, default_uom=unit)
        template.purchasable = True
        template.list_price = price
        template.categories.append(Category(categories[category]))
        if values is not None:
            template.attribute_set = attribute_set
        template.save()
        (product,) = template.products
        if values:
            product.attributes = dict(values)
            product.save()
        products[code] = product
    return products


def _create_suppliers(countries) -> dict:
    from proteus import Model

    Party = Model.get("party.party")
    suppliers = {}
    for key, name, country, city, street, postal_code in SUPPLIERS:
        party = Party(name=name)
        _set_address(party, countries[country], city, street, postal_code)
        party.save()
        suppliers[key] = party
    return suppliers


def _create_purchases(suppliers, products, cny) -> None:
    from proteus import Model

    Uom = Model.get("product.uom")
    Purchase = Model.get("purchase.purchase")
    PurchaseConfig = Model.get("purchase.configuration")

    # purchase numbers like PO-2026-0001
    sequence = PurchaseConfig(1).purchase_sequence
    sequence.prefix = "PO-2026-"
    sequence.padding = 4
    sequence.save()

    (unit,) = Uom.find([("name", "=", "Unit")])
    for key, supplier, date, reference, description, state, lines in PURCHASES:
        purchase = Purchase()
        purchase.party = suppliers[supplier]
        purchase.purchase_date = date
        purchase.reference = reference
        purchase.description = description
        purchase.invoice_method = "manual"
        purchase.currency = cny
        for spec in lines:
            line = purchase.lines.new()
            if spec[0] is not None:
                code, quantity, price = spec
                line.product = products[code]
            else:
                _, quantity, price, text = spec
                line.description = text
                line.unit = unit
            line.quantity = quantity
            line.unit_price = price
        purchase.save()
        _move_to(purchase, state)
        purchase.reload()
        if purchase.state != state:
            raise SystemExit(f"{key}: expected state {state}, got {purchase.state}")


def _move_to(purchase, state: str) -> None:
    # cancelled purchases are quoted first, so they have a number
    if state in {"quotation", "confirmed", "processing", "cancelled"}:
        purchase.click("quote")
    if state in {"confirmed", "processing"}:
        purchase.click("confirm")
    if state == "processing":
        purchase.click("process")
    if state == "cancelled":
        purchase.click("cancel")


def summarize(products, suppliers) -> dict:
    from proteus import Model

    Purchase = Model.get("purchase.purchase")
    Line = Model.get("purchase.line")
    attribute_types = {name: type_ for name, _, type_, _, _ in ATTRIBUTES}
    purchases = []
    for purchase in Purchase.find([], order=[("id", "ASC")]):
        purchases.append(
            {
                "id": purchase.id,
                "number": purchase.number,
                "reference": purchase.reference,
                "state": purchase.state,
                "purchase_date": purchase.purchase_date.isoformat(),
                "supplier": purchase.party.name,
                "supplier_country": purchase.party.addresses[0].country.code,
                "currency": purchase.currency.code,
                "total_amount": str(purchase.total_amount),
            }
        )
    lines = []
    for line in Line.find([], order=[("id", "ASC")]):
        product = line.product
        lines.append(
            {
                "id": line.id,
                "purchase_id": line.purchase.id,
                "purchase_number": line.purchase.number,
                "purchase_state": line.purchase.state,
                "supplier": line.purchase.party.name,
                "product_id": product.id if product else None,
                "product_code": product.code if product else None,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "amount": str(line.amount),
                "categories": [c.name for c in product.template.categories] if product else [],
                "attribute_set": (
                    product.template.attribute_set.name
                    if product and product.template.attribute_set
                    else None
                ),
                # as the server returns it: null when the product has none
                "attributes": (
                    _jsonable(product.attributes) if product and product.attributes else None
                ),
            }
        )
    return {
        "company": COMPANY_NAME,
        "currency": "CNY",
        "counts": {
            "countries": len(COUNTRIES),
            "suppliers": len(suppliers),
            "products": len(products),
            "categories": len(CATEGORIES),
            "attributes": len(ATTRIBUTES),
            "purchases": len(purchases),
            "purchase_lines": len(lines),
            "purchases_by_state": _count(p["state"] for p in purchases),
        },
        "attribute_set": ATTRIBUTE_SET,
        "attribute_types": attribute_types,
        "users": {
            key: {"login": spec["login"], "password": spec["password"], "groups": spec["groups"]}
            for key, spec in USERS.items()
        },
        "api_key": API_KEY,
        "products": {
            code: {
                "id": product.id,
                "template_id": product.template.id,
                "name": product.template.name,
            }
            for code, product in products.items()
        },
        "suppliers": {
            party.name: {"id": party.id, "country": party.addresses[0].country.code}
            for party in suppliers.values()
        },
        "purchases": purchases,
        "lines": lines,
    }


def _count(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="trytond configuration file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument("-o", "--output", required=True, help="where to write the JSON summary")
    args = parser.parse_args(argv)
    if os.environ.get("TRYTOND_QUEUE__WORKER", "").lower() not in {"1", "true", "yes", "on"}:
        print("seed.py: set TRYTOND_QUEUE__WORKER=True", file=sys.stderr)
        return 2
    summary = seed(args.config, args.database)
    with open(args.output, "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=1, ensure_ascii=False)
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
