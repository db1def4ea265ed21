"""The OpenAPI description: FastAPI's, plus the request bodies the routes validate
themselves (in JSON mode, as every record is validated), from the same types."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

REF = "#/components/schemas/{model}"


def json_body(name: str) -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body is the schema ``name``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}},
        }
    }


def form_body(fields: dict[str, str], file: bool = True, json: str | None = None) -> dict[str, Any]:
    """``openapi_extra`` for a route taking a multipart form (``fields``: name -> what it
    is), with a ``file`` part; and the JSON body ``json`` too, if given."""
    properties: dict[str, Any] = {
        name: {"type": "string", "description": text} for name, text in fields.items()
    }
    if file:
        properties["file"] = {"type": "string", "format": "binary"}
    content: dict[str, Any] = {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": properties,
                "required": [*list(fields)[:1], *(["file"] if file and not json else [])],
            }
        }
    }
    if json:
        content["application/json"] = {"schema": {"$ref": REF.format(model=json)}}
    return {"requestBody": {"required": True, "content": content}}


def _bodies() -> dict[str, dict[str, Any]]:
    from .case_schemas import BODIES
    from .schemas import TransitionRequest, WaiverDecision, WaiverRequest, request_adapter

    out: dict[str, dict[str, Any]] = {}
    for name, schema in (
        ("DecisionRequest", request_adapter().json_schema(ref_template=REF)),
        ("TransitionRequest", TransitionRequest.model_json_schema(ref_template=REF)),
        ("WaiverRequest", WaiverRequest.model_json_schema(ref_template=REF)),
        ("WaiverDecision", WaiverDecision.model_json_schema(ref_template=REF)),
        *((name, model.model_json_schema(ref_template=REF)) for name, model in BODIES.items()),
    ):
        out.update(schema.pop("$defs", {}))
        out[name] = schema
    return out


def describe(app: FastAPI) -> dict[str, Any]:
    """The description, built once per process."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, body in _bodies().items():
            components.setdefault(name, body)
        app.openapi_schema = schema
    return app.openapi_schema
