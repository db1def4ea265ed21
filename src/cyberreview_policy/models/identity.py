"""A record's identity and fingerprint: its key across runs, a digest of its
content, and its source as decision data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .validate import RecordData


def record_key(record: RecordData) -> str:
    """The record's identity across runs: adapter and id."""
    source = record.source
    adapter = source.adapter if source is not None else None
    return f"{adapter}:{record.id}" if adapter else str(record.id)


def plain(value: Any) -> Any:
    """JSON data of a record or a part of it (as pydantic's JSON mode dumps the model)."""
    data = getattr(value, "__dict__", None)
    if data is not None and not isinstance(value, type):
        return {key: plain(item) for key, item in data.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_digest(record: RecordData) -> str:
    """A stable digest of the record's content (``sha256:`` + hex)."""
    import hashlib

    text = json.dumps(plain(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def record_summary(record: RecordData) -> dict[str, Any]:
    """What a case keeps of its record, and what the gate's text names: names and the
    materials the source lists; no amounts, no material itself."""
    return {
        "kind": record.kind,
        "operator": record.operator.name,
        "product": record.product.name if record.product else None,
        "system": record.deployment.system,
        "vendor": record.vendor.name if record.vendor else None,
        "cii": record.deployment.cii,
        "materials": list(record.materials),
        "planned_date": plain(record.deployment.planned_date),
    }


def source_info(record: RecordData) -> dict[str, Any] | None:
    """The record's ``source`` as decision data."""
    source = record.source
    if source is None:
        return None
    fetched = source.fetched_at
    return {
        "adapter": source.adapter,
        "ref": source.ref,
        "fetched_at": fetched.isoformat() if fetched is not None else None,
    }
