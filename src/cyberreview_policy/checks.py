"""Named Python checks: what the YAML condition language cannot express.

A plugin registers a check through ``cyberreview_register_checks``; a rule
refers to it as ``{check: NAME, args: {...}}``.  The check is called with the
record and the as-of date (and the args as keywords) and returns a bool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CheckFunc = Callable[..., bool]


@dataclass(frozen=True)
class Check:
    """A named check.

    :param name: how rules refer to it.
    :param func: ``func(record, as_of, **args) -> bool``.
    :param reads: record paths it reads, shown as the facts of a finding.
    :param args: the argument names it accepts (``None``: any).
    :param description: one line for ``cyberreview plugins``.
    """

    name: str
    func: CheckFunc
    reads: tuple[str, ...] = ()
    args: tuple[str, ...] | None = ()
    description: str = ""

    def __call__(self, record: Any, as_of: dt.date, **args: Any) -> bool:
        return bool(self.func(record, as_of, **args))
