"""A Tryton purchase line as a canonical record, and where an incremental read resumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cyberreview_policy.connectors.dotted import get, put

#: what is read of each purchase.line (dotted paths reach the purchase, product, supplier)
LINE_FIELDS = [
    "id",
    "create_date",
    "write_date",
    "quantity",
    "amount",
    "description",
    "product.rec_name",
    "product.code",
    "product.attributes",
    "product.write_date",
    "product.template.categories.name",
    "purchase.number",
    "purchase.reference",
    "purchase.state",
    "purchase.purchase_date",
    "purchase.write_date",
    "purchase.currency.code",
    "purchase.party.rec_name",
    "purchase.party.addresses.country.code",
]
#: a change to any of these is a change to the line's record
CHANGED = ("create_date", "write_date", "purchase.write_date", "product.write_date")
SIGNED = ("confirmed", "processing", "done")


def record_id(line: dict[str, Any]) -> str:
    """``PO-2026-0001/17``: the purchase number, and the line's id (stable, unlike its
    position)."""
    return f"{get(line, 'purchase.number')}/{line['id']}"


def parse_record_id(value: str) -> tuple[str, int] | None:
    number, _, line = value.rpartition("/")
    return (number, int(line)) if number and line.isdigit() else None


def modified(line: dict[str, Any]) -> dt.datetime:
    """When the line's record last changed: the latest of its dates, its purchase's, its
    product's (Tryton leaves ``write_date`` empty until a first change)."""
    dates = [d for d in (get(line, path) for path in CHANGED) if isinstance(d, dt.datetime)]
    return max(dates)


def line_record(line: dict[str, Any], attributes: dict[str, str]) -> dict[str, Any]:
    """The canonical record (docs/record-v1.md) of one purchase line.

    Operator facts come from the configuration; ``product.category`` from the
    product's ``review_category`` attribute, or from a mapping of its Tryton
    category (``attributes.tryton.category``), which the record keeps with
    everything else Tryton holds that the record has no field for.
    """
    purchase = line.get("purchase") or {}
    product = line.get("product") or {}
    party = purchase.get("party") or {}
    countries = [get(a, "country.code") for a in party.get("addresses") or []]
    categories = [c["name"] for c in get(product, "template.categories") or []]
    state = purchase.get("state")
    record: dict[str, Any] = {
        "id": record_id(line),
        "kind": "purchase",
        "source": {"ref": str(line["id"])},
        "product": {
            "name": product.get("rec_name") or line.get("description") or f"line {line['id']}",
            "model": product.get("code"),
        },
        "vendor": {"name": party.get("rec_name"), "country": next(filter(None, countries), None)},
        "contract": {
            "number": purchase.get("number"),
            "amount": line.get("amount"),
            "currency": get(purchase, "currency.code") or "CNY",
            "signed_date": purchase.get("purchase_date") if state in SIGNED else None,
        },
        "attributes": {
            "tryton": {
                "category": categories[0] if categories else None,
                "categories": categories,
                "product": product.get("code"),
                "purchase_state": state,
                "supplier_reference": purchase.get("reference"),
                "quantity": line.get("quantity"),
            }
        },
    }
    for name, value in (product.get("attributes") or {}).items():
        if name in attributes and value is not None:
            put(record, attributes[name], value)
    return record


@dataclass
class Cursor:
    """Where a read resumes: the latest change seen, and the lines changed at that very
    instant (several transactions can share a timestamp: they are read again, but not
    yielded twice)."""

    at: dt.datetime | None = None
    seen: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, checkpoint: Any) -> Cursor:
        if not checkpoint:
            return cls()
        at = dt.datetime.fromisoformat(checkpoint["at"]) if checkpoint.get("at") else None
        return cls(at, set(checkpoint.get("seen", [])))

    def domain(self) -> list[Any]:
        if self.at is None:
            return []
        return [["OR", *([path, ">=", self.at] for path in CHANGED)]]

    def is_new(self, line: dict[str, Any]) -> bool:
        return self.at is None or modified(line) > self.at or line["id"] not in self.seen

    def advance(self, line: dict[str, Any]) -> None:
        when = modified(line)
        if self.at is None or when > self.at:
            self.at, self.seen = when, {line["id"]}
        elif when == self.at:
            self.seen.add(line["id"])

    def dump(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat() if self.at else None,
            "seen": sorted(self.seen),
        }
