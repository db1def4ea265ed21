"""Suppliers' names and countries from API_BUSINESS_PARTNER.

A purchase order names its supplier by number (``A_PurchaseOrder.Supplier``);
the business partner with that ``Supplier`` holds the name, and its addresses
the country.  The country is the standard address's (address usage
``XXDEFAULT``, valid now), else the one country all its addresses share, else
unknown.  Looked up once per supplier and read, in groups.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

from cyberreview_policy.connectors import HttpClient, paging

from . import odata
from .records import Supplier
from .wire import GROUP, groups, url

STANDARD_USAGE = "XXDEFAULT"
ISO_COUNTRY = re.compile(r"[A-Z]{2}")
SELECT = [
    "BusinessPartner",
    "Supplier",
    "BusinessPartnerFullName",
    "BusinessPartnerName",
    "to_BusinessPartnerAddress/AddressID",
    "to_BusinessPartnerAddress/Country",
    "to_BusinessPartnerAddress/to_AddressUsage/AddressUsage",
    "to_BusinessPartnerAddress/to_AddressUsage/ValidityStartDate",
    "to_BusinessPartnerAddress/to_AddressUsage/ValidityEndDate",
]
EXPAND = "to_BusinessPartnerAddress,to_BusinessPartnerAddress/to_AddressUsage"


class Suppliers:
    def __init__(self, http: HttpClient, service: str, logger: logging.Logger):
        self.http = http
        self.path = f"{service}/A_BusinessPartner"
        self.logger = logger
        self.known: dict[str, Supplier] = {}

    def probe(self) -> None:
        """One business partner, to see that the service may be read."""
        self.http.get(url(self.path, select="BusinessPartner", top=1))

    def lookup(self, numbers: Iterable[str]) -> dict[str, Supplier]:
        wanted = {n for n in numbers if n}
        missing = sorted(wanted - set(self.known))
        for group in groups(missing, GROUP):
            query = url(
                self.path,
                filter=odata.any_of("Supplier", group),
                select=",".join(SELECT),
                expand=EXPAND,
                top=len(group),
            )
            partners = paging.next_link(self.http, query, items="d.results", next_key="d.__next")
            for partner in partners:
                number = odata.text(partner.get("Supplier"))
                if number is not None and number in group:
                    self.known[number] = supplier(partner)
            for number in group:
                if number not in self.known:
                    self.logger.warning(
                        "supplier %s: no business partner found (or not readable by this "
                        "user): its name and country are left unknown",
                        number,
                    )
                    self.known[number] = Supplier(None, None)
        return {n: self.known[n] for n in wanted}


def supplier(partner: dict[str, Any]) -> Supplier:
    name = odata.text(partner.get("BusinessPartnerFullName")) or odata.text(
        partner.get("BusinessPartnerName")
    )
    key = country(partner)
    iso = key if key and ISO_COUNTRY.fullmatch(key) else None
    return Supplier(name, iso, odata.text(partner.get("BusinessPartner")), key)


def country(partner: dict[str, Any]) -> str | None:
    """SAP's country key of the standard address, else the one all addresses share."""
    addresses = [a for a in odata.results(partner.get("to_BusinessPartnerAddress")) if a]
    now = dt.datetime.now(dt.UTC)
    standard = [a for a in addresses if _is_standard(a, now)]
    found = {odata.text(a.get("Country")) for a in (standard or addresses)} - {None}
    return found.pop() if len(found) == 1 else None


def _is_standard(address: dict[str, Any], now: dt.datetime) -> bool:
    usages = address.get("to_AddressUsage")
    for usage in odata.results(usages) if isinstance(usages, dict) else []:
        if usage.get("AddressUsage") != STANDARD_USAGE:
            continue
        start = odata.instant(usage.get("ValidityStartDate"))
        end = odata.instant(usage.get("ValidityEndDate"))
        if (start is None or start <= now) and (end is None or now <= end):
            return True
    return False
