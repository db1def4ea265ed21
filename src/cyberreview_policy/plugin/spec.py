"""Hook specifications: the whole contract between the core and its plugins.

Every hook is a registration hook: it receives a ``register`` callable and
calls it once per object it contributes.  The host calls each plugin's hook
on its own, so a plugin that raises is reported by name and the others
still register.  Names are unique across plugins: a clash is that plugin's
error, and the first registration stands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ..checks import Check
    from .types import ChangeSystemType, SourceType, StoreType, TrackerType

PROJECT = "cyberreview_policy"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    """Register source types: where records come from (files, ERPs, CMDBs).

    A connector gives its settings model (``config``) and ``connect``, by
    reference (``"module:name"``) to keep the gate's start-up fast; users
    configure it in ``cyberreview.yaml`` by its ``name`` (docs/connectors.md).
    The settings model is what ``cyberreview schema config`` shows for the type;
    ``example`` (YAML of its entry) is what ``cyberreview init`` writes for it.
    ``cyberreview plugin new NAME`` writes such a plugin, ready to adapt.

    Called once, when the host first needs its registry.

    :param register: call with a :class:`cyberreview_policy.connectors.SourceType`.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_packs(register: Callable[[Path], None]) -> None:
    """Register policy pack directories (each holding a ``pack.yaml``).

    Called once, when the host first needs its registry.  Packs are read and
    validated like the shipped ones, and compiled only when used.

    :param register: call with the :class:`pathlib.Path` of a pack directory.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_law(register: Callable[[Path], None]) -> None:
    """Register ``law.yaml`` files: pack families and how legal texts are renumbered.

    Called once, when the host first needs its registry.  A family must be
    declared before a pack can name it; see ``policies/law.yaml``.

    :param register: call with the :class:`pathlib.Path` of a law file.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_checks(register: Callable[[Check], None]) -> None:
    """Register named Python checks that rules use as ``{check: NAME}``.

    Called once, before any pack is compiled.

    :param register: call with a :class:`cyberreview_policy.checks.Check`.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_case_stores(register: Callable[[StoreType], None]) -> None:
    """Register case store backends, chosen by the scheme of the store URL.

    Called once, when the host first needs its registry.

    :param register: call with a :class:`cyberreview_policy.cases.StoreType`.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_change_systems(register: Callable[[ChangeSystemType], None]) -> None:
    """Register change-management systems the gate reports back to (ServiceNow, ...).

    A change system reads a change request's affected CIs and posts the gate's
    answer where the change lives (an approval with comments, or a work note);
    users configure it under ``changes:`` in ``cyberreview.yaml`` and run it with
    ``cyberreview changes check|watch`` (docs/changes.md).  Give ``config`` and
    ``connect`` by reference (``"module:name"``), as for sources.

    Called once, when the host first needs its registry.

    :param register: call with a :class:`cyberreview_policy.changes.ChangeSystemType`.
    :return: nothing; use ``register``.
    """


@hookspec
def cyberreview_register_case_trackers(register: Callable[[TrackerType], None]) -> None:
    """Register case tracker types: issue trackers that mirror review cases (Jira, ...).

    A tracker gives its settings model (``config``) and ``connect``, by reference
    (``"module:name"``); users configure it under ``trackers:`` in
    ``cyberreview.yaml`` by its ``name``, and ``cyberreview cases sync`` pushes
    every case to it, never creating an issue twice (docs/trackers.md).

    Called once, when the host first needs its registry.

    :param register: call with a :class:`cyberreview_policy.trackers.TrackerType`.
    :return: nothing; use ``register``.
    """
