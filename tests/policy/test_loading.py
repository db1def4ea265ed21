"""Loading packs: every class of policy error names file, line, rule and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cyberreview_policy.checks import Check
from cyberreview_policy.errors import PolicyError
from cyberreview_policy.policy import cache
from cyberreview_policy.policy.pack import load_pack, read_manifest

MANIFEST = """\
id: house-rules
title: House rules
version: 1.0.0
effective_from: 2020-06-01
implements: [Measures 2020]
"""

GOOD_RULES = """\
definitions:
  covered:
    field: operator.ciio
    is_true: true
rules:
  - id: ciio-purchase
    title: A CIIO purchase
    citations: [Measures 2020 Art. 2]
    outcome: advisory
    overridable: false
    when: {ref: covered}
    message: "{operator.name} is a CIIO"
"""


def make_pack(root: Path, rules: str = GOOD_RULES, manifest: str = MANIFEST, **extra: str) -> Path:
    pack = root / "house-rules"
    (pack / "rules").mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    (pack / "rules" / "main.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    for name, text in extra.items():
        (pack / "rules" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return pack


def load_error(pack: Path, checks: dict[str, Check] | None = None) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load_pack(pack, checks or {})
    return info.value


def rule_with(**fields: str) -> str:
    base = {
        "id": "r1",
        "title": "T",
        "citations": "[Measures 2020 Art. 2]",
        "outcome": "warn",
        "overridable": "true",
        "when": "{field: operator.ciio, is_true: true}",
        "message": "m",
    }
    base.update(fields)
    body = "\n".join(f"    {key}: {value}" for key, value in base.items())
    return "rules:\n  - " + body.lstrip() + "\n"


def test_a_good_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path), {})
    assert [rule.id for rule in pack.rules] == ["ciio-purchase"]
    assert pack.ref == {"id": "house-rules", "version": "1.0.0"}


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, "rules:\n  - id: x\n    title: [unclosed\n"))
    assert str(error).startswith(f"{tmp_path}/house-rules/rules/main.yaml:")
    assert "YAML syntax error" in str(error)
    assert error.location is not None and error.location.line == 4


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    rules = rule_with() + "    outcome: block\n"
    error = load_error(make_pack(tmp_path, rules))
    assert "duplicate key 'outcome' (first on line 5)" in str(error)
    assert error.location is not None and error.location.line == 9


def test_unknown_operator_suggests(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(when="{field: operator.ciio, equals: true}")))
    assert error.rule == "r1"
    assert error.field == "rules[0].when.equals"
    assert "unknown operator 'equals'" in error.message
    assert error.location is not None and error.location.line == 7


def test_two_operators_in_one_test(tmp_path: Path) -> None:
    error = load_error(
        make_pack(tmp_path, rule_with(when="{field: review.status, eq: none, ne: passed}"))
    )
    assert "one operator per test, got eq, ne" in error.message


def test_unary_operator_takes_true(tmp_path: Path) -> None:
    error = load_error(
        make_pack(tmp_path, rule_with(when="{field: operator.ciio, is_true: false}"))
    )
    assert "'is_true' takes no operand: write 'is_true: true'" in error.message


def test_model_stage_error_maps_to_line_rule_and_field(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(outcome="warning")))
    text = str(error)
    assert text == (
        f"{tmp_path}/house-rules/rules/main.yaml:5: rule r1: rules[0].outcome: "
        "'warning' is not one of advisory, warn, block"
    )


def test_missing_rule_field(tmp_path: Path) -> None:
    rules = rule_with().replace("    overridable: true\n", "")
    error = load_error(make_pack(tmp_path, rules))
    assert error.field == "rules[0].overridable"
    assert error.message == "required field is missing"


def test_citation_must_be_one_text_and_one_article(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(citations='["Measures 2020 Art. 2, 20"]')))
    assert error.field == "rules[0].citations[0]"
    assert "does not match" in error.message


def test_unknown_field_path_in_a_rule(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(when="{field: operator.cio, is_true: true}")))
    assert str(error).endswith(
        "rule r1: rules[0].when.field: unknown field path 'operator.cio': "
        "'operator' has no field 'cio' (did you mean 'ciio'?)"
    )
    assert error.location is not None and error.location.line == 7


def test_rule_citing_a_missing_python_check(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(when="{check: vendor_blacklisted}")))
    assert error.rule == "r1"
    assert (
        "unknown check 'vendor_blacklisted' (registered checks: none registered)" in error.message
    )


def test_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, rule_with(), more=rule_with())
    error = load_error(pack)
    assert error.rule == "r1" and error.field == "id"
    assert f"duplicate rule id (first at {pack}/rules/main.yaml:2)" in error.message
    assert error.location is not None and error.location.file == f"{pack}/rules/more.yaml"


def test_unknown_placeholder_in_message(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(message='"{operator.nme} bought it"')))
    assert error.field == "rules[0].message"
    assert "unknown field path 'operator.nme'" in error.message


def test_unbalanced_brace_in_message(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, rule_with(message='"costs {contract.amount"')))
    assert "unbalanced '{'" in error.message


def test_error_in_a_definition_of_another_file(tmp_path: Path) -> None:
    defs = "definitions:\n  broken:\n    field: review.stauts\n    eq: none\n"
    pack = make_pack(tmp_path, rule_with(when="{ref: broken}"), defs=defs)
    error = load_error(pack)
    assert error.location is not None and error.location.file == f"{pack}/rules/defs.yaml"
    assert error.location.line == 3
    assert "did you mean 'status'" in error.message


def test_unused_definition_must_compile(tmp_path: Path) -> None:
    rules = GOOD_RULES.replace("definitions:\n", "definitions:\n  stale: {field: nope, eq: 1}\n")
    error = load_error(make_pack(tmp_path, rules))
    assert error.field == "definitions.stale.field"


def test_manifest_errors(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, manifest=MANIFEST.replace("version: 1.0.0", "version: one"))
    error = load_error(pack)
    assert error.location is not None and error.location.file == f"{pack}/pack.yaml"
    assert error.field == "version"
    pack = make_pack(tmp_path, manifest=MANIFEST + "effective_to: 2019-01-01\n")
    assert "effective_to is before effective_from" in str(load_error(pack))


def test_not_a_pack(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"not a policy pack: no pack\.yaml"):
        read_manifest(tmp_path)


def test_empty_rule_file(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, ""))
    assert "the file is empty" in str(error)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = load_error(make_pack(tmp_path, "rule:\n  - id: x\n"))
    assert "unknown top-level key (did you mean 'rules'?)" in error.message


# -- the cache of validated packs ---------------------------------------------


def test_second_load_comes_from_the_cache_and_edits_miss_it(tmp_path: Path, home: Path) -> None:
    pack_dir = make_pack(tmp_path)
    load_pack(pack_dir, {})
    entries = list((home / "cache" / "packs").iterdir())
    assert len(entries) == 1
    assert cache.load(pack_dir) is not None
    (pack_dir / "rules" / "main.yaml").write_text(GOOD_RULES.replace("is a CIIO", "buys"), "utf-8")
    assert cache.load(pack_dir) is None
    pack = load_pack(pack_dir, {})
    assert [p.name for p in (home / "cache" / "packs").iterdir()] != [e.name for e in entries]
    assert len(list((home / "cache" / "packs").iterdir())) == 1  # the stale entry is gone
    assert (
        pack.rules[0].message(type("R", (), {"operator": type("O", (), {"name": "X"})})())
        == "X buys"
    )


def test_cached_pack_that_no_longer_compiles_reports_the_exact_line(tmp_path: Path) -> None:
    check = Check("vendor_ok", lambda record, as_of: True)
    pack_dir = make_pack(tmp_path, rule_with(when="{check: vendor_ok}"))
    load_pack(pack_dir, {"vendor_ok": check})  # now cached
    error = load_error(pack_dir)  # the plugin with the check is gone
    assert error.location is not None and error.location.line == 7
    assert "unknown check 'vendor_ok'" in error.message


def test_cache_can_be_turned_off(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYBERREVIEW_NO_CACHE", "1")
    load_pack(make_pack(tmp_path), {})
    assert not (home / "cache").exists()


def test_unwritable_cache_is_not_an_error(tmp_path: Path, home: Path) -> None:
    (home / "cache").write_text("not a directory")
    assert load_pack(make_pack(tmp_path), {}).rules
