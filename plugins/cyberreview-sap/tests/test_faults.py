"""What S/4HANA does to a reader, beyond the contract kit: a 500 on page 3 of 5, 429s with
Retry-After, answers split by server-driven paging, purchase orders changed during a
read or within one millisecond, tokens that expire or are revoked."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eastgrid_pos import READABLE
from fake_s4hana import TOKEN_PATH, FakeS4HANA, at_skip, is_order_page
from s4_odata import sap_error
from test_cli import Operator

from conftest import basic, oauth, open_source, read_all
from cyberreview_policy.errors import SourceError
from cyberreview_policy.plugin.types import SourceType
from cyberreview_policy.testing import Fault, FaultServer, Request

#: items of the first ten purchase orders (two pages of five)
FIRST_TEN = 13


def router(po: str = "") -> dict[str, Any]:
    return {
        "PurchaseOrderItemText": f"NetEngine 8000 M8 router {po}".strip(),
        "MaterialGroup": "NET010",
        "OrderQuantity": 1,
        "NetPriceAmount": 560000,
        "YY1_NatSecImpact_PDI": "Y",
        "YY1_CIISystem_PDI": "Dispatch WAN",
    }


# -- failures and retries ------------------------------------------------------------------


def test_a_500_on_page_3_of_5_makes_the_sweep_incomplete_and_a_rerun_completes(
    own_s4: FakeS4HANA, tmp_path: Path
) -> None:
    operator = Operator(tmp_path, own_s4, page_size=5)  # 25 orders: five pages
    own_s4.fail_next(Fault.status(500), Fault.status(500), match=at_skip(10))  # and its retry
    broken = operator.sweep("--since", "last")
    assert broken.code == 3
    assert broken.summary["complete"] is False
    assert broken.summary["records"] == FIRST_TEN  # what was read before it is decided
    error = broken.events()["source.finished"]["error"]
    assert "A_PurchaseOrder?" in error and "$skip=10" in error and "HTTP 500" in error
    opened = broken.summary["cases"]
    assert opened["created"] + opened["adopted"] == len(operator.cases())
    rerun = operator.sweep("--since", "last")  # no checkpoint was stored: everything
    assert rerun.code == 0, rerun.err
    assert rerun.summary["complete"] is True and rerun.summary["records"] == READABLE
    again = rerun.summary["cases"]  # the first ten orders' cases are not opened twice
    assert again["already_open"] == opened["created"]
    assert len(operator.cases()) == len({(c["record_id"], c["kind"]) for c in operator.cases()})
    assert len(operator.cases()) == sum(opened[k] + again[k] for k in ("created", "adopted"))
    pages = [r.query["$skip"][0] for r in own_s4.requests if is_order_page(r)]
    assert pages == ["0", "5", "10", "10", "0", "5", "10", "15", "20", "25"]  # and the empty one
    assert operator.sweep("--since", "last").summary["records"] == 0


def test_a_500_names_sap_s_message(kind: SourceType, own_s4: FakeS4HANA) -> None:
    body = sap_error(500, "SADL_GW_EXPOSURE/000", "Database request failed", "X").body
    own_s4.fail_next(*[Fault.status(500, body=body)] * 3, match=is_order_page)
    with pytest.raises(SourceError) as failed:
        read_all(open_source(kind, own_s4))
    assert "HTTP 500" in str(failed.value) and "Database request failed" in str(failed.value)


def test_429_with_retry_after_is_honoured(kind: SourceType, own_s4: FakeS4HANA) -> None:
    own_s4.throttle(2, retry_after=1, match=is_order_page)
    read = read_all(open_source(kind, own_s4, page_size=10))
    assert len(read.records) == READABLE and read.checkpoint is not None
    first = [r.at for r in own_s4.requests if is_order_page(r)][:3]  # the page, twice refused
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(first))


def test_a_429_from_the_token_endpoint_is_waited_out(kind: SourceType, own_s4: FakeS4HANA) -> None:
    own_s4.throttle(1, retry_after=1, match=lambda r: r.path == TOKEN_PATH)
    read = read_all(open_source(kind, own_s4, auth=oauth))
    assert len(read.records) == READABLE
    tokens = [r.at for r in own_s4.requests if r.path == TOKEN_PATH]
    assert len(tokens) == 2 and tokens[1] - tokens[0] >= 0.9


# -- paging -----------------------------------------------------------------------------------


def test_answers_split_by_the_server_are_followed(kind: SourceType) -> None:
    with FakeS4HANA(max_page=2) as s4:  # at most two entities an answer, whatever $top says
        read = read_all(open_source(kind, s4, page_size=5))
        assert len(read.records) == READABLE and not read.skipped
        tokens = [r for r in s4.requests if "$skiptoken" in r.query]
        assert {r.path.rsplit("/", 1)[1] for r in tokens} >= {
            "A_PurchaseOrder",
            "A_PurchaseOrderItem",
        }


SERVICE = "/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV"


def _next_links(proxy: FaultServer, rewrite: Callable[[str], str]) -> list[str]:
    """Rewrite the ``__next`` of every purchase order page the proxy passes on; the
    links as rewritten."""
    served: list[str] = []

    def hook(request: Request, body: Any) -> Any:
        d = body.get("d") if isinstance(body, dict) else None
        if is_order_page(request) and isinstance(d, dict) and d.get("__next"):
            d["__next"] = rewrite(d["__next"])
            served.append(d["__next"])
        return body

    proxy.page_hook = hook
    return served


#: where a rewritten ``__next`` leads (from a link and the other server's URL), and what
#: the read's error says
ELSEWHERE: dict[str, tuple[Callable[[str, str], str], str]] = {
    "another host": (
        lambda link, other: other + link[link.index("/sap/") :],
        r"another server \(http://127\.0\.0\.1:\d+\)",
    ),
    "another scheme": (
        lambda link, other: link.replace("http://", "https://"),
        r"another server \(https://127\.0\.0\.1:\d+\)",
    ),
    "another collection": (
        lambda link, other: link.replace(
            f"{SERVICE}/A_PurchaseOrder?", "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_Supplier?"
        ),
        r"another collection \(/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_Supplier, not ",
    ),
}


@pytest.mark.parametrize("where", sorted(ELSEWHERE))
def test_a_next_link_that_leads_elsewhere_is_not_followed(kind: SourceType, where: str) -> None:
    """A hostile (or misconfigured) ``__next`` must not take the credentials to another
    server, nor read another collection as this one: the read fails, naming where the
    link led, and nothing is asked of the other server."""
    with (
        FakeS4HANA(max_page=2) as s4,  # every page of 5 is split: __next on each
        FaultServer() as elsewhere,
        FaultServer(upstream=s4.url) as proxy,
    ):
        rewrite, message = ELSEWHERE[where]
        links = _next_links(proxy, lambda link: rewrite(link, elsewhere.url))
        source = open_source(kind, s4, auth=lambda s: basic(s, proxy.url), page_size=5)
        with pytest.raises(SourceError, match=f"leads to {message}.*: not followed"):
            read_all(source)
        assert len(links) == 1  # the first link was refused, not followed
        assert elsewhere.requests == []
        assert [r for r in s4.requests if "$skiptoken" in r.query and is_order_page(r)] == []
        assert source.checkpoint is None
        proxy.assert_no_errors()


@pytest.mark.parametrize("relative_to", ["the service", "the server"])
def test_a_relative_next_link_is_followed_from_the_collection(
    kind: SourceType, relative_to: str
) -> None:
    with FakeS4HANA(max_page=2) as s4, FaultServer(upstream=s4.url) as proxy:
        cut = f"{proxy.url}{SERVICE}/" if relative_to == "the service" else proxy.url
        links = _next_links(proxy, lambda link: link.removeprefix(cut))
        read = read_all(open_source(kind, s4, auth=lambda s: basic(s, proxy.url), page_size=5))
        assert len(read.records) == READABLE
        assert links and all(not link.startswith("http") for link in links)
        assert len([r for r in s4.requests if "$skiptoken" in r.query and is_order_page(r)]) > 5
        proxy.assert_no_errors()


# -- changes during a read ----------------------------------------------------------------


def test_a_purchase_order_changed_mid_read_appears_in_the_next_incremental_read(
    kind: SourceType, own_s4: FakeS4HANA
) -> None:
    """4500000002 is read on page 1, then changed while page 3 is asked for: it moves to
    the end (read again there, changed), and every order after its old place moves up
    one: 4500000011, at the edge of pages 2 and 3, is not read at all.  The checkpoint
    goes back to 4500000002's first time, so the next read reads 4500000011."""
    changed = []

    def change_once(request: Request) -> None:
        if at_skip(10)(request) and not changed:
            changed.append(own_s4.change("4500000002", "10", YY1_NatSecImpact_PDI="Y"))

    own_s4.before_request.append(change_once)
    during = read_all(open_source(kind, own_s4, page_size=5))
    assert changed
    assert "4500000011/10" not in during.ids  # offset paging skipped it
    assert during.ids.count("4500000002/10") == 2  # before and after the change
    twice = [r for r in during.records if r.id == "4500000002/10"]
    assert [r.risk.may_affect_national_security for r in twice] == [None, True]
    own_s4.before_request.clear()

    after = read_all(open_source(kind, own_s4, since=during.checkpoint, page_size=5))
    assert "4500000011/10" in after.ids
    assert after.by_id()["4500000002/10"].risk.may_affect_national_security is True
    assert read_all(open_source(kind, own_s4, since=after.checkpoint, page_size=5)).ids == []


def test_a_purchase_order_changed_mid_read_is_decided_by_the_next_sweep(
    own_s4: FakeS4HANA, tmp_path: Path
) -> None:
    operator = Operator(tmp_path, own_s4, page_size=5)
    own_s4.before_request.append(
        lambda r: (
            own_s4.change("4500000002", "10", YY1_NatSecImpact_PDI="N")
            if at_skip(10)(r) and own_s4.item("4500000002", "10")["YY1_NatSecImpact_PDI"] == ""
            else None
        )
    )
    first = operator.sweep("--since", "last")
    assert first.code == 0 and "4500000011/10" not in first.decisions
    own_s4.before_request.clear()
    second = operator.sweep("--since", "last")
    assert second.code == 0
    assert {"4500000011/10", "4500000002/10"} <= set(second.decisions)
    assessed = second.decisions["4500000002/10"]  # no impact: no block (the router's
    assert assessed["decision"] == "warn"  # catalogue type is still unknown: a warn)
    assert {f["rule"] for f in assessed["findings"] if f["outcome"] != "advisory"} == {
        "catalogue-type-unknown"
    }
    assert operator.sweep("--since", "last").summary["records"] == 0


def test_changes_within_one_millisecond_are_not_lost(kind: SourceType, own_s4: FakeS4HANA) -> None:
    """A checkpoint names the millisecond it got to and the orders read in it: an order
    changed later in that same millisecond is read next time, the others are not."""
    with own_s4.same_instant():  # the clock stops: every change gets the last stamp
        first = own_s4.add_order("10000101", [router("A")])
        read = read_all(open_source(kind, own_s4, page_size=3))
        assert f"{first}/10" in read.ids
        assert read.checkpoint["seen"] == ["4500000025", first]  # same millisecond
        second = own_s4.add_order("10000101", [router("B")])
        again = read_all(open_source(kind, own_s4, since=read.checkpoint, page_size=3))
    assert again.ids == [f"{second}/10"]
    assert read_all(open_source(kind, own_s4, since=again.checkpoint)).ids == []


def test_many_orders_changed_in_one_instant_span_pages(
    kind: SourceType, own_s4: FakeS4HANA
) -> None:
    full = read_all(open_source(kind, own_s4))
    with own_s4.same_instant():
        made = [own_s4.add_order("10000102", [router(str(n))]) for n in range(7)]
    read = read_all(open_source(kind, own_s4, since=full.checkpoint, page_size=2))
    assert read.ids == [f"{po}/10" for po in made]


# -- tokens ---------------------------------------------------------------------------------


def test_an_oauth_token_is_renewed_before_it_expires(kind: SourceType) -> None:
    with FakeS4HANA(token_life=2) as s4:
        read = read_all(open_source(kind, s4, auth=oauth, page_size=3, requests_per_second=15))
        assert len(read.records) == READABLE
        assert s4.requests[-1].at - s4.requests[0].at > 2  # it outlived a token
        assert len([r for r in s4.requests if r.path == TOKEN_PATH]) >= 2  # a 401 fails it


def test_a_token_revoked_mid_read_fails_the_read(kind: SourceType, own_s4: FakeS4HANA) -> None:
    own_s4.before_request.append(lambda r: own_s4.tokens.clear() if at_skip(10)(r) else None)
    source = open_source(kind, own_s4, auth=oauth, page_size=5)
    with pytest.raises(SourceError, match="HTTP 401"):
        read_all(source)
    assert source.checkpoint is None
