"""What a feature's store module (sweeps, the service, trackers, the steps of a case,
its material) uses of :class:`~.sqlstore.SqlStore`, into which it is mixed."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import UnknownCaseError
from ..i18n.catalog import _

if TYPE_CHECKING:
    from .base import Case


def case_id(seq: int) -> str:
    return f"CR-{seq:06d}"


#: ``CR-`` and a number a case can have: ASCII digits (``str.isdigit`` also takes
#: ``²`` and ``①``), at most 18 of them after leading zeros (a 64-bit integer)
_CASE_ID = re.compile(r"CR-0*([0-9]{1,18})")


def parse_case_id(text: str) -> int:
    match = _CASE_ID.fullmatch(text)
    if match is None:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UnknownCaseError(
            _("no case {shown}: case ids look like CR-000001").format(shown=repr(shown))
        )
    return int(match.group(1))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


class SqlPart:
    """A part of :class:`~.sqlstore.SqlStore`: it runs SQL through the store's
    ``_execute``, in its ``_write`` transactions, under its ``_guard``."""

    name: str

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _write(self) -> Any:
        raise NotImplementedError

    def _guard(self, what: str) -> Any:
        raise NotImplementedError

    def _unhurried(self) -> Any:
        raise NotImplementedError

    def _append_audit(self, action: str, actor: str, **fields: Any) -> Any:
        raise NotImplementedError

    def _today(self) -> dt.date:
        """Today, for refusing steps dated in the future."""
        return dt.date.today()

    # -- cases (defined by the store) ------------------------------------------------

    def get(self, case_id: str) -> Case:
        raise NotImplementedError

    def _locked(self, case_id: str) -> Case:
        raise NotImplementedError

    def _add_event(
        self,
        seq: int,
        kind: str,
        on: dt.date,
        actor: str,
        *,
        from_state: str | None = None,
        to_state: str | None = None,
        note: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        raise NotImplementedError
