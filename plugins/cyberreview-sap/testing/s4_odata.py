"""The OData v2 requests the local S/4HANA answers: ``$metadata``, the service document,
collections with their query options and server-driven paging, entities by key,
navigation, and updates (``PATCH``/``MERGE``); SAP Gateway's error body."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import quote, urlencode

import odata_query as q
from odata_json import Renderer, value_from_json
from s4_model import EntityType, Service, metadata
from s4_store import Store

from cyberreview_policy.testing.faults import Reply, Request

ODATA = "/sap/opu/odata/sap/"
OPTIONS = {
    "$filter",
    "$select",
    "$expand",
    "$orderby",
    "$top",
    "$skip",
    "$skiptoken",
    "$inlinecount",
    "$format",
}


def sap_error(status: int, code: str, message: str, service: str = "", **headers: str) -> Reply:
    """SAP Gateway's OData error body."""
    now = dt.datetime.now(dt.UTC)
    body = {
        "error": {
            "code": code,
            "message": {"lang": "en", "value": message},
            "innererror": {
                "application": {
                    "component_id": "MM-PUR-PO-BAPI" if "PURCHASEORDER" in service else "",
                    "service_namespace": "/SAP/",
                    "service_id": service,
                    "service_version": "0001",
                },
                "transactionid": uuid.uuid4().hex.upper(),
                "timestamp": now.strftime("%Y%m%d%H%M%S.") + f"{now.microsecond:06d}0",
                "Error_Resolution": {
                    "SAP_Transaction": "For backend administrators: use ADT feed reader "
                    '"SAP Gateway Error Log" or run transaction /IWFND/ERROR_LOG on SAP '
                    "Gateway hub system and search for entries with the timestamp above "
                    "for more details",
                    "SAP_Note": "See SAP Note 1797736 for error analysis "
                    "(https://service.sap.com/sap/support/notes/1797736)",
                },
                "errordetails": [],
            },
        }
    }
    return Reply(status, body, {"Content-Type": "application/json; charset=utf-8", **headers})


def header(request: Request, name: str) -> str:
    return next((v for k, v in request.headers.items() if k.lower() == name.lower()), "")


def single(request: Request) -> dict[str, str]:
    return {key: values[-1] for key, values in request.query.items()}


class OData:
    """Answers OData requests from ``store``; ``system`` says where it is (``url``) and
    how much one answer holds (``max_page``, ``default_page``)."""

    def __init__(self, store: Store, system: Any):
        self.store = store
        self.system = system
        self._cache: dict[tuple[str, str, str, int], list[dict[str, Any]]] = {}

    def serve(self, service: Service, rest: str, request: Request) -> Reply:
        root = f"{self.system.url}{ODATA}{service.name}"
        if rest == "/$metadata" and request.method == "GET":
            return Reply(200, metadata(service), {"Content-Type": "application/xml"})
        params = single(request)
        if not (params.get("$format") == "json" or "application/json" in header(request, "Accept")):
            return sap_error(
                406,
                "/IWBEP/CM_MGW_RT/003",
                "The local S/4HANA answers JSON only "
                "(SAP answers Atom XML): send Accept: application/json",
                service.name,
            )
        if rest in ("/", ""):
            return json_reply({"d": {"EntitySets": list(service.sets)}})
        found = re.fullmatch(r"/(?P<set>\w+)(?:\((?P<key>[^)]*)\))?(?:/(?P<nav>\w+))?", rest)
        if found is None or found.group("set") not in service.sets:
            return sap_error(
                404,
                "/IWBEP/CM_MGW_RT/021",
                f"Resource not found for segment '{rest.strip('/')}'",
                service.name,
            )
        unknown = sorted(k for k in params if k.startswith("$") and k not in OPTIONS)
        if unknown:
            raise q.QueryError(f"Invalid system query option {unknown[0]}")
        entity = service.type_of(found.group("set"))
        with self.store.lock:
            if found.group("key") is None:
                if request.method != "GET":
                    return sap_error(
                        405, "/IWBEP/CM_MGW_RT/009", "Method not allowed", service.name
                    )
                return self._collection(service, entity, None, request, root)
            row = self.store.by_key(entity, found.group("key"))
            if row is None:
                return sap_error(
                    404,
                    "/IWBEP/CM_MGW_RT/020",
                    f"Resource not found for segment '{entity.name}'",
                    service.name,
                )
            if request.method in ("PATCH", "MERGE", "PUT"):
                return self._update(service, entity, row, request)
            if request.method != "GET":
                return sap_error(405, "/IWBEP/CM_MGW_RT/009", "Method not allowed", service.name)
            renderer = Renderer(service, root, self.store.navigate)
            select = q.split_paths(params["$select"]) if "$select" in params else None
            expand = q.split_paths(params.get("$expand", ""))
            nav = found.group("nav")
            if nav is None:
                return json_reply({"d": renderer.entity(entity, row, select, expand)})
            if nav not in entity.navs:
                raise q.QueryError(f"Navigation property {nav} not found in type {entity.name}")
            target = service.types[entity.navs[nav].target]
            linked = self.store.navigate(entity, row, nav)
            if entity.navs[nav].many:
                return self._collection(service, target, list(linked), request, root)
            if linked is None:
                return json_reply({"d": None})
            return json_reply({"d": renderer.entity(target, linked, select, expand)})

    def _collection(
        self,
        service: Service,
        entity: EntityType,
        rows: list[dict[str, Any]] | None,
        request: Request,
        root: str,
    ) -> Reply:
        """``rows`` (a navigation's), or the entity set's (``None``)."""
        params = single(request)
        rows = self._matching(entity, rows, params.get("$filter", ""), params.get("$orderby", ""))
        select = q.split_paths(params["$select"]) if "$select" in params else None
        expand = q.split_paths(params.get("$expand", ""))
        self._check_paths(service, entity, select or [], expand)
        top = count(params, "$top")
        skip = count(params, "$skip") or 0
        end = len(rows) if top is None else min(len(rows), skip + top)
        start = count(params, "$skiptoken")
        start = skip if start is None else start
        cap = self.system.max_page if top is not None else self.system.default_page
        page = rows[start : min(end, start + cap)]
        renderer = Renderer(service, root, self.store.navigate)
        body: dict[str, Any] = {}
        if params.get("$inlinecount") == "allpages":
            body["__count"] = str(len(rows))
        body["results"] = [renderer.entity(entity, r, select, expand) for r in page]
        if start + len(page) < end:
            kept = {k: v for k, v in params.items() if k != "$skiptoken"}
            query = urlencode(
                {**kept, "$skiptoken": str(start + len(page))}, quote_via=quote, safe="$',()/:"
            )
            body["__next"] = f"{self.system.url}{request.path}?{query}"
        return json_reply({"d": body})

    def _matching(
        self, entity: EntityType, rows: list[dict[str, Any]] | None, where: str, order: str
    ) -> list[dict[str, Any]]:
        """The rows that match ``where``, sorted by ``order`` (else by key); for the whole
        entity set kept until the next change (a reader pages through one query)."""
        key = (entity.name, where, order, self.store.version)
        if rows is None and key in self._cache:
            return self._cache[key]
        whole = rows is None
        keep = q.parse_filter(where, entity) if where else None
        if rows is None:
            first = entity.keys[0]
            wanted = keep.only(first) if keep is not None else None
            if wanted is None:
                rows = list(self.store.tables[entity.name].values())
            else:
                index = self.store.index(entity.name, first)
                rows = [r for value in wanted for r in index.get(value, [])]
        if keep is not None:
            rows = [r for r in rows if keep(r)]
        sort = q.parse_orderby(order, entity) or [(k, False) for k in entity.keys]
        for name, descending in reversed(sort):
            rows.sort(key=lambda r, n=name: q.sort_key(r, n, entity.props[n]), reverse=descending)
        if whole:
            self._cache = {k: v for k, v in self._cache.items() if k[3] == self.store.version}
            self._cache[key] = rows
        return rows

    def _check_paths(
        self, service: Service, entity: EntityType, select: list[list[str]], expand: list[list[str]]
    ) -> None:
        for path in expand:
            here = entity
            for step in path:
                if step not in here.navs:
                    raise q.QueryError(f"Property {step} not found in type {here.name}")
                here = service.types[here.navs[step].target]
        for path in select:
            here = entity
            for n, step in enumerate(path):
                last = n == len(path) - 1
                if step in here.navs and not last:
                    here = service.types[here.navs[step].target]
                elif not (last and (step in here.props or step in here.navs or step == "*")):
                    raise q.QueryError(f"Property {step} not found in type {here.name}")

    def _update(
        self, service: Service, entity: EntityType, row: dict[str, Any], request: Request
    ) -> Reply:
        try:
            changes = request.json()
            changes = changes.get("d", changes) if isinstance(changes, dict) else None
            if not isinstance(changes, dict):
                raise ValueError("send the changed properties as a JSON object")
            typed = {}
            for name, value in changes.items():
                if name == "__metadata":
                    continue
                prop = entity.props.get(name)
                if prop is None:
                    raise ValueError(f"Property {name} not found in type {entity.name}")
                if name in entity.keys or name == "LastChangeDateTime":
                    raise ValueError(f"Property {name} cannot be changed")
                typed[name] = value_from_json(prop, value)
        except ValueError as exc:
            return sap_error(400, "/IWBEP/CM_MGW_RT/010", str(exc), service.name)
        po = row["PurchaseOrder"]
        item = row.get("PurchaseOrderItem") if entity.name == "A_PurchaseOrderItemType" else None
        self.store.change(po, item, **typed)
        return Reply(204, b"", {"Content-Type": "application/json"})


def count(params: dict[str, str], name: str) -> int | None:
    if name not in params:
        return None
    if not params[name].isdigit():
        raise q.QueryError(f"Invalid value '{params[name]}' for system query option {name}")
    return int(params[name])


def json_reply(body: Any) -> Reply:
    return Reply(
        200, body, {"Content-Type": "application/json; charset=utf-8", "dataserviceversion": "2.0"}
    )
