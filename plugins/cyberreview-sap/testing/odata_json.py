"""Entities as OData v2 JSON, the way SAP Gateway writes them, and back.

- ``Edm.String`` as stored (``""`` for SAP's initial value), ``Edm.Boolean`` as
  ``true``/``false``;
- ``Edm.Decimal`` as a string with the property's scale (``"28.000"``), and an
  amount whose ``sap:unit`` is a currency with that currency's decimals
  (``"1000.00"`` in CNY, ``"1000"`` in JPY) whatever the scale;
- ``Edm.DateTime`` as ``"/Date(ms)/"``, ``Edm.DateTimeOffset`` as
  ``"/Date(ms+0000)/"``: milliseconds, the rest of a 100 ns timestamp cut off;
  empty dates ``null``;
- ``__metadata`` (``id``, ``uri``, ``type``) first; navigation properties not
  expanded as ``{"__deferred": {"uri"}}``; expanded to-many as ``{"results"}``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from s4_model import EntityType, Prop, Service

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: currencies without the usual two decimals (SAP table TCURX)
CURRENCY_DECIMALS = {"JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3}
_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")


def millis(when: dt.datetime) -> int:
    delta = when - EPOCH
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def value_json(prop: Prop, value: Any, row: dict[str, Any]) -> Any:
    if value is None:
        return None
    if prop.type == "Edm.DateTime":
        return f"/Date({millis(value)})/"
    if prop.type == "Edm.DateTimeOffset":
        return f"/Date({millis(value)}+0000)/"
    if prop.type == "Edm.Decimal":
        scale = prop.scale or 0
        currency = row.get(prop.unit or "") if prop.unit == "DocumentCurrency" else None
        if currency:
            scale = CURRENCY_DECIMALS.get(str(currency), 2)
        return format(Decimal(value).quantize(Decimal(1).scaleb(-scale)), "f")
    return value


def value_from_json(prop: Prop, value: Any) -> Any:
    """A value a client sent (PATCH) in the type the store keeps; ``ValueError`` if not."""
    if value is None:
        return None
    if prop.type == "Edm.String":
        if not isinstance(value, str):
            raise ValueError(f"{prop.name} takes a string")
        if prop.max_length and len(value) > prop.max_length:
            raise ValueError(f"{prop.name} holds at most {prop.max_length} characters")
        return value
    if prop.type == "Edm.Decimal":
        return Decimal(str(value))
    if prop.type == "Edm.Boolean":
        if not isinstance(value, bool):
            raise ValueError(f"{prop.name} takes true or false")
        return value
    found = _DATE.fullmatch(str(value))
    if found is None:
        raise ValueError(f"{prop.name} takes /Date(milliseconds)/")
    return EPOCH + dt.timedelta(milliseconds=int(found.group(1)))


def key_path(service: Service, entity: EntityType, row: dict[str, Any]) -> str:
    """``A_PurchaseOrderItem(PurchaseOrder='4500000001',PurchaseOrderItem='10')``."""
    name = service.set_of(entity.name)
    parts = []
    for key in entity.keys:
        prop = entity.props[key]
        value = value_json(prop, row[key], row)
        if prop.type == "Edm.DateTimeOffset":
            text = f"datetimeoffset'{row[key].strftime('%Y-%m-%dT%H:%M:%S')}Z'"
        else:
            text = "'" + str(value).replace("'", "''") + "'"
        parts.append(text if len(entity.keys) == 1 else f"{key}={text}")
    return f"{name}({','.join(parts)})"


class Renderer:
    """Renders entities of one service for one request's ``$select`` and ``$expand``."""

    def __init__(self, service: Service, root: str, navigate: Any):
        self.service = service
        self.root = root  # https://host:port/sap/opu/odata/sap/SERVICE
        self.navigate = navigate  # (entity type, row, nav name) -> rows or row

    def entity(
        self,
        entity: EntityType,
        row: dict[str, Any],
        select: list[list[str]] | None,
        expand: list[list[str]],
    ) -> dict[str, Any]:
        uri = f"{self.root}/{key_path(self.service, entity, row)}"
        out: dict[str, Any] = {
            "__metadata": {"id": uri, "uri": uri, "type": f"{self.service.name}.{entity.name}"}
        }
        wanted = None if select is None else {p[0] for p in select}
        for name, prop in entity.props.items():
            if wanted is None or name in wanted or "*" in wanted:
                out[name] = value_json(prop, row.get(name), row)
        expanded = {p[0] for p in expand}
        for name, nav in entity.navs.items():
            if name in expanded:
                sub_select = None
                if select is not None:
                    deeper = [p[1:] for p in select if p[0] == name and len(p) > 1]
                    sub_select = deeper or None
                sub_expand = [p[1:] for p in expand if p[0] == name and len(p) > 1]
                target = self.service.types[nav.target]
                found = self.navigate(entity, row, name)
                if nav.many:
                    out[name] = {
                        "results": [self.entity(target, r, sub_select, sub_expand) for r in found]
                    }
                else:
                    out[name] = (
                        None
                        if found is None
                        else self.entity(target, found, sub_select, sub_expand)
                    )
            elif wanted is None or name in wanted:
                out[name] = {"__deferred": {"uri": f"{uri}/{name}"}}
        return out
