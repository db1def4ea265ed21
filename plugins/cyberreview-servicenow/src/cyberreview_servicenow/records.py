"""A ServiceNow row as a canonical record, and where an incremental read resumes."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cyberreview_policy.connectors.dotted import put
from cyberreview_policy.errors import CyberreviewError

SYS_ID = re.compile(r"[0-9a-f]{32}")

#: what is read of each CI (dotted fields reach the referenced model and manufacturer)
CI_FIELDS = [
    "sys_id",
    "sys_class_name",
    "sys_updated_on",
    "name",
    "asset_tag",
    "serial_number",
    "install_status",
    "operational_status",
    "manufacturer",
    "manufacturer.name",
    "model_id",
    "model_id.name",
    "model_number",
]
#: what is read of each hardware asset (alm_hardware and the other alm_ tables)
ASSET_FIELDS = [
    "sys_id",
    "sys_class_name",
    "sys_updated_on",
    "display_name",
    "asset_tag",
    "serial_number",
    "install_status",
    "substatus",
    "model",
    "model.name",
    "model.manufacturer.name",
    "vendor",
    "vendor.name",
    "model_category.name",
    "ci",
    "ci.name",
    "po_number",
    "cost",
    "purchase_date",
]
#: install_status values of a CI or asset in service: 1 Installed, 3 In Maintenance
IN_USE = frozenset({"1", "3"})

# record fields that are not strings: ServiceNow sends every value as a string
INTEGERS = frozenset(
    {
        "product.specs.routing_entries",
        "product.specs.cpus",
        "product.specs.cores_per_cpu",
        "operator.platform_users",
    }
)
NUMBERS = frozenset(
    {
        "product.specs.throughput_tbps",
        "product.specs.forwarding_gpps",
        "product.specs.memory_gb",
        "product.specs.instruction_time_us",
    }
)
BOOLEANS = frozenset(
    {
        "risk.may_affect_national_security",
        "deployment.cii",
        "deployment.in_use",
        "vendor.compliance_issues",
        "operator.ciio",
        *(
            f"risk.factors.{name}"
            for name in (
                "remote_access",
                "important_data",
                "single_source",
                "transparency_concerns",
                "political_trade_exposure",
            )
        ),
        *(
            f"contract.commitments.{name}"
            for name in (
                "cooperate_with_review",
                "no_illegal_data_acquisition",
                "no_illegal_control",
                "no_unjustified_supply_interruption",
            )
        ),
    }
)


class ServiceNowError(CyberreviewError):
    """A read that cannot be trusted to be complete (the host fails the source with it)."""


def is_asset_table(table: str) -> bool:
    """``alm_hardware`` and the other asset tables (``alm_``): rows are assets, not CIs."""
    return table.startswith("alm_")


def read_fields(table: str, fields: Mapping[str, str], extra: list[str]) -> list[str]:
    """``sysparm_fields`` for ``table``: what a record needs, the mapped and extra fields."""
    base = ASSET_FIELDS if is_asset_table(table) else CI_FIELDS
    return list(dict.fromkeys([*base, *fields, *extra]))


def value(target: str, raw: Any) -> Any:
    """ServiceNow's string for record field ``target``: ``""`` is unknown (``None``);
    numbers and booleans as such where the record wants them and the string reads as
    one.  A value that is not what the field wants ("16 Tbps" for a number) is kept as
    it is: the host leaves it unknown and reports it (with the record, the field and
    the value), its rule for every connector."""
    if isinstance(raw, dict):  # a reference or display value, should one come back
        raw = raw.get("value", "")
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    if target in BOOLEANS:
        return {"true": True, "false": False}.get(text.lower(), text)
    if target in NUMBERS or target in INTEGERS:
        number = _number(text, integer=target in INTEGERS)
        return text if number is None else number
    return text


def _number(text: str, *, integer: bool) -> int | float | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return None if integer else float(number)


def nest(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with dotted fields nested: ``model_id`` and ``model_id.name`` become
    ``{"model_id": {"sys_id": "...", "name": "..."}}`` (only references are dotted), and
    empty values (ServiceNow's ``""``) ``None``, as a mapping's ``missing`` expects."""
    flat, dotted = _plan(tuple(row))
    out: dict[str, Any] = {}
    for name in flat:
        raw = row[name]
        if isinstance(raw, dict):
            raw = raw.get("value")
        out[name] = None if raw == "" else raw
    for name, hops, leaf in dotted:
        node = out
        for hop in hops:
            child = node.get(hop)
            if not isinstance(child, dict):
                child = node[hop] = {"sys_id": child} if hop in node else {}
            node = child
        raw = row[name]
        if isinstance(raw, dict):
            raw = raw.get("value")
        node[leaf] = None if raw == "" else raw
    return out


@functools.lru_cache(maxsize=64)
def _plan(names: tuple[str, ...]) -> tuple[list[str], list[tuple[str, list[str], str]]]:
    """How :func:`nest` lays out rows with these fields (every row of a read has the same)."""
    flat = [name for name in names if "." not in name]
    dotted = []
    for name in sorted((n for n in names if "." in n), key=lambda n: n.count(".")):
        *hops, leaf = name.split(".")
        dotted.append((name, hops, leaf))
    return flat, dotted


def _text(row: Mapping[str, Any], name: str) -> str | None:
    raw = row.get(name)
    if isinstance(raw, dict):
        raw = raw.get("value")
    if raw is None:
        return None
    return str(raw).strip() or None


def record(table: str, row: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """The canonical record (docs/record-v1.md) of a CI or, from an ``alm_`` table, an
    asset: ``id`` and ``source.ref`` its sys_id; everything read under
    ``attributes.servicenow``; then what ``fields`` maps."""
    sys_id = str(row["sys_id"])
    data = _asset(row) if is_asset_table(table) else _ci(row)
    data = {
        "id": sys_id,
        "kind": "asset",
        "source": {"ref": sys_id},
        **data,
        "attributes": {"servicenow": nest(row)},
    }
    data["deployment"]["in_use"] = _text(row, "install_status") in IN_USE
    for name, target in fields.items():
        raw = row.get(name)
        if raw:  # not missing, not empty
            found = value(target, raw)
            if found is not None:
                put(data, target, found)
    return data


def _ci(row: Mapping[str, Any]) -> dict[str, Any]:
    model = _text(row, "model_id.name") or _text(row, "model_number")
    name = _text(row, "name") or model or f"{_text(row, 'sys_class_name')} {row['sys_id']}"
    return {
        "product": {"name": name, "model": model},
        "vendor": {"name": _text(row, "manufacturer.name")},
        "deployment": {},
    }


def _asset(row: Mapping[str, Any]) -> dict[str, Any]:
    model = _text(row, "model.name")
    name = _text(row, "display_name") or model or _text(row, "asset_tag") or str(row["sys_id"])
    return {
        "product": {"name": name, "model": model},
        "vendor": {"name": _text(row, "vendor.name") or _text(row, "model.manufacturer.name")},
        "deployment": {},
        "contract": {
            "number": _text(row, "po_number"),
            "amount": _text(row, "cost"),
            "signed_date": _text(row, "purchase_date"),
        },
    }


# -- where a read resumes ----------------------------------------------------------------


@dataclass
class Cursor:
    """Where one table's read resumes: the latest ``sys_updated_on`` seen, and the rows
    changed in that very second (ServiceNow counts whole seconds: they are read again,
    but not yielded twice)."""

    at: str | None = None
    seen: set[str] = field(default_factory=set)

    def condition(self) -> str | None:
        return f"sys_updated_on>={self.at}" if self.at else None

    def is_new(self, sys_id: str, updated: str) -> bool:
        return self.at is None or updated > self.at or sys_id not in self.seen

    def advance(self, sys_id: str, updated: str) -> None:
        if self.at is None or updated > self.at:
            self.at, self.seen = updated, {sys_id}
        elif updated == self.at:
            self.seen.add(sys_id)

    def dump(self) -> dict[str, Any]:
        return {"at": self.at, "seen": sorted(self.seen)}


def load_checkpoint(checkpoint: Any) -> dict[str, Cursor]:
    """``{"tables": {table: {"at", "seen"}}}``, as :func:`dump_checkpoint` wrote it."""
    if not checkpoint:
        return {}
    tables = checkpoint.get("tables") if isinstance(checkpoint, dict) else None
    if not isinstance(tables, dict):
        raise ServiceNowError(
            f"the checkpoint {checkpoint!r} is not one this connector writes: "
            "sweep without --since once"
        )
    return {
        table: Cursor(cursor.get("at"), set(cursor.get("seen") or []))
        for table, cursor in tables.items()
        if isinstance(cursor, dict)
    }


def dump_checkpoint(cursors: Mapping[str, Cursor]) -> dict[str, Any]:
    return {"tables": {table: cursor.dump() for table, cursor in cursors.items()}}


class TableRead:
    """One table's read from ``start``: which rows to yield, and the cursor it ends at.

    Offset paging ordered by ``sys_updated_on`` sees a row changed during the read
    again at the end (newer, and yielded again), but the rows after its old place
    move up a place: the one at the page boundary is skipped.  So when a row comes
    twice, the cursor goes back to the row's first time: the next read from it
    covers the skipped row.
    """

    def __init__(self, start: Cursor):
        self.start = start
        self.end = Cursor(start.at, set(start.seen))
        self.read: dict[str, str] = {}  # sys_id: sys_updated_on, of every row read
        self.rewind: str | None = None
        self.shared = 0  # rows another table gave first

    def take(self, sys_id: str, updated: str) -> bool:
        """Whether to yield a row read."""
        before = self.read.get(sys_id)
        if before == updated:
            return False  # the same row again: yielded already (or not new)
        if before is not None:  # changed during the read, and moved
            self.rewind = before if self.rewind is None else min(self.rewind, before)
        self.read[sys_id] = updated
        if not self.start.is_new(sys_id, updated):
            return False
        self.end.advance(sys_id, updated)
        return True

    def cursor(self) -> Cursor:
        if self.rewind is None:
            return self.end
        seen = {sys_id for sys_id, updated in self.read.items() if updated == self.rewind}
        return Cursor(self.rewind, seen)
