"""A purchase order item as a canonical record, and its id."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import odata
from .odata import SapError

#: what is read of each purchase order (A_PurchaseOrder)
HEADER_FIELDS = [
    "PurchaseOrder",
    "CompanyCode",
    "PurchaseOrderType",
    "PurchasingDocumentDeletionCode",
    "PurchasingProcessingStatus",
    "CreationDate",
    "LastChangeDateTime",
    "Supplier",
    "PurchasingOrganization",
    "PurchasingGroup",
    "PurchaseOrderDate",
    "DocumentCurrency",
]
#: what is read of each item (A_PurchaseOrderItem)
ITEM_FIELDS = [
    "PurchaseOrder",
    "PurchaseOrderItem",
    "PurchasingDocumentDeletionCode",
    "PurchaseOrderItemText",
    "Plant",
    "MaterialGroup",
    "Material",
    "ManufacturerMaterial",
    "SupplierMaterialNumber",
    "OrderQuantity",
    "PurchaseOrderQuantityUnit",
    "OrderPriceUnit",
    "OrderPriceUnitToOrderUnitNmrtr",
    "OrdPriceUnitToOrderUnitDnmntr",
    "NetPriceAmount",
    "NetPriceQuantity",
    "DocumentCurrency",
    "PurchaseOrderItemCategory",
    "AccountAssignmentCategory",
    "IsCompletelyDelivered",
]
#: properties by OData type, for attributes.sap (the rest are strings)
DATES = frozenset({"CreationDate", "PurchaseOrderDate"})
TIMESTAMPS = frozenset({"LastChangeDateTime"})
DECIMALS = frozenset(
    {
        "OrderQuantity",
        "OrderPriceUnitToOrderUnitNmrtr",
        "OrdPriceUnitToOrderUnitDnmntr",
        "NetPriceAmount",
        "NetPriceQuantity",
    }
)
DELETED = "L"  # PurchasingDocumentDeletionCode of a deleted item
_ID = re.compile(r"\s*([A-Za-z0-9]{1,10})\s*/\s*(\d{1,5})\s*")


@dataclass(frozen=True)
class Supplier:
    """A supplier as API_BUSINESS_PARTNER knows it."""

    name: str | None
    country: str | None  # ISO 3166 alpha-2, or unknown
    business_partner: str | None = None
    country_key: str | None = None  # SAP's country key, as the address holds it


def record_id(purchase_order: str, item: str) -> str:
    """``4500000017/10``: SAP's item numbers are NUMC(5), ``00010`` and ``10`` alike."""
    return f"{purchase_order}/{int(item)}"


def parse_id(text: str) -> tuple[str, str] | None:
    """``(purchase order, item)`` from ``4500000017/10`` or ``4500000017/00010``."""
    found = _ID.fullmatch(text)
    if found is None or int(found.group(2)) == 0:
        return None
    return found.group(1).upper(), str(int(found.group(2)))


def raw(row: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """``fields`` of an entity for attributes.sap: dates ISO, decimals as strings,
    ``""`` as ``None`` (unknown, so that a mapping's ``missing`` applies)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = row.get(name)
        if name in DATES:
            out[name] = odata.date(value)
        elif name in TIMESTAMPS:
            out[name] = odata.timestamp(value)
        elif name in DECIMALS:
            number = odata.decimal(value)
            out[name] = None if number is None else str(number)
        elif isinstance(value, str):
            out[name] = odata.text(value)
        elif isinstance(value, dict):  # a navigation property: not an attribute
            continue
        else:
            out[name] = value
    return out


def net_value(item: Mapping[str, Any]) -> Decimal | None:
    """The item's net value: quantity x net price / price unit, where SAP's item says
    so plainly (the order price unit is the order unit, or converts 1:1); else unknown.
    SAP's EKPO net value (NETWR) is not in API_PURCHASEORDER_PROCESS_SRV's item.

    Unknown too when any of its inputs is missing (SAP always fills them: a missing
    one is an answer cut short, not a default of 1 or "the same unit")."""
    quantity = odata.decimal(item.get("OrderQuantity"))
    price = odata.decimal(item.get("NetPriceAmount"))
    per = odata.decimal(item.get("NetPriceQuantity"))
    numerator = odata.decimal(item.get("OrderPriceUnitToOrderUnitNmrtr"))
    denominator = odata.decimal(item.get("OrdPriceUnitToOrderUnitDnmntr"))
    unit = odata.text(item.get("PurchaseOrderQuantityUnit"))
    price_unit = odata.text(item.get("OrderPriceUnit"))
    if quantity is None or price is None or unit is None or price_unit is None:
        return None
    if per is None or numerator is None or denominator is None:
        return None
    if per <= 0 or numerator <= 0 or denominator <= 0:
        return None
    if price_unit != unit and numerator != denominator:
        return None  # a conversion between units: not guessed
    return quantity * price / per


def amount_text(value: Decimal | None) -> str | None:
    if value is None or value < 0:
        return None
    return format(value.quantize(Decimal("0.01")), "f")


def record(
    header: Mapping[str, Any],
    item: Mapping[str, Any],
    supplier: Supplier | None,
    header_fields: list[str],
    item_fields: list[str],
) -> dict[str, Any]:
    """The canonical record (docs/record-v1.md) of one purchase order item.

    Everything read is kept under ``attributes.sap`` (header and item properties by
    their OData names; the item's win where both have one), for the configuration's
    mappings: the material group to ``product.category``, a custom field to
    ``risk.may_affect_national_security``.  What SAP leaves empty stays unknown.
    """
    po = str(header["PurchaseOrder"])
    if str(item.get("PurchaseOrder")) != po:
        raise SapError(
            f"item {item.get('PurchaseOrder')}/{item.get('PurchaseOrderItem')} "
            f"came with purchase order {po}"
        )
    rid = record_id(po, str(item["PurchaseOrderItem"]))
    sap = {
        **raw(header, [*HEADER_FIELDS, *header_fields]),
        **raw(item, [*ITEM_FIELDS, *item_fields]),
    }
    sap["PurchaseOrderItem"] = rid.split("/", 1)[1]
    if supplier is not None:
        sap["SupplierBusinessPartner"] = supplier.business_partner
        sap["SupplierCountry"] = supplier.country_key
    name = sap.get("PurchaseOrderItemText") or sap.get("Material") or f"purchase order item {rid}"
    currency = sap.get("DocumentCurrency")
    contract: dict[str, Any] = {"number": po, "signed_date": sap.get("PurchaseOrderDate")}
    if currency:  # an amount without its currency is not one (and not CNY by default)
        contract["amount"] = amount_text(net_value(item))
        contract["currency"] = currency
    return {
        "id": rid,
        "kind": "purchase",
        "source": {"ref": rid},
        "product": {
            "name": name,
            "model": sap.get("ManufacturerMaterial") or sap.get("SupplierMaterialNumber"),
        },
        "vendor": {
            "name": supplier.name if supplier else None,
            "country": supplier.country if supplier else None,
        },
        "contract": contract,
        "attributes": {"sap": sap},
    }
