"""cyberreview-policy connector for ServiceNow: CMDB CIs and hardware assets as records.

Reads configuration items (``cmdb_ci_netgear``, ``cmdb_ci_server``,
``cmdb_ci_ot``, ``cmdb_ci_appl`` by default) and, if configured, hardware
assets (``alm_hardware``) over the Table API, one canonical record of kind
``asset`` per row, keyed by sys_id, incrementally by ``sys_updated_on``; and
change requests as a change system (``changes.py``): their affected CIs decided,
the approval asked of the tool answered (or a work note added) once.
See the README.
"""

__version__ = "0.1.0"
