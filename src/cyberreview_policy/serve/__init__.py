"""``cyberreview serve``: the gate as an HTTP decision service.

A pipeline or a change-management system asks ``POST /v1/decisions`` "may
this go live?" and gets the gate's decision (``docs/record-v1.md``), with the
review cases opened as the command-line gate opens them; reviewers move cases
through the procedure and auditors read cases and the audit trail.  Bearer
tokens with roles, stored as hashes in the case store; the service fails
closed (a source or store it cannot reach gives ``block`` with a code).

Built on FastAPI (the OpenAPI description comes from the same pydantic models
as the canonical record) and run by uvicorn: the optional ``serve`` extra.
"""

from __future__ import annotations

EXTRA_HINT = "pip install 'cyberreview-policy[serve]'"


def missing_stack() -> str | None:
    """The first module of the ``serve`` extra that is not installed, or None."""
    import importlib.util

    for module in ("fastapi", "uvicorn", "prometheus_client", "jinja2"):
        if importlib.util.find_spec(module) is None:
            return module
    return None
