"""Adding waivers to the managed file: one implementation for ``cyberreview waivers add``
and the service's ``POST /v1/waivers``.

The managed file is ``$CYBERREVIEW_HOME/waivers.yaml``; it is rewritten
atomically, and only once the change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cases.base import CaseStore
from ..env import home_dir, private_dir
from ..errors import UsageError
from .core import MANAGED_FILE, MAX_DAYS, Scope, Waiver, load_all, waiver_files

#: one writer of the managed file at a time in a process (the service's threads)
if TYPE_CHECKING:
    from ..policy.catalog import Catalog

_LOCK = threading.Lock()


def managed_path() -> Path:
    return home_dir() / MANAGED_FILE


def write_managed(path: Path, waivers: list[Waiver], audit: Callable[[], Any]) -> None:
    """Write ``waivers`` to ``path`` atomically, once ``audit()`` has recorded the change."""
    from ..policy.yamlsrc import dump

    text = "# Managed by `cyberreview waivers`; hand-kept waivers go in waivers.d/.\n"
    text += dump({"waivers": [w.to_yaml() for w in waivers]})
    private_dir(path.parent)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
        tmp.write(text)
    try:
        audit()
    except BaseException:
        os.unlink(tmp.name)
        raise
    os.replace(tmp.name, path)


def check_rule(catalog: Catalog, rule: str, pack: str | None) -> None:
    """Raise :class:`UsageError` unless a registered pack has ``rule`` and may waive it."""
    found = []
    for entry in catalog.entries.values():
        if pack and entry.manifest.id != pack:
            continue
        for compiled in catalog.load(entry).rules:
            if compiled.id == rule:
                found.append((entry.manifest.id, compiled.overridable))
    if not found:
        raise UsageError(f"no registered pack has a rule {rule!r}")
    fixed = [pid for pid, overridable in found if not overridable]
    if fixed:
        raise UsageError(
            f"rule {rule} of pack {fixed[0]} is not overridable: no waiver can set it aside"
        )


def add_waiver(
    catalog: Catalog,
    store: CaseStore,
    *,
    rule: str,
    scope: Scope,
    reason: str,
    approver: str,
    expires: dt.date,
    actor: str,
    created: dt.date | None = None,
    ticket: str | None = None,
    pack: str | None = None,
) -> Waiver:
    """Grant a waiver: checked, numbered, written to the managed file, audited."""
    if not scope.describe():
        raise UsageError(
            "a waiver needs a scope: --record, --product-model, --vendor or --operator"
        )
    created = created or dt.date.today()
    if expires < created or (expires - created).days > MAX_DAYS:
        raise UsageError(f"--expires {expires} must be within {MAX_DAYS} days after {created}")
    check_rule(catalog, rule, pack)
    with _LOCK:
        path = managed_path()
        existing = load_all(waiver_files(home_dir()))
        managed = load_all([path]) if path.is_file() else []
        number = 1 + max((int(w.id[2:]) for w in existing if w.id[2:].isdigit()), default=0)
        waiver = Waiver(
            id=f"W-{number:04d}",
            rule=rule,
            scope=scope,
            reason=reason,
            approver=approver,
            created=created,
            expires=expires,
            ticket=ticket,
            pack=pack,
        )
        write_managed(
            path,
            [*managed, waiver],
            lambda: store.audit(
                "waiver.added",
                actor,
                subject=waiver.id,
                details={
                    "rule": waiver.rule,
                    "scope": scope.describe(),
                    "approver": waiver.approver,
                    "ticket": waiver.ticket,
                    "expires": waiver.expires.isoformat(),
                },
            ),
        )
    return waiver
