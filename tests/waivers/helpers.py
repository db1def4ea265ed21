"""Granting a waiver as people do it now: one identity requests, another approves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REQUESTER = "ana"
APPROVER = "Li Wei"


def granted(cli: Any, *args: str | Path, approver: str = APPROVER) -> Any:
    """``waivers request ARGS`` as :data:`REQUESTER`, then ``waivers approve`` of the id it
    printed as ``approver`` (``--store`` and the like are in ``args``, and are passed
    to the approval too): the approval's result, or the request's when it failed."""
    asked = cli("waivers", "request", *args, "--actor", REQUESTER)
    if asked.code != 0:
        return asked
    store = [str(a) for a in args]
    at = store.index("--store") if "--store" in store else None
    where = store[at : at + 2] if at is not None else []
    waiver_id = asked.out.split(":")[0]
    return cli("waivers", "approve", waiver_id, "--actor", approver, *where)
