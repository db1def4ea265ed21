"""The four paginators against a local server: short pages, repeats, empty pages."""

from __future__ import annotations

from typing import Any

from cyberreview_policy.connectors import HttpClient, paging
from cyberreview_policy.testing import FaultServer, Reply, Request

ROWS = [{"id": n} for n in range(1, 8)]


def ids(items: Any) -> list[int]:
    return [item["id"] for item in items]


def test_next_link_follows_links_past_short_and_empty_pages(fault_server: FaultServer) -> None:
    pages = {"1": (ROWS[0:2], "2"), "2": ([], "3"), "3": (ROWS[2:3], "4"), "4": (ROWS[3:7], None)}

    def page(request: Request) -> Reply:
        rows, following = pages[request.query.get("page", ["1"])[0]]
        link = f"{fault_server.url}/api/?page={following}" if following else None
        return Reply(200, {"results": rows, "next": link})

    fault_server.route("GET", "/api/", page)
    http = HttpClient(fault_server.url)
    assert ids(paging.next_link(http, "/api/", params={"limit": 2})) == list(range(1, 8))
    assert fault_server.requests[0].query == {"limit": ["2"]}
    assert fault_server.requests[1].query == {"page": ["2"]}  # the link carries the query


def test_link_header_with_repeats_dropped_by_key(fault_server: FaultServer) -> None:
    def page(request: Request) -> Reply:
        offset = int(request.query.get("sysparm_offset", ["0"])[0])
        rows = ROWS[max(0, offset - 1) : offset + 3]  # each page repeats the last one's end
        headers = {}
        if offset + 3 < len(ROWS):
            nxt = f"{fault_server.url}/api/now/table/cmdb_ci?sysparm_offset={offset + 3}"
            headers["Link"] = f'<{nxt}>;rel="next", <{fault_server.url}/x>;rel="first"'
        return Reply(200, {"result": rows}, headers)

    fault_server.route("GET", "/api/now/table/cmdb_ci", page)
    http = HttpClient(fault_server.url)
    got = ids(paging.link_header(http, "/api/now/table/cmdb_ci", key=lambda r: r["id"]))
    assert got == list(range(1, 8))
    without_key = ids(paging.link_header(http, "/api/now/table/cmdb_ci"))
    assert len(without_key) > 7  # what the key is for


def test_offset_limit_stops_only_on_an_empty_page() -> None:
    asked: list[tuple[int, int]] = []

    def fetch(offset: int, limit: int) -> list[Any]:
        asked.append((offset, limit))
        if offset == 0:
            return ROWS[0:2]
        if offset == 2:
            return ROWS[2:3]  # short, and not the last
        return ROWS[offset : offset + limit]

    assert ids(paging.offset_limit(fetch, limit=3)) == list(range(1, 8))
    assert asked[-1] == (7, 3)


def test_page_token(fault_server: FaultServer) -> None:
    def search(request: Request) -> Reply:
        token = request.json().get("nextPageToken")
        start = int(token or 0)
        body: dict[str, Any] = {"issues": ROWS[start : start + 3]}
        if start + 3 < len(ROWS):
            body["nextPageToken"] = str(start + 3)
        return Reply(200, body)

    fault_server.route("POST", "/rest/api/3/search/jql", search)
    http = HttpClient(fault_server.url)
    got = paging.page_token(
        http,
        "/rest/api/3/search/jql",
        items="issues",
        method="POST",
        token_param="nextPageToken",
        params={"jql": "labels = cyberreview"},
    )
    assert ids(got) == list(range(1, 8))
    assert [r.json()["jql"] for r in fault_server.requests] == ["labels = cyberreview"] * 3


def test_a_next_link_to_another_host_stays_on_ours(fault_server: FaultServer) -> None:
    """Behind a proxy the server names its internal host: the credentials never go there."""

    def page(request: Request) -> Reply:
        if request.query.get("page") == ["2"]:
            return Reply(200, {"results": ROWS[2:4], "next": None})
        return Reply(200, {"results": ROWS[:2], "next": "https://evil.example/api/?page=2"})

    fault_server.route("GET", "/api/", page)
    http = HttpClient(fault_server.url, headers={"Authorization": "Token secret-token-1"})
    assert ids(paging.next_link(http, "/api/")) == [1, 2, 3, 4]
    assert [r.query for r in fault_server.requests] == [{}, {"page": ["2"]}]
