"""Plugins contribute their settings to ``cyberreview schema config`` (from their settings
models) and their own example entry to ``cyberreview init`` (``example=``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.cli.test_sources import Cli


def test_init_writes_the_plugins_own_example(cli: Cli, home: Path, buyly: Any) -> None:
    assert cli("init").code == 0
    text = (home / "cyberreview.yaml").read_text()
    block = text[text.index("#   buyly:\n") :].split("\n\n", 1)[0]
    assert "#       token: {env: BUYLY_TOKEN}" in block
    assert "#           Servers > Rack: hpc_server" in block
    # uncommented, the example is a source that loads and reaches the system
    entry = "\n".join(line[4:] for line in block.splitlines()).replace(
        "https://buyly.example.com", buyly.url
    )
    config = yaml.safe_load(text) | {"sources": yaml.safe_load(entry)}
    config["operator"] = {"name": "East Grid Power", "ciio": True, "sector": "energy"}
    (home / "cyberreview.yaml").write_text(yaml.safe_dump(config))
    checked = cli("sources", "check", "buyly")
    assert checked.code == 0, checked.err


def test_a_broken_example_falls_back_to_the_generated_one(
    cli: Cli, home: Path, buyly: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cyberreview_buyly import plugin

    monkeypatch.setattr(plugin, "EXAMPLE", "type: not-buyly\n")
    assert cli("init").code == 0
    text = (home / "cyberreview.yaml").read_text()
    assert "#       token: {env: BUYLY_TOKEN}  # (required) API token" in text


def test_schema_config_holds_each_types_settings(cli: Cli, buyly: Any) -> None:
    result = cli("schema", "config")
    assert result.code == 0, result.err
    schema = result.json()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def errors(settings: dict[str, Any], kind: str = "buyly") -> list[str]:
        config = {"sources": {"erp": {"type": kind, "settings": settings}}}
        return [e.message for e in validator.iter_errors(config)]

    good = {"url": "https://buyly.example.com", "token": {"env": "BUYLY_TOKEN"}}
    assert errors(good) == []
    assert errors({**good, "token": {"file": "/run/secrets/buyly"}}) == []
    assert errors({**good, "page_size": 50, "max_attempts": 3}) == []
    assert errors({"token": {"env": "T"}})  # url is required
    assert errors({**good, "token": "the-token-itself"})  # a secret is never the value
    assert errors({**good, "tokn": "x"})  # a misspelt setting
    assert errors({**good, "page_size": 0})
    assert errors(good, kind="buyley")  # no such type


def test_the_documented_schema_names_no_plugin() -> None:
    from cyberreview_policy.cli.docgen import schema_files

    assert "buyly" not in schema_files()["schema/config.schema.json"]
