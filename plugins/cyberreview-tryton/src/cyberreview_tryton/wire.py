"""Talking to Tryton: typed JSON values, and the two ways in (JSON-RPC, REST).

Both transports answer :meth:`search` with plain Python values: nested
records as dicts (JSON-RPC's ``"product.": {...}`` keys lose their dot),
``Decimal``, ``date`` and naive-UTC ``datetime`` decoded.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from cyberreview_policy.connectors import HttpClient, HttpError, SourceContext

from .settings import TrytonSettings

Domain = list[Any]


def decode(value: Any) -> Any:
    """Tryton's typed JSON (``{"__class__": "Decimal", ...}``) to Python; dotted keys undotted."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__class__")
    if kind == "Decimal":
        return Decimal(value["decimal"])
    if kind == "date":
        return dt.date(value["year"], value["month"], value["day"])
    if kind == "datetime":
        return dt.datetime(
            value["year"],
            value["month"],
            value["day"],
            value.get("hour", 0),
            value.get("minute", 0),
            value.get("second", 0),
            value.get("microsecond", 0),
        )
    return {key.rstrip("."): decode(item) for key, item in value.items()}


def encode(value: Any) -> Any:
    """Python values in a domain to Tryton's typed JSON."""
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dt.datetime):
        return {
            "__class__": "datetime",
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    return value


def tryton_error(response: Any, body: Any) -> str | None:
    """Tryton reports business errors with HTTP 200: ``{"error": [name, args]}``."""
    if not isinstance(body, dict) or not body.get("error"):
        return None
    error = body["error"]
    if isinstance(error, list) and error:
        name, args = error[0], error[1] if len(error) > 1 else None
        detail = args[0] if isinstance(args, list) and args else args
        return f"{name}: {detail}" if detail else str(name)
    return str(error)


class JsonRpc:
    """``POST {url}/{database}/rpc/`` with a session from ``common.db.login``."""

    def __init__(self, ctx: SourceContext, settings: TrytonSettings):
        self.ctx = ctx
        self.settings = settings
        self.http: HttpClient = ctx.http(settings.url, error_hook=tryton_error)
        self.path = f"/{settings.database}/rpc/"
        self.context: dict[str, Any] | None = None
        self._ids = 0

    def _post(self, method: str, params: list[Any]) -> Any:
        self._ids += 1
        body = self.http.post(self.path, json={"id": self._ids, "method": method, "params": params})
        if not isinstance(body, dict) or "result" not in body:
            raise HttpError(f"{method}: Tryton answered without a result")
        return body["result"]

    def login(self) -> None:
        username = self.settings.username or ""
        password = self.settings.password.get_secret_value() if self.settings.password else ""
        try:
            result = self._post(
                "common.db.login", [username, {"password": password}, self.settings.language]
            )
        except HttpError as exc:
            if exc.status == 401:
                raise HttpError(
                    f"login refused: wrong user name or password for {username!r} "
                    f"on database {self.settings.database!r}",
                    401,
                ) from None
            raise
        if not isinstance(result, list) or len(result) < 2:
            raise HttpError(f"login refused for {username!r}")
        user_id, session = result[0], str(result[1])
        self.ctx.secret(session)
        token = self.ctx.secret(
            base64.b64encode(f"{username}:{user_id}:{session}".encode()).decode()
        )
        self.http.session.headers["Authorization"] = f"Session {token}"
        self.context = self._post("model.res.user.get_preferences", [True, {}])

    def call(self, method: str, params: list[Any]) -> Any:
        if self.context is None:
            self.login()
        try:
            return self._post(method, [*params, self.context])
        except HttpError as exc:
            if exc.status != 401:
                raise
        self.login()  # the session expired: once more with a new one
        return self._post(method, [*params, self.context])

    def search(
        self, model: str, domain: Domain, fields: list[str], order: list[Any], limit: int | None
    ) -> list[dict[str, Any]]:
        rows = self.call(f"model.{model}.search_read", [encode(domain), 0, limit, order, fields])
        return list(decode(rows))

    def whoami(self) -> str:
        if self.context is None:
            self.login()
        return f"user {self.settings.username!r} (JSON-RPC session)"

    def close(self) -> None:
        if self.context is not None:
            self.context = None
            self._post("common.db.logout", [])


class Rest:
    """``GET {url}/{database}/rest/model/MODEL`` with ``Authorization: Bearer KEY``."""

    def __init__(self, ctx: SourceContext, settings: TrytonSettings):
        key = settings.api_key.get_secret_value() if settings.api_key else ""
        self.http: HttpClient = ctx.http(
            settings.url,
            headers={"Authorization": f"Bearer {key}", "Accept-Language": settings.language},
            error_hook=tryton_error,
        )
        self.base = f"/{settings.database}/rest/model"

    def search(
        self, model: str, domain: Domain, fields: list[str], order: list[Any], limit: int | None
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"d": _b64(encode(domain)), "o": _b64(order), "f": fields}
        if limit is not None:
            params["s"] = limit
        rows = self.http.get(f"{self.base}/{model}", params=params)
        if not isinstance(rows, list):
            raise HttpError(f"{model}: expected a list of records, got {type(rows).__name__}")
        return list(decode(rows))

    def whoami(self) -> str:
        return "an API key (REST)"

    def close(self) -> None:
        pass


def _b64(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


Transport = JsonRpc | Rest


def transport(ctx: SourceContext, settings: TrytonSettings) -> Transport:
    return JsonRpc(ctx, settings) if settings.mode == "jsonrpc" else Rest(ctx, settings)
