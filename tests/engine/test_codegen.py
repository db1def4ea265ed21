"""Packs compiled to Python source decide exactly as the closures do.

The closures (:meth:`Engine.interpret`) are the reference; every comparison is
of the decision's JSON bytes, so an order of keys or findings, a type or a
message that differs fails.  Records: the demo records, generated ones, and
variants of both with the facts that decide drawn at random (seeded), under
every shipped pack, with and without waivers, and a pack that uses every
operator of the condition language.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.builtin.checks import cyberreview_register_checks
from cyberreview_policy.builtin.packs import shipped_packs_root
from cyberreview_policy.checks import Check
from cyberreview_policy.engine import codegen
from cyberreview_policy.engine.core import Engine
from cyberreview_policy.models.decision import decision_adapter
from cyberreview_policy.models.jsonout import compact, decision_bytes, dumps
from cyberreview_policy.models.validate import RecordData, from_obj
from cyberreview_policy.policy import cache
from cyberreview_policy.policy.pack import Pack, load_pack
from cyberreview_policy.waivers import Scope, Waiver, WaiverSet

ROOT = Path(__file__).resolve().parents[2]
D = dt.date

#: the facts the shipped tables decide on, and values each may take
CHOICES: dict[str, list[Any]] = {
    "kind": ["purchase", "asset"],
    "operator.ciio": [True, False, None],
    "operator.platform_users": [None, 0, 999_999, 1_000_001, 2**70],
    "product.category": [
        "core_network_equipment",
        "cloud_service",
        "important_communication_product",
        "other",
    ],
    "product.type": [None, "router", "firewall"],
    "deployment.cii": [True, False, None],
    "deployment.in_use": [True, False],
    "risk.may_affect_national_security": [True, False, None],
    "risk.factors.remote_access": [True, False, None],
    "risk.factors.supply_disruption_risk": ["low", "high", None],
    "vendor.compliance_issues": [True, None],
    "review.status": ["none", "declared", "under_review", "passed", "failed", "not_required"],
    "review.overdue": [True, False, None],
    "review.period": [None, "initial"],
    "review.deadline": [None, "2021-05-31"],
    "contract.amount": [None, 0, 1.5, 4_200_000, "12345.678"],
    "contract.currency": ["CNY", "USD"],
    "contract.commitments.no_illegal_control": [True, False, None],
    "materials": [[], ["declaration"], ["declaration", "impact_analysis", "procurement_documents"]],
    "attributes": [{}, {"erp": {"category": "router", "count": 3}}, {"erp": "flat"}],
}


def demo_records() -> list[dict[str, Any]]:
    text = (ROOT / "examples" / "procurement.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("generated") / "records.jsonl"
    generator = ROOT / "examples" / "generate.py"
    subprocess.run(
        [sys.executable, str(generator), "--count", "2000", "--seed", "7", "--output", str(out)],
        check=True,
    )
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        if data.get(key) is None:
            data[key] = {}
        data = data[key]
    data[leaf] = value


def variants(bases: list[dict[str, Any]], count: int, seed: int) -> Iterator[RecordData]:
    chooser = random.Random(seed)
    for n in range(count):
        data = json.loads(json.dumps(bases[n % len(bases)]))
        listing = data.get("kind") == "listing"  # no product: left so
        for path in chooser.sample(sorted(CHOICES), k=chooser.randint(1, 8)):
            if not (listing and path.startswith(("product.", "kind"))):
                put(data, path, chooser.choice(CHOICES[path]))
        yield from_obj(data)


def same(engine: Engine, records: Any, as_of: D) -> list[bytes]:
    """Decide ``records`` both ways, failing on the first difference; return the JSON."""
    reference = Engine(engine.packs, engine.waivers, compiled=False)
    engine._seen.add(as_of)  # compiled from the first record on (the second, by default)
    out = []
    for record in records:
        compiled = decision_bytes(engine.decide(record, as_of))
        walked = decision_bytes(reference.decide(record, as_of))
        assert compiled == walked, record.id
        out.append(compiled)
    return out


def shipped(name: str) -> Pack:
    checks: dict[str, Check] = {}
    cyberreview_register_checks(lambda check: checks.__setitem__(check.name, check))
    root = shipped_packs_root()
    assert root is not None
    from cyberreview_policy.policy.law import load_law

    return load_pack(root / name, checks, load_law(root / "law.yaml"))


@pytest.mark.parametrize(
    ("name", "as_of"),
    [
        ("cn-csr-2020", D(2021, 6, 1)),
        ("cn-csr-2022", D(2022, 3, 1)),
        ("cn-csr-2022", D(2026, 2, 1)),  # the renumbered Cybersecurity Law
        ("cn-cne-2023", D(2023, 8, 1)),
    ],
)
def test_shipped_packs_decide_alike(name: str, as_of: D, generated: list[dict[str, Any]]) -> None:
    engine = Engine([shipped(name)])
    bases = demo_records() + generated
    assert len(same(engine, (from_obj(data) for data in bases), as_of)) == len(bases)
    decided = same(engine, variants(bases, 3000, seed=len(name)), as_of)
    assert {b'"decision":"block"', b'"decision":"allow"'} <= {
        d[d.index(b'"decision"') :][:18] for d in decided
    }


def test_several_packs_and_waivers_decide_alike(generated: list[dict[str, Any]]) -> None:
    def waiver(rule: str, expires: D, **scope: str) -> Waiver:
        return Waiver(
            id=f"W-{rule}-{expires.year}",
            rule=rule,
            scope=Scope(**scope),
            reason="r",
            approver="Li Wei",
            created=D(2020, 1, 1),
            expires=expires,
            ticket=None,
        )

    bases = demo_records() + generated[:500]
    operators = Counter(data["operator"]["name"] for data in bases).most_common(3)
    (first, _), (second, _), (third, _) = operators
    waivers = WaiverSet(
        [
            waiver("commitments", D(2030, 1, 1), operator=first),
            waiver("materials", D(2021, 1, 1), operator=first),  # expired
            waiver("scope-unknown", D(2030, 1, 1), operator=second),
            waiver("review-overdue", D(2021, 1, 1), operator=third),  # expired
            waiver("factors-contradict", D(2030, 1, 1), operator=third),
        ]
    )
    engine = Engine([shipped("cn-csr-2020"), shipped("cn-cne-2023")], waivers)
    decided = b"\n".join(same(engine, variants(bases, 3000, seed=5), D(2021, 6, 1)))
    assert b'"waiver":{"id":"W-commitments-2030"' in decided  # set aside
    assert b'"rule":"waiver-expired"' in decided
    assert b'"pack":"cn-cne-2023"' in decided


EVERY_OPERATOR = """\
definitions:
  big: {field: operator.platform_users, ge: 1000000}
rules:
"""

OPERATORS = [
    "{field: operator.sector, eq: energy}",
    "{field: operator.sector, ne: energy}",
    "{field: operator.ciio, eq: false}",
    "{field: operator.ciio, ne: true}",
    "{field: contract.amount, eq: 1.5}",
    "{field: contract.amount, ne: 0}",
    "{field: product.category, in: [cloud_service, other]}",
    "{field: product.category, not_in: [cloud_service, other]}",
    "{field: operator.ciio, in: [true]}",
    "{field: contract.amount, lt: 1000}",
    "{field: contract.amount, gt: 1000}",
    "{field: review.deadline, le: 2021-06-01}",
    "{field: materials, contains: declaration}",
    "{field: product.name, contains: router}",
    "{field: product.type, matches: '^rou'}",
    "{field: review.period, exists: true}",
    "{field: attributes.erp.category, missing: true}",
    "{field: attributes.erp.count, gt: 2}",
    "{field: attributes.erp, eq: flat}",
    "{field: deployment.cii, is_null: true}",
    "{check: certification_valid}",
    "{not: {any: [{ref: big}, {field: review.overdue, is_true: true}]}}",
    "{all: [{ref: big}, {not: {field: operator.ciio, is_false: true}}]}",
]


def every_operator_pack(tmp_path: Path) -> Path:
    from tests.policy.test_loading import make_pack, rule_with

    rules = EVERY_OPERATOR
    for index, when in enumerate(OPERATORS):
        rule = rule_with(
            id=f"r{index}",
            when=when,
            outcome=["block", "warn", "advisory"][index % 3],
            overridable=["true", "false"][index % 2],
            message=(
                "'{operator.name} {{literal}} {contract.amount} {review.deadline} "
                '{materials} {deployment.cii} {attributes.erp.count} \\\\ "quoted" 中文\''
            ),
            actions="[{open_case: review, when: {field: review.status, eq: none}}]"
            if index % 4 == 0
            else "[]",
        )
        rules += rule.split("\n", 1)[1]
    if "exposure" not in rules:
        rules += textwrap.indent(
            "  exposure: {basis: contract.amount, currency: contract.currency, factor: [1, 5]}\n",
            "  ",
        )
    return make_pack(tmp_path, rules)


def test_every_operator_decides_alike(tmp_path: Path, generated: list[dict[str, Any]]) -> None:
    checks: dict[str, Check] = {}
    cyberreview_register_checks(lambda check: checks.__setitem__(check.name, check))
    pack = load_pack(every_operator_pack(tmp_path), checks)
    assert len(pack.rules) == len(OPERATORS)
    text, calls = codegen.source(pack)
    assert "matches" not in text and calls  # what is not written out calls its closure
    engine = Engine([pack])
    first = from_obj(demo_records()[0])
    engine.decide(first, D(2021, 6, 1))
    assert not engine._runs  # one record: decided by the closures, nothing compiled
    engine.decide(first, D(2021, 6, 1))
    assert engine._runs  # the second: compiled
    bases = demo_records() + generated[:300]
    decided = same(engine, variants(bases, 4000, seed=11), D(2021, 6, 1))
    for index in range(len(OPERATORS)):  # every rule fired on some records, not on others
        fired = sum(f'"rule":"r{index}"'.encode() in decision for decision in decided)
        assert 0 < fired < len(decided), OPERATORS[index]


def test_decision_bytes_are_pydantic_s(generated: list[dict[str, Any]]) -> None:
    """orjson writes exactly what pydantic's serialiser writes, and pydantic takes over
    where orjson cannot (an integer beyond 64 bits in the facts)."""
    engine = Engine([shipped("cn-csr-2020")])
    dump = decision_adapter().dump_json
    seen_big = False
    for record in variants(demo_records() + generated[:200], 2000, seed=3):
        decision = engine.decide(record, D(2021, 6, 1))
        decision["source"] = {"adapter": "a", "ref": "中", "fetched_at": None}
        assert decision_bytes(decision) == dump(decision)
    big = engine.decide(from_obj(demo_records()[0]), D(2021, 6, 1))
    big["findings"].append(dict(big["findings"][0], facts={"n": 2**70, "d": D(2021, 1, 2)}))  # type: ignore[arg-type]
    seen_big = decision_bytes(big) == dump(big)
    assert seen_big
    answer = {"findings": big["findings"], "as_of": D(2021, 6, 1), "error": {"code": "x"}}
    assert json.loads(compact(answer)) == json.loads(dumps(answer))  # the service's answers
    assert b" " not in compact({"n": 2**70, "l": [1, 2]})  # past orjson: compact all the same


def test_a_plugin_check_that_raises_is_reported_by_rule(tmp_path: Path) -> None:
    """The generated code hands a record it cannot decide to the closures: the error
    names the rule, as without compilation."""
    from cyberreview_policy.errors import EvaluationError
    from tests.policy.test_loading import make_pack, rule_with

    def flaky(record: Any, as_of: D) -> bool:
        if record.operator.ciio is None:
            raise ValueError("no answer")
        return True

    rules = rule_with(when="{all: [{field: review.status, eq: none}, {check: flaky}]}")
    pack = load_pack(make_pack(tmp_path, rules), {"flaky": Check("flaky", flaky)})
    engine = Engine([pack])
    record = demo_records()[0]
    put(record, "review.status", "none")
    put(record, "operator.ciio", True)
    assert engine.decide(from_obj(record), D(2021, 6, 1))["decision"] == "warn"
    put(record, "operator.ciio", None)
    with pytest.raises(EvaluationError, match=r"rule r1 of pack house-rules failed.*ValueError"):
        engine.decide(from_obj(record), D(2021, 6, 1))


def test_compiled_code_is_cached_beside_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYBERREVIEW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CYBERREVIEW_NO_CACHE", raising=False)
    pack = shipped("cn-csr-2020")
    codegen.program(pack)
    entries = list((tmp_path / "home" / "cache" / "packs").glob("*.code"))
    assert len(entries) == 1
    compiled: list[str] = []
    real = compile

    def counting(*args: Any, **kwargs: Any) -> Any:
        compiled.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr("builtins.compile", counting)
    codegen.program(pack)
    assert compiled == []  # loaded from the cache
    # A forged or stale entry (another source's digest) is not used ...
    entries[0].write_bytes(b"\0" * 32 + entries[0].read_bytes()[32:])
    codegen.program(pack)
    assert compiled == ["<pack cn-csr-2020>"]
    # ... nor one that someone else could have written.
    compiled.clear()
    os.chmod(entries[0], 0o666)
    assert cache.load_code(pack.path, entries[0].read_bytes()[:32]) is None
    codegen.program(pack)
    assert compiled == ["<pack cn-csr-2020>"]


def test_a_word_is_looked_up_and_a_value_beyond_its_set_still_shown(
    generated: list[dict[str, Any]],
) -> None:
    """The words of a field of a fixed set of values (``{product.category}``) are
    looked up by the generated code; a value the set does not hold (a case overlay's,
    say) is shown as the template's own function shows it."""
    source, _ = codegen.source(shipped("cn-csr-2020"))
    assert "(_w if (_w := K[" in source
    engine = Engine([shipped("cn-csr-2020")])
    records = [from_obj(record) for record in generated[:50]]
    odd = [r.replace(review=r.review.replace(status="on_hold")) for r in records]
    odd += [r.replace(product=None) for r in records if r.product is not None]
    fired = same(engine, odd, D(2021, 6, 1))
    assert any(b"on_hold" in line for line in fired)
