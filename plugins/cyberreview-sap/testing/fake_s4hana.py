"""A local S/4HANA, faithful to SAP's published OData v2 APIs for purchase orders and
business partners, on the cyberreview-policy kit's :class:`FaultServer` (standard
library only besides).

S/4HANA cannot run on a test machine; this stands in for it.  What it reproduces
(sources in ``testing/README.md``):

- ``/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV`` (``A_PurchaseOrder``,
  ``A_PurchaseOrderItem``) and ``/sap/opu/odata/sap/API_BUSINESS_PARTNER``
  (``A_BusinessPartner``, ``A_BusinessPartnerAddress``, ``A_BuPaAddressUsage``,
  ``A_Supplier``), each with its ``$metadata`` (``s4_model.py``: a subset of SAP's
  EDMX) and service document;
- collections, entities by key (``A_PurchaseOrder('4500000017')``), navigation
  (``.../to_PurchaseOrderItem``); ``$filter``, ``$orderby``, ``$select`` (with
  paths into what is expanded), ``$expand`` (nested), ``$top``, ``$skip``,
  ``$inlinecount=allpages`` (``__count``), an unknown property or option a 400;
- the JSON v2 envelope ``{"d": {"results": [...], "__next": ...}}`` and values
  as ``odata_json.py`` writes them; JSON only (``Accept: application/json`` or
  ``$format=json``): SAP would answer Atom XML otherwise, this answers 406;
- **server-driven paging**: an answer holds at most ``max_page`` entities
  (5000), or ``default_page`` (100) without ``$top``; the rest of the page asked
  for is behind ``__next``, an absolute URL with the request's options and a
  ``$skiptoken``;
- Basic auth and OAuth 2.0 client credentials (``/sap/bc/sec/oauth2/token``,
  tokens that expire); ``sap-client`` as a header or URL parameter (another
  client than ``100`` cannot log on); 401 as SAP's HTML logon error page with
  ``WWW-Authenticate``; 403 in SAP's OData error body for a user without the
  service; the OData error body (``{"error": {"code", "message": {"lang",
  "value"}, "innererror"}}``) for 400, 404 and 500;
- the CSRF handshake: a ``GET`` with ``X-CSRF-Token: Fetch`` gets a token and a
  session cookie; ``PATCH``/``MERGE``/``PUT``/``POST``/``DELETE`` without both
  get ``403`` with ``x-csrf-token: Required`` and ``CSRF token validation
  failed``; with them, ``PATCH``/``MERGE`` of an item or order updates it (204)
  and stamps the order's ``LastChangeDateTime``;
- ``LastChangeDateTime`` kept to the microsecond (SAP: 100 ns) and sent in
  milliseconds: the truncation a reader must survive; a clock that moves a
  little over a second a change, or not at all inside :meth:`FakeS4HANA.same_instant`;
- 429 with ``Retry-After`` (:meth:`FakeS4HANA.throttle`, or ``rate_limit``
  requests a second), in the shape SAP API Management (Apigee) sends it.
"""

from __future__ import annotations

import base64
import collections
import re
import secrets
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import odata_query as q
import s4_odata
from s4_model import SERVICES
from s4_odata import ODATA, header, sap_error, single
from s4_store import Store

from cyberreview_policy.testing.faults import FaultServer, Reply, Request

TOKEN_PATH = "/sap/bc/sec/oauth2/token"
SYSTEM, CLIENT = "S4H", "100"
WRITES = {"POST", "PUT", "PATCH", "MERGE", "DELETE"}
LOGON_ERROR = (
    "<html><head><title>Logon Error Message</title></head><body>"
    "<h1>Logon failed</h1><p>Logon Error Message</p><p>Error: Logon failed; "
    "enter a valid user name and password (Return code 401)</p>"
    f"<p>Server: {SYSTEM}, client {CLIENT}</p></body></html>"
)


class _Server(FaultServer):
    def __init__(self, dispatch: Callable[[Request], Reply]):
        super().__init__()
        self._dispatch = dispatch

    def _route(self, request: Request) -> Reply:
        return self._dispatch(request)


def is_odata(request: Request) -> bool:
    return request.path.startswith(ODATA)


def is_page(request: Request) -> bool:
    """A request for a page of purchase order items (the records read)."""
    return request.method == "GET" and request.path.endswith("/A_PurchaseOrderItem")


def is_order_page(request: Request) -> bool:
    return request.method == "GET" and request.path.endswith("/A_PurchaseOrder")


def at_skip(
    skip: int, match: Callable[[Request], bool] = is_order_page
) -> Callable[[Request], bool]:
    """Requests ``match`` picks for the page at ``$skip=skip``."""
    return lambda r: match(r) and single(r).get("$skip") == str(skip)


class FakeS4HANA:
    """An S/4HANA system on ``127.0.0.1``: ``with FakeS4HANA() as s4: s4.url``.

    ``seed``: East Grid Power's purchase orders and suppliers (``eastgrid_pos.py``);
    the data is ``s4.store`` (``add_order``, ``change``, ``same_instant``, ... are
    here too).
    """

    username = "CYBERREVIEW"
    password = "S4-Review!2026"
    client_id = "CYBERREVIEW_OAUTH"
    client_secret = "s4h-client-secret-8d2f6a41c9e04b7d"

    def __init__(
        self,
        *,
        seed: bool = True,
        max_page: int = 5000,
        default_page: int = 100,
        token_life: int = 3600,
        rate_limit: float = 0.0,
    ):
        self.max_page, self.default_page = max_page, default_page
        self.token_life, self.rate_limit = token_life, rate_limit
        self.server = _Server(self._dispatch)
        self.store = Store()
        self.odata = s4_odata.OData(self.store, self)
        self.lock = self.store.lock
        #: user: (password, services it may use)
        self.users: dict[str, tuple[str, set[str]]] = {
            self.username: (self.password, set(SERVICES)),
            "PO_ONLY": ("Po-Only!2026", {"API_PURCHASEORDER_PROCESS_SRV"}),
        }
        self.clients: dict[str, tuple[str, str]] = {  # OAuth client: (secret, user)
            self.client_id: (self.client_secret, self.username)
        }
        self.tokens: dict[str, tuple[str, float]] = {}  # token: (user, expires, monotonic)
        self.sessions: dict[str, str] = {}  # session cookie: CSRF token
        self.before_request: list[Callable[[Request], None]] = []
        self.throttled = 0
        self._hits: dict[str, collections.deque[float]] = {}
        self.add_supplier = self.store.add_supplier
        self.add_order = self.store.add_order
        self.order, self.item = self.store.order, self.store.item
        self.change, self.same_instant = self.store.change, self.store.same_instant
        if seed:
            import eastgrid_pos

            eastgrid_pos.load(self)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def oauth_url(self) -> str:
        return self.url + TOKEN_PATH

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def __enter__(self) -> FakeS4HANA:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    # -- faults -------------------------------------------------------------------

    def throttle(
        self, times: int = 1, retry_after: int = 1, match: Callable[[Request], bool] | None = None
    ) -> None:
        """The next ``times`` OData requests (or those ``match`` picks) get 429s."""
        self.server.fail_next(
            *[_throttled(retry_after) for _ in range(times)], match=match or is_odata
        )

    def fail_next(self, *faults: Reply, match: Callable[[Request], bool] | None = None) -> None:
        """The kit's faults (``Fault.status(500)``, ...) for the next OData requests."""
        self.server.fail_next(*faults, match=match or is_odata)

    def _dispatch(self, request: Request) -> Reply:
        for hook in self.before_request:
            hook(request)
        if request.path == TOKEN_PATH:
            return self._token(request)
        found = re.match(rf"^{ODATA}(?P<svc>[A-Z0-9_]+)(?P<rest>/.*)?$", request.path)
        if found is None:
            return Reply(
                404,
                f"<html><body>Service cannot be reached: {request.path}</body></html>",
                {"Content-Type": "text/html"},
            )
        name = found.group("svc")
        user = self._logon(request)
        if user is None:
            return Reply(
                401,
                LOGON_ERROR,
                {
                    "Content-Type": "text/html; charset=utf-8",
                    "WWW-Authenticate": f'Basic realm="SAP NetWeaver Application Server '
                    f'[{SYSTEM}/{CLIENT}]"',
                },
            )
        limited = self._limit(user)
        if limited is not None:
            return limited
        service = SERVICES.get(name)
        if service is None:
            return sap_error(
                404,
                "/IWFND/MED/170",
                f"No service found for namespace '/SAP/', name '{name}', version '0001'",
                name,
            )
        if name not in self.users[user][1]:
            return sap_error(
                403,
                "/IWFND/CM_CONSUMER/101",
                f"No authorization to access Service '{name}_0001'",
                name,
            )
        extra: dict[str, str] = {}
        if request.method in WRITES:
            refused = self._csrf(request)
            if refused is not None:
                return refused
        elif header(request, "X-CSRF-Token").lower() == "fetch":
            session, token = secrets.token_hex(16).upper(), secrets.token_urlsafe(18)
            with self.lock:
                self.sessions[session] = token
            extra = {
                "x-csrf-token": token,
                "Set-Cookie": f"SAP_SESSIONID_{SYSTEM}_{CLIENT}={session}; path=/; HttpOnly",
            }
        try:
            reply = self.odata.serve(service, found.group("rest") or "/", request)
        except q.QueryError as exc:
            reply = sap_error(400, "/IWBEP/CM_MGW_RT/022", str(exc), name)
        reply.headers.update(extra)
        return reply

    def _logon(self, request: Request) -> str | None:
        client = header(request, "sap-client") or single(request).get("sap-client", CLIENT)
        if client != CLIENT:
            return None
        scheme, _, credential = header(request, "Authorization").partition(" ")
        if scheme.lower() == "bearer":
            with self.lock:
                user, expires = self.tokens.get(credential.strip(), ("", 0.0))
            return user if user and time.monotonic() < expires else None
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(credential).decode().partition(":")
            except ValueError:
                return None
            known = self.users.get(user.upper())
            return user.upper() if known and known[0] == password else None
        return None

    def _limit(self, user: str) -> Reply | None:
        if not self.rate_limit:
            return None
        now = time.monotonic()
        with self.lock:
            window = self._hits.setdefault(user, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.rate_limit:
                self.throttled += 1
                return _throttled(1)
            window.append(now)
        return None

    def _csrf(self, request: Request) -> Reply | None:
        cookie = header(request, "Cookie")
        found = re.search(rf"SAP_SESSIONID_{SYSTEM}_{CLIENT}=([0-9A-F]+)", cookie)
        token = header(request, "X-CSRF-Token")
        with self.lock:
            expected = self.sessions.get(found.group(1)) if found else None
        if expected is None or token != expected:
            return Reply(
                403,
                "CSRF token validation failed",
                {"Content-Type": "text/plain; charset=utf-8", "x-csrf-token": "Required"},
            )
        return None

    def _token(self, request: Request) -> Reply:
        """The OAuth 2.0 token endpoint: client credentials (RFC 6749, 4.4)."""
        form = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        scheme, _, credential = header(request, "Authorization").partition(" ")
        client, secret = form.get("client_id", ""), form.get("client_secret", "")
        if scheme.lower() == "basic":
            try:
                client, _, secret = base64.b64decode(credential).decode().partition(":")
            except ValueError:
                client = ""
        known = self.clients.get(client)
        if request.method != "POST" or known is None or known[0] != secret:
            return Reply(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                {"WWW-Authenticate": 'Basic realm="OAuth 2.0"'},
            )
        if form.get("grant_type") != "client_credentials":
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"grant_type {form.get('grant_type')!r}",
                },
            )
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = (known[1], time.monotonic() + self.token_life)
        scope = " ".join(f"{s}_0001" for s in self.users[known[1]][1])
        return Reply(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_life,
                "scope": scope,
            },
            {"Cache-Control": "no-store"},
        )


def _throttled(retry_after: int) -> Reply:
    """429 as SAP API Management (on Apigee) sends it for a quota or spike arrest."""
    body = {
        "fault": {
            "faultstring": "Rate limit quota violation. Quota limit exceeded. "
            "Identifier : _default",
            "detail": {"errorcode": "policies.ratelimit.QuotaViolation"},
        }
    }
    return Reply(429, body, {"Content-Type": "application/json", "Retry-After": str(retry_after)})
