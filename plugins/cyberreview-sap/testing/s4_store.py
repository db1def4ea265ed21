"""The local S/4HANA's data: entities by type and key, changes, the clock.

Rows hold Python values (``str``, ``Decimal``, ``bool``, aware ``datetime``);
``odata_json.py`` writes them as SAP does.  A change to a purchase order or one of
its items stamps the order's ``LastChangeDateTime``, as S/4HANA does on save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import odata_query as q
from s4_model import SERVICES, EntityType, Prop

#: navigation properties that join on other properties than the keys
JOINS = {("A_BusinessPartnerType", "to_Supplier"): [("Supplier", "Supplier")]}


class Clock:
    """``LastChangeDateTime`` of each change: 1.000357 s after the last, unless frozen."""

    def __init__(self, start: dt.datetime):
        self.now = start
        self.frozen = 0

    def stamp(self) -> dt.datetime:
        if not self.frozen:
            self.now += dt.timedelta(seconds=1, microseconds=357)
        return self.now


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = Clock(dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC))
        self.tables: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {
            t: {} for s in SERVICES.values() for t in s.types
        }
        self._numbers = itertools.count(4500000001)
        self.version = 0  # moves with every change: what is cached of an older one is stale
        self._indexes: dict[tuple[str, str], tuple[int, dict[Any, list[dict[str, Any]]]]] = {}

    def row(self, type_name: str, **values: Any) -> dict[str, Any]:
        """A new entity of ``type_name``: SAP's initial values, then ``values``."""
        entity = self.type_named(type_name)
        unknown = sorted(set(values) - set(entity.props))
        if unknown:
            raise KeyError(f"{type_name} has no property {', '.join(unknown)}")
        row = {name: _initial(prop) for name, prop in entity.props.items()}
        row.update({k: _stored(entity.props[k], v) for k, v in values.items()})
        with self.lock:
            self.tables[type_name][tuple(row[k] for k in entity.keys)] = row
            self.version += 1
        return row

    def add_supplier(
        self,
        number: str,
        name: str,
        country: str,
        city: str = "",
        *,
        standard: bool = True,
        more: list[str] | None = None,
    ) -> None:
        """A supplier and its business partner (same number), with an address in
        ``country`` (the standard one unless ``standard`` is false) and ``more``."""
        self.row(
            "A_BusinessPartnerType",
            BusinessPartner=number,
            Supplier=number,
            BusinessPartnerCategory="2",
            BusinessPartnerFullName=name,
            BusinessPartnerName=name,
            OrganizationBPName1=name[:40],
        )
        self.row(
            "A_SupplierType",
            Supplier=number,
            SupplierName=name[:80],
            SupplierFullName=name,
            SupplierAccountGroup="SUPL",
        )
        start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        end = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
        for n, where in enumerate([country, *(more or [])], start=1):
            address = str(41000 + int(number[-3:]) * 10 + n)
            self.row(
                "A_BusinessPartnerAddressType",
                BusinessPartner=number,
                AddressID=address,
                ValidityStartDate=start,
                ValidityEndDate=end,
                Country=where,
                CityName=city if n == 1 else "",
            )
            if n == 1 and standard:
                self.row(
                    "A_BuPaAddressUsageType",
                    BusinessPartner=number,
                    ValidityEndDate=end,
                    AddressUsage="XXDEFAULT",
                    AddressID=address,
                    ValidityStartDate=start,
                    StandardUsage=True,
                )

    def add_order(self, supplier: str, items: list[dict[str, Any]], **header: Any) -> str:
        """A purchase order with ``items`` (numbered 10, 20, ... unless they say); its
        number (``4500000001``, ...)."""
        with self.lock:
            po = header.pop("PurchaseOrder", None) or str(next(self._numbers))
            stamp = self.clock.stamp()
            values = {
                "CompanyCode": "EG10",
                "PurchaseOrderType": "NB",
                "PurchasingOrganization": "EG00",
                "PurchasingGroup": "N01",
                "CreatedByUser": "PURCHASER01",
                "Language": "ZH",
                "DocumentCurrency": "CNY",
                "PurchasingProcessingStatus": "05",
                "CreationDate": stamp.replace(hour=0, minute=0, second=0, microsecond=0),
                "PurchaseOrderDate": stamp.replace(hour=0, minute=0, second=0, microsecond=0),
                **header,
            }
            self.row(
                "A_PurchaseOrderType",
                PurchaseOrder=po,
                Supplier=supplier,
                LastChangeDateTime=stamp,
                **values,
            )
            for n, item in enumerate(items, start=1):
                fields = {
                    "PurchaseOrderItem": str(10 * n),
                    "Plant": "EG11",
                    "DocumentCurrency": values["DocumentCurrency"],
                    "NetPriceQuantity": 1,
                    "PurchaseOrderQuantityUnit": "EA",
                    "OrderPriceUnit": "EA",
                    "OrderPriceUnitToOrderUnitNmrtr": 1,
                    "OrdPriceUnitToOrderUnitDnmntr": 1,
                    **item,
                }
                self.row("A_PurchaseOrderItemType", PurchaseOrder=po, **fields)
        return po

    def order(self, po: str) -> dict[str, Any]:
        return self.tables["A_PurchaseOrderType"][(po,)]

    def item(self, po: str, item: str) -> dict[str, Any]:
        return self.tables["A_PurchaseOrderItemType"][(po, str(int(item)))]

    def change(self, po: str, item: str | None = None, **values: Any) -> dt.datetime:
        """Change a purchase order (or one of its items), as a buyer in ME22N would: the
        order's ``LastChangeDateTime`` moves; the new stamp."""
        with self.lock:
            target = self.order(po) if item is None else self.item(po, item)
            type_name = "A_PurchaseOrderType" if item is None else "A_PurchaseOrderItemType"
            props = self.type_named(type_name).props
            for name, value in values.items():
                if name not in props:
                    raise KeyError(f"{type_name} has no property {name}")
                target[name] = _stored(props[name], value)
            stamp = self.clock.stamp()
            self.order(po)["LastChangeDateTime"] = stamp
            self.version += 1
            return stamp

    @contextlib.contextmanager
    def same_instant(self) -> Iterator[None]:
        """Changes inside are stamped with one and the same ``LastChangeDateTime``."""
        self.clock.frozen += 1
        try:
            yield
        finally:
            self.clock.frozen -= 1

    def type_named(self, name: str) -> EntityType:
        return next(s.types[name] for s in SERVICES.values() if name in s.types)

    def by_key(self, entity: EntityType, text: str) -> dict[str, Any] | None:
        values: dict[str, str] = {}
        for part in re.findall(r"(?:(\w+)=)?'((?:[^']|'')*)'", text):
            name = part[0] or (entity.keys[0] if len(entity.keys) == 1 else "")
            values[name] = part[1].replace("''", "'")
        if set(values) != set(entity.keys):
            raise q.QueryError(f"Invalid key predicate ({text}) for type {entity.name}")
        key = []
        for name in entity.keys:
            value = values[name]
            if entity.props[name].display == "NonNegative" and value.isdigit():
                value = str(int(value))
            key.append(value)
        return self.tables[entity.name].get(tuple(key))

    def index(self, type_name: str, name: str) -> dict[Any, list[dict[str, Any]]]:
        """The rows of ``type_name`` by their value of ``name`` (rebuilt after a change)."""
        with self.lock:
            built = self._indexes.get((type_name, name))
            if built is None or built[0] != self.version:
                rows: dict[Any, list[dict[str, Any]]] = {}
                for row in self.tables[type_name].values():
                    rows.setdefault(row.get(name), []).append(row)
                built = (self.version, rows)
                self._indexes[(type_name, name)] = built
            return built[1]

    def navigate(self, entity: EntityType, row: dict[str, Any], nav: str) -> Any:
        link = entity.navs[nav]
        target = self.type_named(link.target)
        pairs = JOINS.get((entity.name, nav))
        if pairs is None:
            shared = entity.keys if link.many else target.keys
            pairs = [(k, k) for k in shared if k in target.props and k in entity.props]
        found = [
            r
            for r in self.tables[target.name].values()
            if all(r.get(b) == row.get(a) for a, b in pairs)
        ]
        if link.many:
            return sorted(
                found, key=lambda r: [q.sort_key(r, k, target.props[k]) for k in target.keys]
            )
        return found[0] if found else None


def _initial(prop: Prop) -> Any:
    """SAP's initial value of a property: ``""``, ``0``, ``false``, or no date."""
    if prop.type == "Edm.String":
        return ""
    if prop.type == "Edm.Decimal":
        return Decimal(0)
    if prop.type == "Edm.Boolean":
        return False
    return None


def _stored(prop: Prop, value: Any) -> Any:
    if prop.type == "Edm.Decimal" and value is not None:
        return Decimal(str(value))
    return value
