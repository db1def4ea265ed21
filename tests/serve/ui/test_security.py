"""The board's security as issue 15 asks: no session, no page; gate tokens cannot sign
in; every change needs the form's CSRF token; auditors only read; every record field
escaped; the session cookie's flags; a session ends at logout, revocation and expiry."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cyberreview_policy.cases.servestate import serve_store
from cyberreview_policy.runtime import Runtime
from tests.conftest import COVERED, with_changes
from tests.serve.ui.conftest import csrf_of, open_case, sign_in

PAGES = ("/ui/cases", "/ui/cases/CR-000001", "/ui/waivers", "/ui/sweeps", "/ui/audit")


@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_every_page_redirects_to_the_login(serve: Any, path: str) -> None:
    service = serve()
    open_case(service, COVERED)
    answer = service.client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/ui/login?next={path}"
    forged = TestClient(service.client.app, cookies={"crp_session": "made-up"})
    assert forged.get(path, follow_redirects=False).status_code == 303


def test_a_change_without_a_session_changes_nothing(serve: Any) -> None:
    service = serve()
    case_id = open_case(service, COVERED)
    answer = service.client.post(
        f"/ui/cases/{case_id}/transition",
        data={"to": "declared", "on": "2021-06-02", "note": "n", "csrf": "x"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/ui/login")
    assert service.get(f"/v1/cases/{case_id}").json()["state"] == "open"


def test_gate_and_unknown_tokens_cannot_sign_in(serve: Any) -> None:
    service = serve()
    for token, said in (
        (service.tokens["gate"], "gate 令牌不能登录案件看板"),
        ("crp_not-a-token", "令牌未知或已吊销"),
        ("", "令牌未知或已吊销"),
    ):
        client = TestClient(service.client.app)
        answer = sign_in(client, token)
        assert answer.status_code == 403
        assert said in answer.text
        assert "crp_session" not in answer.headers.get("set-cookie", "")
        assert client.get("/ui/cases", follow_redirects=False).status_code == 303


def test_login_needs_its_csrf_token(serve: Any) -> None:
    service = serve()
    client = TestClient(service.client.app)
    client.get("/ui/login")  # the login cookie is set, but the form's field is missing
    answer = client.post(
        "/ui/login", data={"token": service.tokens["reviewer"]}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert "crp_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/ui/cases/{id}/transition", {"to": "declared", "on": "2021-06-02", "note": "n"}),
        ("/ui/cases/{id}/notice", {"kind": "accepted", "ref": "R-1", "on": "2021-06-02"}),
        ("/ui/cases/{id}/complex", {"on": "2021-06-02", "note": "n"}),
        ("/ui/lang", {"lang": "en"}),
        ("/ui/logout", {}),
    ],
)
def test_csrf_missing_or_wrong_is_403_and_changes_nothing(
    browser: Any, path: str, form: dict[str, str]
) -> None:
    me = browser("reviewer")
    case_id = open_case(me.service, COVERED)
    target = path.format(id=case_id)
    assert me.post(target, form, csrf=False).status_code == 403
    assert me.post(target, {**form, "csrf": "wrong"}, csrf=False).status_code == 403
    detail = me.service.get(f"/v1/cases/{case_id}").json()
    assert detail["state"] == "open" and detail["notices"] == []
    page = me.get("/ui/cases")
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text  # still signed in


def test_an_auditor_reads_everything_and_changes_nothing(browser: Any) -> None:
    reviewer = browser("reviewer")
    case_id = open_case(reviewer.service, COVERED)
    attached = reviewer.post(
        f"/ui/cases/{case_id}/materials",
        {"kind": "declaration"},
        files={"file": ("decl.pdf", b"%PDF declaration")},
    )
    assert attached.status_code == 303
    auditor = browser("auditor", reviewer.service)
    page = auditor.get(f"/ui/cases/{case_id}")
    assert page.status_code == 200
    assert "只读（审计员）" in page.text
    assert "<form" in page.text  # the language toggle and sign-out only:
    assert 'action="/ui/cases/' not in page.text
    download = auditor.get(f"/ui/cases/{case_id}/materials/declaration@1")
    assert download.content == b"%PDF declaration"
    for path, form in (
        ("transition", {"to": "declared", "on": "2021-06-02", "note": "n"}),
        ("materials", {"kind": "other"}),
        ("notice", {"kind": "accepted", "ref": "R-1", "on": "2021-06-02"}),
    ):
        refused = auditor.post(f"/ui/cases/{case_id}/{path}", form, files={"file": ("x.txt", b"x")})
        assert refused.status_code == 403, path
    assert reviewer.service.get(f"/v1/cases/{case_id}").json()["state"] == "open"
    assert auditor.get("/ui/audit").status_code == 200
    assert "ui.login" in auditor.get("/ui/audit").text


def test_a_reviewer_cannot_read_the_audit_trail(browser: Any) -> None:
    reviewer = browser("reviewer")
    answer = reviewer.get("/ui/audit")
    assert answer.status_code == 403
    assert "无权执行 read_audit" in answer.text
    assert 'href="/ui/audit"' not in reviewer.get("/ui/cases").text


EVIL = "<script>alert(1)</script>"


def test_every_record_field_is_escaped(browser: Any) -> None:
    me = browser("reviewer")
    record = with_changes(
        COVERED,
        id=f"PO-{EVIL}/1",
        operator__name=f"Op {EVIL}",
        product__name=f"Router {EVIL}",
        vendor__name=f"Vendor {EVIL}",
        deployment__system=f"WAN {EVIL}",
    )
    case_id = open_case(me.service, record)
    step = me.post(
        f"/ui/cases/{case_id}/transition",
        {"to": "declared", "on": "2021-06-02", "note": f"note {EVIL}"},
    )
    assert step.status_code == 303
    notice = me.post(
        f"/ui/cases/{case_id}/notice",
        {"kind": "accepted", "ref": f"REF {EVIL}", "on": "2021-06-03", "note": EVIL},
    )
    assert notice.status_code == 303
    upload = me.post(
        f"/ui/cases/{case_id}/materials",
        {"kind": "other"},
        files={"file": (f"{EVIL}.pdf", b"content")},
    )
    assert upload.status_code == 303
    for path in ("/ui/cases", f"/ui/cases/{case_id}"):
        html = me.get(path).text
        assert "<script>alert" not in html
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= (
            4 if path == "/ui/cases" else 8
        )
        scripts = re.findall(r"<script[^>]*>", html)
        assert scripts == ['<script src="/ui/static/htmx.min.js" defer>']
    assert "Vendor &lt;script&gt;" in me.get("/ui/cases").text


def test_the_session_cookie_flags(serve: Any) -> None:
    service = serve()
    answer = sign_in(TestClient(service.client.app), service.tokens["reviewer"])
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("crp_session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite", "max-age"} <= flags
    assert "samesite=strict" in cookie.lower() and "Path=/ui" in cookie
    assert "secure" not in flags  # plain HTTP here: a Secure cookie would not come back
    # a proxy's word about TLS only from the named proxy (TestClient's peer: "testclient")
    forged = TestClient(service.client.app, headers={"X-Forwarded-Proto": "https"})
    cookie = sign_in(forged, service.tokens["reviewer"]).headers["set-cookie"]
    assert "secure" not in cookie.lower()
    behind = serve(trusted_proxies=("testclient",), tokens=service.tokens)
    proxied = TestClient(behind.client.app, headers={"X-Forwarded-Proto": "https"})
    login = proxied.get("/ui/login")
    assert "; secure" in login.headers["set-cookie"].lower()
    csrf = csrf_of(login.text)  # the browser holds the Secure cookie (it spoke TLS)
    answer = proxied.post(
        "/ui/login",
        data={"csrf": csrf, "token": service.tokens["reviewer"]},
        headers={"Cookie": f"crp_login={csrf}"},
        follow_redirects=False,
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("crp_session="))
    assert "; secure" in cookie.lower()
    assert (
        TestClient(service.client.app, base_url="https://testserver")
        .get("/ui/login")
        .headers["set-cookie"]
        .lower()
        .count("secure")
        == 1
    )


def test_the_session_ends_at_logout(browser: Any) -> None:
    me = browser("reviewer")
    cookie = me.client.cookies.get("crp_session")
    out = me.post("/ui/logout", {})
    assert out.status_code == 303 and out.headers["location"] == "/ui/login"
    again = TestClient(me.service.client.app, cookies={"crp_session": cookie})
    assert again.get("/ui/cases", follow_redirects=False).status_code == 303


def test_the_session_ends_when_its_token_is_revoked(browser: Any) -> None:
    me = browser("reviewer")
    assert me.get("/ui/cases").status_code == 200
    store = Runtime(store_url=me.service.store_url).store()
    try:
        serve_store(store).revoke_token("test-reviewer", "pytest")
    finally:
        store.close()
    assert me.get("/ui/cases", follow_redirects=False).status_code == 303


def test_the_session_expires(serve: Any) -> None:
    service = serve(session_hours=0)
    client = TestClient(service.client.app)
    assert sign_in(client, service.tokens["reviewer"]).status_code == 303
    assert client.get("/ui/cases", follow_redirects=False).status_code == 303


def test_sessions_live_in_postgresql_too(serve: Any, pg_url: str) -> None:
    service = serve(store=pg_url)
    client = TestClient(service.client.app)
    assert sign_in(client, service.tokens["auditor"]).status_code == 303
    assert client.get("/ui/cases").status_code == 200
    store = Runtime(store_url=pg_url).store()
    try:
        serve_store(store).revoke_token("test-auditor", "pytest")
        assert store.purge_sessions(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == 1  # type: ignore[attr-defined]
    finally:
        store.close()
    assert client.get("/ui/cases", follow_redirects=False).status_code == 303


def test_docs_load_nothing_from_another_host(serve: Any) -> None:
    service = serve()
    page = service.client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http" not in page.text.replace("http-equiv", "")
    for url in urls:
        assert service.client.get(url).status_code == 200, url
    board = service.client.get("/ui/login").text
    assert all(u.startswith("/") for u in re.findall(r'(?:src|href)="([^"]+)"', board))
