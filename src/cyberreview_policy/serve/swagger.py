"""``/docs``: Swagger UI from files the process serves (``static/swagger/``, from the
``swagger-ui-dist`` release named in its ``VERSION`` file), so it works on a network
without a way out; FastAPI's default loads it from a CDN and is blank offline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

SWAGGER = Path(__file__).parent / "static" / "swagger"


def mount_docs(app: FastAPI) -> None:
    """``/docs`` and its assets under ``/docs/static``; nothing from another host."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    app.mount("/docs/static", StaticFiles(directory=SWAGGER), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Any:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url="/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/docs/static/swagger-ui.css",
            swagger_favicon_url="/docs/static/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
