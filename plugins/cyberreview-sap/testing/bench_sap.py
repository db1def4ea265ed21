"""How fast the connector reads purchase order items from the local S/4HANA.

    python plugins/cyberreview-sap/testing/bench_sap.py [--orders 5000] [--page-size 100]

Starts the local S/4HANA in a child process (as a server elsewhere would be)
with ``--orders`` purchase orders of one to four items each (2.5 on average)
from 16 suppliers, then reads them three ways: the connector's ``read()``
(records as dicts), through the host (each record shaped, mapped and validated,
as a sweep reads it), and once more from the checkpoint (nothing new).  Prints
items a second for each, and the requests each read made.

The local S/4HANA evaluates every query over all its rows in Python: with
thousands of orders it, not the connector, sets the pace (its time is in the
"server" column, measured in the child).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import eastgrid_pos
import requests
from fake_s4hana import FakeS4HANA

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors import Checkpoint
from cyberreview_policy.connectors.host import ConnectorSource, connect
from cyberreview_policy.plugin.manager import make_host

GROUPS = ["NET010", "NET020", "SEC010", "SRV010", "OTA010", "CAB010", "ELE010", "SWA010"]
MAPPINGS = {
    "product.category": {
        "from": "attributes.sap.MaterialGroup",
        "values": {code: category for code, (_, category) in eastgrid_pos.MATERIAL_GROUPS.items()},
    },
    "risk.may_affect_national_security": {
        "from": "attributes.sap.YY1_NatSecImpact_PDI",
        "values": {"Y": True, "N": False},
    },
}


def generate(s4: FakeS4HANA, orders: int) -> int:
    """``orders`` purchase orders; the number of items."""
    for number, (name, country, city, more, standard) in eastgrid_pos.SUPPLIERS.items():
        s4.add_supplier(number, name, country, city, standard=standard, more=more)
    suppliers = list(eastgrid_pos.SUPPLIERS)
    items = 0
    for n in range(orders):
        lines = [
            {
                "PurchaseOrderItemText": f"Item {n}-{k}",
                "MaterialGroup": GROUPS[(n + k) % len(GROUPS)],
                "OrderQuantity": 1 + k,
                "NetPriceAmount": 1000 + n,
                "YY1_NatSecImpact_PDI": "YN"[n % 2],
            }
            for k in range(1 + n % 4)
        ]
        s4.add_order(suppliers[n % len(suppliers)], lines)
        items += len(lines)
    return items


def serve(orders: int, found: Any) -> None:
    """The child process: a local S/4HANA with ``orders`` purchase orders, until killed;
    every 0.1 s it notes its CPU time (its threads answer requests, nothing else) and
    the requests it has had."""
    s4 = FakeS4HANA(seed=False)
    items = generate(s4, orders)
    s4.__enter__()
    found.put((s4.url, s4.username, s4.password, items))
    note = Path(load_file(s4.url))
    while True:
        draft = note.with_suffix(".draft")
        draft.write_text(f"{time.process_time()} {len(s4.requests)}")
        draft.replace(note)  # whole, for the reader
        time.sleep(0.1)


def load_file(url: str) -> str:
    return f"{tempfile.gettempdir()}/bench_sap_{url.rsplit(':', 1)[1]}.load"


def source(
    url: str, user: str, password: str, page_size: int, since: Any = None
) -> ConnectorSource:
    kind = make_host().registry.objects("sources")["sap"]
    settings = {
        "url": url,
        "username": user,
        "password": password,
        "item_fields": ["YY1_NatSecImpact_PDI"],
        "page_size": page_size,
    }
    configured = inline_source(
        "sap",
        "sap",
        kind.settings_model(),
        settings,
        operator={"name": "East Grid Power", "ciio": True, "sector": "energy"},
        mappings=MAPPINGS,
    )
    return connect(kind, configured, since=since)


def server_load(url: str) -> tuple[float, int]:
    time.sleep(0.25)
    seconds, count = Path(load_file(url)).read_text().split()
    return float(seconds), int(count)


def timed(label: str, url: str, count: int, run: Any) -> Any:
    before = server_load(url)
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    after = server_load(url)
    server, made = after[0] - before[0], after[1] - before[1]
    print(
        f"{label:<40} {seconds:7.2f} s  {count / seconds:>8,.0f} items/s  "
        f"server {server:6.2f} s  {made:>5} requests"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    found: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(args.orders, found), daemon=True)
    child.start()
    try:
        url, user, password, items = found.get(timeout=600)
        print(f"{args.orders:,} purchase orders, {items:,} items, page size {args.page_size}")
        requests.get(url, timeout=5)

        def connector_rows() -> Any:
            rows, last = 0, None
            for item in source(url, user, password, args.page_size).connector.read(None):
                rows += 1
                last = item
            assert rows == items + 1  # the items, then the checkpoint
            assert isinstance(last, Checkpoint)
            return last.value

        checkpoint = timed("connector read() (dicts)", url, items, connector_rows)

        def host_records() -> None:
            read = source(url, user, password, args.page_size).read()
            assert sum(item.record is not None for item in read) == items

        timed("connector through the host (validated)", url, items, host_records)
        again = source(url, user, password, args.page_size, since=checkpoint)
        assert not timed(
            "from the checkpoint (nothing new)", url, items, lambda: list(again.read())
        )
    finally:
        child.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
