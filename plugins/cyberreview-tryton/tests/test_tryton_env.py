"""The Tryton test harness: a real trytond 8.2 on a copy of the seeded template.

The first run on a machine builds the cached venv and template (about a
minute and a half); later runs start a server in about two seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import json
import sys
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

_HARNESS = Path(__file__).resolve().parents[1] / "testing" / "tryton_env.py"


def _load_harness():
    name = "tryton_env"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


tryton_env = _load_harness()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with tryton_env.start(tmp_path_factory.mktemp("tryton")) as running:
        yield running


# --- a plain JSON-RPC client, as a connector would write it ------------------


def post(url, body, authorization=None):
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode(errors="replace")


def login(server, login, password):
    status, answer = post(
        server.rpc_url,
        {"id": 1, "method": "common.db.login", "params": [login, {"password": password}, "en"]},
    )
    assert status == 200, answer
    user_id, session, *_ = answer["result"]
    token = base64.b64encode(f"{login}:{user_id}:{session}".encode()).decode()
    return f"Session {token}"


def call(server, authorization, method, params):
    status, answer = post(
        server.rpc_url, {"id": 2, "method": method, "params": params}, authorization
    )
    assert status == 200, answer
    assert "error" not in answer or answer["error"] is None, answer
    return answer["result"]


def decode(value):
    """Tryton's typed JSON values to Python ones."""
    if isinstance(value, list):
        return [decode(v) for v in value]
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
            value["hour"],
            value["minute"],
            value["second"],
            value["microsecond"],
        )
    return {k: decode(v) for k, v in value.items()}


def encode_datetime(value):
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


LINE_FIELDS = [
    "id",
    "purchase.number",
    "purchase.state",
    "purchase.purchase_date",
    "purchase.party.name",
    "purchase.party.addresses.country.code",
    "purchase.currency.code",
    "product.code",
    "product.attributes",
    "product.template.categories.name",
    "description",
    "quantity",
    "unit_price",
    "create_date",
    "write_date",
]


# --- tests -------------------------------------------------------------------


def test_ensure_is_cached_and_quiet(server, capsys):
    env = tryton_env.ensure()
    assert capsys.readouterr().err == ""
    assert env.template.is_file()
    assert env.manifest["versions"]["trytond"].startswith("8.2.")
    counts = env.manifest["seed"]["counts"]
    assert counts["purchases"] >= 12
    assert counts["purchase_lines"] >= 30


def test_login_and_read_purchase_lines(server):
    auth = login(server, server.login, server.password)
    context = call(server, auth, "model.res.user.get_preferences", [True, {}])
    assert context["company.rec_name"] == "East Grid Power Co., Ltd."
    rows = call(
        server,
        auth,
        "model.purchase.line.search_read",
        [[], 0, None, [["id", "ASC"]], LINE_FIELDS, context],
    )
    rows = decode(rows)
    expected = server.seed["lines"]
    assert [r["id"] for r in rows] == [line["id"] for line in expected]
    for row, line in zip(rows, expected, strict=True):
        purchase = row["purchase."]
        assert purchase["number"] == line["purchase_number"]
        assert purchase["state"] == line["purchase_state"]
        assert purchase["currency."]["code"] == "CNY"
        assert isinstance(purchase["purchase_date"], dt.date)
        assert purchase["purchase_date"].year == 2026
        assert purchase["party."]["name"] == line["supplier"]
        assert row["unit_price"] == Decimal(line["unit_price"])
        assert isinstance(row["create_date"], dt.datetime)
        # write_date stays null until a record is first modified
        assert row["write_date"] is None or row["write_date"] >= row["create_date"]
        if line["product_code"] is None:
            assert row["product."] is None  # a description-only line
            assert row["description"] == line["description"]
            continue
        product = row["product."]
        assert product["code"] == line["product_code"]
        assert [c["name"] for c in product["template."]["categories."]] == line["categories"]
        attributes = product["attributes"]
        if line["attributes"] is None:
            assert attributes is None
        else:
            # numeric attributes come back as {"__class__": "Decimal", ...}
            assert {k: str(v) if isinstance(v, Decimal) else v for k, v in attributes.items()} == (
                line["attributes"]
            )

    by_code = {r["product."]["code"]: r for r in rows if r["product."]}
    router = by_code["EG-RTR-CORE16"]["product."]["attributes"]
    assert router["throughput_tbps"] == Decimal("16.00")
    assert router["routing_entries"] == 2_000_000
    assert router["review_category"] == "core_network_equipment"
    server_attrs = by_code["EG-SRV-RS8800"]["product."]["attributes"]
    assert (server_attrs["cpus"], server_attrs["cores_per_cpu"], server_attrs["memory_gb"]) == (
        8,
        14,
        256,
    )
    assert by_code["EG-OFF-PAPER"]["product."]["attributes"] is None
    assert by_code["EG-OFF-CHAIR"]["product."]["attributes"] == {"review_category": "other"}
    countries = {
        a["country."]["code"] for r in rows for a in r["purchase."]["party."]["addresses."]
    }
    assert {"CN", "US", "DE", "JP"} <= countries


def test_attribute_domain(server):
    auth = login(server, server.login, server.password)
    context = call(server, auth, "model.res.user.get_preferences", [True, {}])
    rows = call(
        server,
        auth,
        "model.purchase.line.search_read",
        [
            [["product.attributes.review_category", "=", "core_network_equipment"]],
            0,
            None,
            [["id", "ASC"]],
            ["id", "product.code"],
            context,
        ],
    )
    expected = [
        line["id"]
        for line in server.seed["lines"]
        if (line["attributes"] or {}).get("review_category") == "core_network_equipment"
    ]
    assert [r["id"] for r in rows] == expected


def test_errors(server):
    auth = login(server, server.login, server.password)
    context = call(server, auth, "model.res.user.get_preferences", [True, {}])
    # the connector's user is read-only: a business error is HTTP 200 + error
    status, answer = post(
        server.rpc_url,
        {"id": 3, "method": "model.purchase.purchase.write", "params": [[1], {}, context]},
        auth,
    )
    assert status == 200
    assert answer["error"][0] == "UserError"
    assert answer["error"][1][0] == 'You are not allowed to access "Purchase".'
    # an unknown field
    status, answer = post(
        server.rpc_url,
        {
            "id": 4,
            "method": "model.purchase.line.search_read",
            "params": [[["no_such_field", "=", 1]], 0, 1, [["id", "ASC"]], ["id"], context],
        },
        auth,
    )
    assert (status, answer["error"]) == (200, ["'no_such_field'", ""])
    # a bad session is an HTTP 401
    bad = "Session " + base64.b64encode(f"{server.login}:2:nope".encode()).decode()
    status, _ = post(
        server.rpc_url,
        {"id": 5, "method": "model.purchase.line.search_count", "params": [[], context]},
        bad,
    )
    assert status == 401
    # the context is required on model calls
    status, _ = post(
        server.rpc_url,
        {"id": 6, "method": "model.purchase.line.search_count", "params": [[]]},
        auth,
    )
    assert status == 422


def test_rest_api_key(server):
    order = base64.urlsafe_b64encode(json.dumps([["id", "ASC"]]).encode()).decode()
    url = (
        f"{server.rest_url}/model/purchase.line?o={order}"
        "&f=purchase.number&f=product.code&f=product.attributes&f=unit_price&f=write_date"
    )
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {server.api_key}", "Range": "records=0-5"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)
        content_range = response.headers["Content-Range"]
    # the end is exclusive (0-5 is five records); the total is "*" once it
    # reaches 10 x (offset + limit)
    total = server.seed["counts"]["purchase_lines"]
    assert content_range == f"records 0-5/{total}"
    assert [r["id"] for r in rows] == [line["id"] for line in server.seed["lines"][:5]]
    first = rows[0]
    assert first["__name__"] == "purchase.line"
    assert first["purchase"] == {
        "__name__": "purchase.purchase",
        "id": 1,
        "number": "PO-2026-0001",
    }
    assert first["product"]["code"] == "EG-RTR-CORE16"
    assert first["unit_price"] == {"__class__": "Decimal", "decimal": "3795000.00"}

    request = urllib.request.Request(url, headers={"Authorization": "Bearer wrong"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    caught.value.close()
    assert caught.value.code == 401


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for a test that changes data."""
    with tryton_env.start(tmp_path) as running:
        yield running


def test_add_purchase_to_running_server(fresh_server):
    server = fresh_server
    auth = login(server, server.login, server.password)
    context = call(server, auth, "model.res.user.get_preferences", [True, {}])
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    added = tryton_env.add_purchase(
        server,
        [("EG-RTR-CORE16", 1, "3790000.00")],
        purchase_date="2026-11-20",
        reference="HX-SO-2026-0311",
        description="Spare core router",
    )
    assert added["state"] == "confirmed"
    assert added["number"].startswith("PO-2026-")
    assert len(added["line_ids"]) == 1
    # an incremental read: lines created or written since `before`
    since = encode_datetime(before)
    rows = call(
        server,
        auth,
        "model.purchase.line.search_read",
        [
            ["OR", ["create_date", ">=", since], ["write_date", ">=", since]],
            0,
            None,
            [["id", "ASC"]],
            LINE_FIELDS,
            context,
        ],
    )
    rows = decode(rows)
    assert [r["id"] for r in rows] == added["line_ids"]
    (row,) = rows
    assert row["purchase."]["number"] == added["number"]
    assert row["purchase."]["state"] == "confirmed"
    assert row["purchase."]["purchase_date"] == dt.date(2026, 11, 20)
    assert row["product."]["attributes"]["routing_entries"] == 2_000_000
    assert row["unit_price"] == Decimal("3790000.00")

    # run_proteus: any proteus code, as admin
    result = tryton_env.run_proteus(
        server,
        """
        Purchase = Model.get("purchase.purchase")
        (purchase,) = Purchase.find([("id", "=", args)])
        result = [purchase.state, purchase.total_amount, purchase.party.name]
        """,
        added["id"],
    )
    assert result == ["confirmed", "3790000.00", "Huaxin Networks Co., Ltd."]


def test_rate_limit_and_kill(tmp_path):
    # max_attempt=1 so the 429 comes on the third failed login (default: 7th,
    # after up to ~60 s of exponential delays)
    second = tryton_env.start(tmp_path, config={"session": {"max_attempt": 1}})
    try:
        body = {
            "id": 1,
            "method": "common.db.login",
            "params": [second.probe_login, {"password": "wrong"}, "en"],
        }
        statuses = [post(second.rpc_url, body)[0] for _ in range(3)]
        assert statuses == [401, 401, 429]
        # the connector's own login is not affected (the count is per login)
        login(second, second.login, second.password)

        second.kill()
        assert not second.alive()
        assert second.process.returncode == -9
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"{second.url}/rpc/", data=b"{}", timeout=5)
    finally:
        second.stop()
