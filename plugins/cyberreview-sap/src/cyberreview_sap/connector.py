"""The SAP S/4HANA connector: check, read and fetch purchase order items.

Plain OData v2 over the host's HTTP client (retries, rate budget, redaction,
the error hook), not SAP's pyodata: the connector needs five query options and
two value formats, and every request must go through the host's client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cyberreview_policy.connectors import (
    Checkpoint,
    CheckResult,
    HttpError,
    SourceContext,
    paging,
)

from . import odata
from .auth import ClientCredentials, basic
from .cursor import Cursor, Progress
from .records import DELETED, HEADER_FIELDS, ITEM_FIELDS, Supplier, parse_id, record
from .settings import SapSettings
from .suppliers import Suppliers
from .wire import GROUP, groups, url

#: the order a read pages and resumes by: change time, then the key (stable under ties)
ORDER = "LastChangeDateTime asc,PurchaseOrder asc"
ITEM_ORDER = "PurchaseOrder asc,PurchaseOrderItem asc"


class SapConnector:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, SapSettings)
        self.settings = settings
        self.logger = ctx.logger
        headers = {"Accept": "application/json"}
        if settings.sap_client:
            headers["sap-client"] = settings.sap_client
        self.oauth: ClientCredentials | None = None
        if settings.username is not None:
            headers["Authorization"] = basic(ctx, settings)
            self.who = f"user {settings.username!r}"
        else:
            self.oauth = ClientCredentials(ctx, settings)
            self.who = f"OAuth client {settings.client_id!r}"
        self.http = ctx.http(settings.url, headers=headers, error_hook=odata.inspect)
        if self.oauth is not None:
            self.http.session.auth = self.oauth
        service = settings.purchase_order_service
        self.orders = f"{service}/A_PurchaseOrder"
        self.items = f"{service}/A_PurchaseOrderItem"
        self.header_select = ",".join(dict.fromkeys([*HEADER_FIELDS, *settings.header_fields]))
        self.item_select = ",".join(dict.fromkeys([*ITEM_FIELDS, *settings.item_fields]))
        bp = settings.business_partner_service
        self.suppliers = Suppliers(self.http, bp, ctx.logger) if bp else None
        client = f" (sap-client {settings.sap_client})" if settings.sap_client else ""
        self.system = f"{settings.url}{client}"

    # -- requests -------------------------------------------------------------------

    def _page(
        self, path: str, condition: str, select: str, order: str, *, offset: int, limit: int
    ) -> list[Any]:
        """One page by ``$skip``/``$top``, and the pages the server splits it into
        (``__next`` with a ``$skiptoken``: S/4HANA caps what one answer holds)."""
        first = url(path, filter=condition, select=select, orderby=order, skip=offset, top=limit)
        return list(paging.next_link(self.http, first, items="d.results", next_key="d.__next"))

    def _orders(self, condition: str) -> Iterator[Any]:
        size = self.settings.page_size
        return paging.offset_limit(
            lambda offset, limit: self._page(
                self.orders, condition, self.header_select, ORDER, offset=offset, limit=limit
            ),
            limit=size,
        )

    def _items_of(self, orders: list[str]) -> Iterator[Any]:
        condition = odata.both(odata.any_of("PurchaseOrder", orders), self._not_deleted())
        return paging.offset_limit(
            lambda offset, limit: self._page(
                self.items, condition, self.item_select, ITEM_ORDER, offset=offset, limit=limit
            ),
            limit=self.settings.page_size,
        )

    def _not_deleted(self) -> str:
        """Items marked deleted are no purchase (unless the settings want them)."""
        return (
            ""
            if self.settings.include_deleted
            else f"PurchasingDocumentDeletionCode ne '{DELETED}'"
        )

    # -- the connector ------------------------------------------------------------

    def check(self) -> CheckResult:
        step = "API_PURCHASEORDER_PROCESS_SRV"
        try:
            found = self.http.get(
                url(
                    self.orders,
                    filter=self.settings.filter,
                    select="PurchaseOrder",
                    top=1,
                    inlinecount="allpages",
                )
            )
            count = found["d"].get("__count", "?")
            self.http.get(url(self.items, select=self.item_select, top=1))
            if self.suppliers is not None:
                step = "API_BUSINESS_PARTNER"
                self.suppliers.probe()
        except HttpError as exc:
            return CheckResult(False, self._explain(exc, step))
        extra = self.settings.item_fields + self.settings.header_fields
        notes = [f"{count} purchase orders in scope"]
        if extra:
            notes.append(f"fields {', '.join(extra)} readable")
        notes.append(
            "suppliers from API_BUSINESS_PARTNER"
            if self.suppliers is not None
            else "no supplier lookup (vendor name and country unknown)"
        )
        return CheckResult(
            True, f"connected to {self.system} as {self.who}; " + "; ".join(notes), {"count": count}
        )

    def _explain(self, exc: HttpError, service: str) -> str:
        if exc.status == 401:
            return f"SAP refused {self.who} at {self.system}: {exc}"
        if exc.status == 403:
            return f"{self.who} may not use {service}: {exc}"
        return str(exc)

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        """The items of every purchase order changed since the checkpoint, oldest change
        first, by ``$skip``/``$top`` pages (and the ``__next`` pages SAP splits them into)."""
        progress = Progress(Cursor.load(since))
        at = progress.start.at
        since_filter = f"LastChangeDateTime ge {odata.datetimeoffset(at)}" if at else ""
        orders = self._orders(odata.both(self.settings.filter, since_filter))
        for page in groups(orders, self.settings.page_size):
            fresh: dict[str, Any] = {}
            for header in page:
                po = str(header["PurchaseOrder"])
                if progress.take(po, odata.timestamp(header.get("LastChangeDateTime"))):
                    fresh[po] = header
            yield from self._records(fresh)
        self._note(progress)
        yield Checkpoint(progress.cursor().dump())

    def _records(self, headers: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The records of the items of ``headers`` (purchase orders by number)."""
        if not headers:
            return
        suppliers = {}
        if self.suppliers is not None:
            numbers = {odata.text(h.get("Supplier")) or "" for h in headers.values()}
            suppliers = self.suppliers.lookup(numbers)
        for group in groups(list(headers), GROUP):
            done: set[tuple[str, str]] = set()
            for item in self._items_of(group):
                po, number = str(item.get("PurchaseOrder")), str(item.get("PurchaseOrderItem"))
                if (po, number) in done:
                    continue  # a row a page repeats
                done.add((po, number))
                header = headers.get(po)
                if header is None:
                    raise odata.SapError(f"SAP answered with an item of {po}, not asked for")
                yield self._record(
                    header, item, suppliers.get(odata.text(header.get("Supplier")) or "")
                )

    def _note(self, progress: Progress) -> None:
        if progress.untimed:
            self.logger.warning(
                "%d purchase orders have no LastChangeDateTime: a read --since last "
                "does not see their changes",
                progress.untimed,
            )
        if progress.rewind is not None:
            self.logger.info(
                "purchase orders changed during the read; the next read starts again at %s",
                progress.rewind,
            )

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        """Item ``PO/ITEM`` (``4500000017/10`` or ``4500000017/00010``), within the
        configured filter, as a read gives it."""
        parsed = parse_id(record_id)
        if parsed is None:
            return None
        po, number = parsed
        key = f"PurchaseOrder eq {odata.string(po)}"
        headers = self._page(
            self.orders,
            odata.both(self.settings.filter, key),
            self.header_select,
            ORDER,
            offset=0,
            limit=1,
        )
        if not headers:
            return None
        condition = odata.both(
            f"{key} and PurchaseOrderItem eq {odata.string(number)}", self._not_deleted()
        )
        items = self._page(self.items, condition, self.item_select, ITEM_ORDER, offset=0, limit=1)
        if not items:
            return None
        supplier = odata.text(headers[0].get("Supplier")) or ""
        found = self.suppliers.lookup({supplier}) if self.suppliers is not None else {}
        return self._record(headers[0], items[0], found.get(supplier))

    def _record(self, header: Any, item: Any, supplier: Supplier | None) -> dict[str, Any]:
        return record(
            header, item, supplier, self.settings.header_fields, self.settings.item_fields
        )

    def close(self) -> None:
        self.http.close()
        if self.oauth is not None:
            self.oauth.close()
