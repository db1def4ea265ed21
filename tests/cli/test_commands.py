"""``policy``, ``cases``, ``schema``, ``plugins`` and ``--help`` on every command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cli import COMMANDS
from tests.conftest import COVERED, Result
from tests.policy.test_loading import make_pack, rule_with

Cli = Callable[..., Result]


def test_policy_list(cli: Cli) -> None:
    result = cli("policy", "list")
    assert result.code == 0
    ids = [line.split()[0] for line in result.out.splitlines() if not line.startswith(" ")]
    assert ids == ["cn-cne-2017", "cn-cne-2023", "cn-csr-2020", "cn-csr-2022"]
    assert "cn-csr-2020      2.0.0    2020-06-01 to 2022-02-14" in result.out
    assert "cn-cne-2017      1.0.0    2017-06-01 to 2023-07-02" in result.out


def test_policy_validate_good_and_bad(cli: Cli, pack_dir: Path, tmp_path: Path) -> None:
    result = cli("policy", "validate", pack_dir, "cn-csr-2020")
    assert result.code == 0
    assert result.out.count("valid    cn-csr-2020 2.0.0 (13 rules)") == 2
    bad = make_pack(tmp_path, rule_with(when="{field: operator.ciio, equal: true}"))
    result = cli("policy", "validate", bad)
    assert result.code == 1
    assert result.out == (
        f"INVALID  {bad}\n  {bad}/rules/main.yaml:7: rule r1: rules[0].when.equal: "
        "unknown operator 'equal' (did you mean 'eq'?); operators: eq, ne, in, not_in, "
        "in_normalized, lt, le, "
        "gt, ge, contains, matches, exists, missing, is_null, is_true, is_false\n"
    )


def test_policy_validate_a_directory_that_is_no_pack(cli: Cli, tmp_path: Path) -> None:
    result = cli("policy", "validate", tmp_path)
    assert result.code == 1
    assert f"{tmp_path}: not a policy pack: no pack.yaml" in result.out


def test_policy_validate_yaml_syntax_error(cli: Cli, tmp_path: Path) -> None:
    bad = make_pack(tmp_path, "rules:\n  - id: [\n")
    result = cli("policy", "validate", bad)
    assert result.code == 1
    assert f"{bad}/rules/main.yaml:3:1: YAML syntax error" in result.out


def test_policy_test_runs_shipped_packs(cli: Cli) -> None:
    result = cli("policy", "test")
    assert result.code == 0
    for line in (
        "cn-cne-2017 1.0.0: 39/39 cases pass",
        "cn-cne-2023 2.0.0: 39/39 cases pass",
        "cn-csr-2020 2.0.0: 61/61 cases pass",
        "cn-csr-2022 2.0.0: 93/93 cases pass",
    ):
        assert line in result.out
    assert "not covered" not in result.out


def test_policy_test_with_no_packs_fails(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cyberreview_policy.builtin.packs.shipped_packs_root", lambda: None)
    result = cli("policy", "test")
    assert result.code == 1
    assert "no packs to test" in result.err


def test_policy_test_fails_on_a_failing_case(cli: Cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "tests").mkdir()
    (pack / "tests" / "t.yaml").write_text(
        "cases:\n  - name: wrong\n    record: {id: A, operator: {name: G, ciio: true}, product: {name: R, category: other}}\n"
        "    expect: {decision: block}\n",
        "utf-8",
    )
    result = cli("policy", "test", pack)
    assert result.code == 1
    assert "FAIL" in result.out and "decision is allow, expected block" in result.out
    assert "<- not covered both ways" in result.out


def test_cases_list_and_show(cli: Cli, tmp_path: Path) -> None:
    assert cli("cases", "list").out.startswith("no cases in sqlite:///")
    record = tmp_path / "po.json"
    record.write_text(json.dumps(COVERED), "utf-8")
    cli("gate", "--record", record, "--as-of", "2021-06-01")
    listed = cli("cases", "list")
    assert listed.out == (
        "CR-000001  review  open  PO-2021-0117/1  review-required  East Grid Power  "
        "Backbone router  opened 2021-06-01    go-live 2021-09-01 AT RISK\n"
    )
    shown = cli("cases", "show", "CR-000001")
    assert "opened by      rule review-required of cn-csr-2020@2.0.0" in shown.out
    data = cli("cases", "show", "CR-000001", "--format", "json").json()
    assert data["summary"] == {
        "kind": "purchase",
        "operator": "East Grid Power",
        "product": "Backbone router",
        "system": "Dispatch WAN",
        "vendor": "Example Networks",
        "cii": True,
        "materials": ["declaration", "impact_analysis", "procurement_documents"],
        "planned_date": "2021-09-01",
    }
    assert "amount" not in json.dumps(data)  # no contract figures in a case summary
    assert cli("cases", "list", "--kind", "remediation", "--format", "json").json() == []


def test_cases_show_unknown(cli: Cli) -> None:
    result = cli("cases", "show", "CR-000404")
    assert result.code == 3
    assert result.err.startswith("cyberreview: error: no case 'CR-000404' in ")


@pytest.mark.parametrize("which", ["record", "decision", "policy", "manifest", "pack-test"])
def test_schema(cli: Cli, which: str) -> None:
    schema = cli("schema", which).json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{which}.schema.json")


def test_record_schema_lists_categories(cli: Cli) -> None:
    schema = cli("schema", "record").json()
    category = schema["$defs"]["Product"]["properties"]["category"]
    assert "core_network_equipment" in category["enum"]


def test_plugins(cli: Cli) -> None:
    result = cli("plugins")
    assert "packs: cn-cne-2017, cn-cne-2023, cn-csr-2020, cn-csr-2022" in result.out
    assert "law: " in result.out
    data = cli("plugins", "--format", "json").json()
    assert {p["name"] for p in data} >= {
        "cyberreview_policy.builtin.files",
        "cyberreview_policy.builtin.sqlite_store",
    }


@pytest.mark.parametrize(
    "command",
    [*COMMANDS, "policy list", "policy validate", "policy test", "cases list", "cases show"],
)
def test_every_command_has_help_with_examples(cli: Cli, command: str) -> None:
    result = cli(*command.split(), "--help")
    assert result.code == 0
    assert "examples:" in result.out


def test_no_command_is_a_usage_error(cli: Cli) -> None:
    result = cli()
    assert result.code == 3
    assert "usage: cyberreview" in result.err


def test_version(cli: Cli) -> None:
    from cyberreview_policy import __version__

    assert cli("--version").out == f"cyberreview {__version__}\n"


BAD_PACKS = [
    ("rules:\n  - id: [\n", "main.yaml:3:1: YAML syntax error"),
    (rule_with(when="{field: operator.ciio, equal: true}"), "unknown operator 'equal'"),
    (rule_with(when="{field: operator.cio, is_true: true}"), "unknown field path 'operator.cio'"),
    (rule_with(when="{check: vendor_blacklisted}"), "unknown check 'vendor_blacklisted'"),
    (rule_with() + rule_with().replace("rules:\n", ""), "duplicate rule id (first at"),
]


@pytest.mark.parametrize(("rules", "message"), BAD_PACKS)
def test_a_bad_pack_is_invalid_and_the_gate_cannot_decide(
    cli: Cli, tmp_path: Path, rules: str, message: str
) -> None:
    pack = make_pack(tmp_path, rules)
    validated = cli("policy", "validate", pack)
    assert validated.code == 1
    assert message in validated.out
    record = tmp_path / "po.json"
    record.write_text(json.dumps(COVERED), "utf-8")
    gated = cli("gate", "--record", record, "--pack", pack, "--as-of", "2021-06-01")
    assert gated.code == 3
    assert gated.out == ""
    assert message in gated.err
    assert gated.err.count("\n") == 1


def test_policy_validate_a_law_file_is_no_pack(cli: Cli) -> None:
    """A law.yaml given where a pack is expected: a clear error, not an internal one
    (its cache entry, written when the law was loaded, is not a pack's)."""
    law = Path(__file__).resolve().parents[2] / "policies" / "law.yaml"
    result = cli("policy", "validate", law)
    assert result.code == 1, result.err
    assert f"{law}: not a policy pack: no pack.yaml" in result.out


def test_a_command_builds_no_parser_for_the_others(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate starts without a parser for each of the other commands (each costs
    argparse's set-up and gettext lookups); the top-level help still lists them all."""
    import argparse

    built: list[str] = []
    add = argparse._SubParsersAction.add_parser

    def counted(self: Any, name: str, **kwargs: Any) -> Any:
        built.append(name)
        return add(self, name, **kwargs)

    monkeypatch.setattr(argparse._SubParsersAction, "add_parser", counted)
    record = Path(__file__).resolve().parents[2] / "examples" / "po-117.json"
    gate = cli("gate", "--record", record, "--no-cases", "--as-of", "2021-06-01")
    assert gate.code == 2 and built == ["gate"]
    built.clear()
    helped = cli("--help", "gate")
    assert helped.code == 0 and set(built) == set(COMMANDS)
    assert all(name in helped.out for name in COMMANDS)
