"""The case board: ``/ui/``, server-rendered pages for the people who act on cases.

Officers and CISOs (reviewer tokens) and internal auditors (auditor tokens,
read-only) sign in with their token; the pages call the same store and case
functions as ``/v1/`` (:mod:`..case_routes`), so the board and the API cannot
disagree.  Chinese by default, English on request (remembered per session).
Every asset (htmx, the style sheet) is served by the process itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

STATIC = Path(__file__).parent / "static"

InStore = Callable[[Callable[..., Any]], Awaitable[Any]]


def mount(app: Any, service: Any, in_store: InStore) -> None:
    """Add the board's routes and its static files to ``app``."""
    from starlette.staticfiles import StaticFiles

    from . import case_page, more, pages

    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    context = pages.UiContext(service, in_store)
    pages.routes(app, context)
    case_page.routes(app, context)
    more.routes(app, context)
