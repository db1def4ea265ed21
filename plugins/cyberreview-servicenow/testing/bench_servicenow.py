"""How fast the local ServiceNow serves a large CMDB, and the connector reads it.

    python plugins/cyberreview-servicenow/testing/bench_servicenow.py [--count 100000]

Starts the local ServiceNow in a child process (as a server elsewhere would
be; ``--in-process`` to share this one's interpreter, as the tests do) with
``--count`` routers in ``cmdb_ci_ip_router`` (ten to a second of
``sys_updated_on``), then reads all of them from ``cmdb_ci_netgear``,
``--page-size`` a page, three ways: the bare Table API (requests following
the Link headers, no connector), the connector's ``read()`` (records as
dicts), and through the host (each record shaped and validated, as a sweep
reads it); and once more from the checkpoint (nothing new).  Prints CIs a
second for each.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import requests
from fake_servicenow import FakeServiceNow

from cyberreview_policy.config import inline_source
from cyberreview_policy.connectors import Checkpoint
from cyberreview_policy.connectors.host import ConnectorSource, connect
from cyberreview_policy.plugin.manager import make_host

ROUTER: dict[str, Any] = {
    "install_status": 1,
    "operational_status": 1,
    "u_review_category": "core_network_equipment",
    "u_catalogue_type": "router",
    "u_throughput_tbps": 12.8,
    "u_routing_entries": 2000000,
    "u_cii_system": "Dispatch WAN",
    "u_review_status": "none",
    "u_may_affect_national_security": True,
    "u_purchase_ref": "PO-2026-0001",
}


def source(sn: FakeServiceNow, page_size: int, since: Any = None) -> ConnectorSource:
    kind = make_host().registry.objects("sources")["servicenow"]
    settings = {
        "instance": sn.url,
        "username": sn.username,
        "password": sn.password,
        "tables": ["cmdb_ci_netgear"],
        "page_size": page_size,
    }
    configured = inline_source(
        "servicenow",
        "servicenow",
        kind.settings_model(),
        settings,
        operator={"name": "East Grid Power", "ciio": True, "sector": "energy"},
    )
    return connect(kind, configured, since=since)


def bare(sn: FakeServiceNow, page_size: int) -> int:
    """Follow the Link headers with requests alone: what the fake serves."""
    session = requests.Session()
    session.auth = (sn.username, sn.password)
    url: str | None = f"{sn.url}/api/now/table/cmdb_ci_netgear"
    params: dict[str, Any] | None = {
        "sysparm_query": "ORDERBYsys_updated_on^ORDERBYsys_id",
        "sysparm_limit": page_size,
        "sysparm_offset": 0,
        "sysparm_exclude_reference_link": "true",
    }
    rows = 0
    while url:
        answer = session.get(url, params=params, timeout=60)
        params = None
        rows += len(answer.json()["result"])
        url = answer.links.get("next", {}).get("url")
    return rows


def timed(label: str, count: int, run: Any) -> Any:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s  {count / seconds:>9,.0f} CIs/s")
    return result


def serve(count: int, found: Any) -> None:
    """The child process: a local ServiceNow with ``count`` routers, until killed."""
    sn = FakeServiceNow(seed=False)
    sn.generate("cmdb_ci_ip_router", count, **ROUTER)
    sn.__enter__()
    found.put((sn.url, sn.username, sn.password))
    time.sleep(3600)


@dataclass
class Remote:
    url: str
    username: str
    password: str


def started(count: int, in_process: bool) -> Any:
    if in_process:
        sn = FakeServiceNow(seed=False)
        timed(
            f"generate {count:,} routers",
            count,
            lambda: sn.generate("cmdb_ci_ip_router", count, **ROUTER),
        )
        return sn.__enter__(), None
    found: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(count, found), daemon=True)
    child.start()
    return Remote(*found.get(timeout=120)), child


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--in-process", action="store_true", help="serve from this process")
    args = parser.parse_args()
    n, size = args.count, args.page_size
    logging.disable(logging.WARNING)  # the X-Total-Count notes, per table
    sn, child = started(n, args.in_process)
    try:
        assert timed("Table API alone (requests, Link headers)", n, lambda: bare(sn, size)) == n

        def connector_rows() -> Any:
            rows, last = 0, None
            for item in source(sn, size).connector.read(None):
                rows += 1
                last = item
            assert rows == n + 1  # the rows, then the checkpoint
            assert isinstance(last, Checkpoint)
            return last.value

        checkpoint = timed("connector read() (dicts)", n, connector_rows)

        def host_records() -> None:
            assert sum(item.record is not None for item in source(sn, size).read()) == n

        timed("connector through the host (validated)", n, host_records)
        again = source(sn, size, since=checkpoint)
        assert not timed("from the checkpoint (nothing new)", n, lambda: list(again.read()))
    finally:
        if child is not None:
            child.terminate()
        else:
            sn.__exit__()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
