"""A JSON body as a model, refused the one way every route refuses it: checked whole
first (a key given twice, NaN, NUL: :func:`.decisions.check_body`), then the model's
own problems as ``400 invalid_request`` with a path per problem."""

from __future__ import annotations

from typing import Any


def parsed_body(model: Any, body: bytes, *, checked: bool = False) -> Any:
    """``body`` as ``model`` (a pydantic model), or :class:`~..errors.Refusal` 400
    (``checked``: the caller has checked it whole already)."""
    from pydantic import ValidationError

    from .decisions import check_body, invalid_body

    if not checked:
        check_body(body)
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise invalid_body(exc, body) from None


__all__ = ["parsed_body"]
