"""Write a cyberreview-policy plugin.

A plugin is a module (or object) with hook implementations, announced in
your distribution's ``pyproject.toml``::

    [project.entry-points.cyberreview_policy]
    my_erp = "my_erp_connector.plugin"

and implementing any of the hooks of :mod:`cyberreview_policy.plugin.spec`::

    from cyberreview_policy.checks import Check
    from cyberreview_policy.plugin import hookimpl

    def _has_local_support(record, as_of):
        return bool(record.attributes.get("local_support"))

    @hookimpl
    def cyberreview_register_checks(register):
        register(Check("has_local_support", _has_local_support,
                       reads=("attributes.local_support",)))

    @hookimpl
    def cyberreview_register_packs(register):
        register(Path(__file__).parent / "packs" / "my-house-rules")

Do not give hook implementations default argument values (pluggy does not
pass them).  ``cyberreview plugins`` shows whether yours loaded and what it
registered; ``CYBERREVIEW_TRACE_HOOKS=1`` traces the calls.
"""

import pluggy

from .manager import BUILTIN_PLUGINS, ENTRY_POINT_GROUP, PluginHost, make_host
from .spec import PROJECT

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "PluginHost", "hookimpl", "make_host"]
