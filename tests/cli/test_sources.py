"""Configured sources end to end: cyberreview.yaml, ``sources``, ``init``, and the gate
and the sweep reading a connector (the tutorial's Buyly, against its stand-in server)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]
TUTORIAL = Path(__file__).parents[2] / "examples" / "connector-tutorial"
TOKEN = "buyly-token-7f3a9c"
AS_OF = ("--as-of", "2026-11-20")

CONFIG = """\
operator:
  name: East Grid Power
  ciio: true
  sector: energy
sources:
  buyly:
    type: buyly
    settings:
      url: {url}
      token: {{env: BUYLY_TOKEN}}
      max_attempts: 2
    defaults:
      deployment.cii: true
    mappings:
      product.category:
        from: attributes.buyly.category
        values:
          Network > Routers: core_network_equipment
          Network > Firewalls: network_security_equipment
          Servers > Rack: hpc_server
        default: other
"""


@pytest.fixture
def buyly(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(TUTORIAL / "src"))
    monkeypatch.syspath_prepend(str(TUTORIAL / "tests"))
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "cyberreview_buyly.plugin")
    monkeypatch.setenv("BUYLY_TOKEN", TOKEN)
    from local_buyly import LocalBuyly

    with LocalBuyly(token=TOKEN) as system:
        yield system
    sys.modules.pop("local_buyly", None)


@pytest.fixture
def config(home: Path, buyly: Any) -> Path:
    path = home / "cyberreview.yaml"
    path.write_text(CONFIG.format(url=buyly.url), encoding="utf-8")
    return path


def test_sources_list(cli: Cli, config: Path) -> None:
    result = cli("sources", "list")
    assert result.code == 0, result.err
    assert f"configured sources ({config})" in result.out
    assert "buyly            type buyly" in result.out
    assert (
        "token: (required) API token of a user who may read the records.  (secret: {env: NAME}"
        in result.out
    )
    data = cli("sources", "list", "--format", "json").json()
    assert data["configured"] == {"buyly": {"type": "buyly"}}
    assert data["types"]["buyly"]["settings"]["properties"]["token"]["writeOnly"] is True
    assert TOKEN not in result.out


def test_sources_check(cli: Cli, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = cli("sources", "check", "buyly")
    assert (good.code, good.out) == (0, "buyly: ok: connected to Buyly as cyberreview-sync\n")
    monkeypatch.setenv("BUYLY_TOKEN", "wrong-token-123")
    bad = cli("sources", "check", "buyly")
    assert bad.code == 3
    assert "buyly: FAILED: GET " in bad.out and "HTTP 401" in bad.out and "invalid token" in bad.out
    assert "wrong-token-123" not in bad.out + bad.err


def test_check_unreachable(cli: Cli, config: Path) -> None:
    text = config.read_text().replace("max_attempts: 2", "max_attempts: 1")
    config.write_text(text.replace(_url(config), "http://127.0.0.1:9"))
    result = cli("sources", "check", "buyly")
    assert result.code == 3
    assert "buyly: FAILED: GET http://127.0.0.1:9/api/me: ConnectionError" in result.out


def _url(config: Path) -> str:
    return next(
        line.split(": ", 1)[1] for line in config.read_text().splitlines() if "url:" in line
    )


def test_unknown_source(cli: Cli, config: Path) -> None:
    result = cli("sources", "check", "sap")
    assert result.code == 3
    assert f"source sap: not configured (configured sources: buyly; {config})" in result.err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("token: {env: BUYLY_TOKEN}", f"token: {TOKEN}"),
            ":10: sources.buyly.settings.token: "
            "a secret comes from {env: NAME} or {file: PATH}, never from the file itself",
        ),
        (
            ("BUYLY_TOKEN}", "NO_SUCH_VAR}"),
            ":10: sources.buyly.settings.token: environment variable NO_SUCH_VAR is not set",
        ),
        (("max_attempts: 2", "max_attempts: zero"), ":11: sources.buyly.settings.max_attempts: "),
        (("max_attempts: 2", "retries: 2"), ":11: sources.buyly.settings.retries: "),
        (
            ("type: buyly", "type: oracle-ebs"),
            ":7: sources.buyly.type: no plugin provides source type 'oracle-ebs' (installed: buyly",
        ),
        (("    defaults:", "    default:"), ":12: sources.buyly.default: "),
    ],
)
def test_config_errors_name_file_line_key(
    cli: Cli, config: Path, change: tuple[str, str], message: str
) -> None:
    config.write_text(config.read_text().replace(*change))
    result = cli("sources", "check", "buyly")
    assert result.code == 3
    assert f"cyberreview: error: {config}{message}" in result.err
    assert TOKEN not in result.err


def test_secret_from_a_file(cli: Cli, config: Path, tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    config.write_text(config.read_text().replace("{env: BUYLY_TOKEN}", f"{{file: {secret}}}"))
    assert cli("sources", "check", "buyly").code == 0


def test_config_option_and_env(
    cli: Cli, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = tmp_path / "elsewhere.yaml"
    config.rename(moved)
    assert cli("sources", "check", "buyly").code == 3
    assert cli("sources", "check", "buyly", "--config", moved).code == 0
    monkeypatch.setenv("CYBERREVIEW_CONFIG", str(moved))
    assert cli("sources", "check", "buyly").code == 0
    missing = cli("sources", "list", "--config", tmp_path / "nope.yaml")
    assert missing.code == 3 and "nope.yaml: no such configuration file" in missing.err


def test_gate_fetches_one_record(cli: Cli, config: Path) -> None:
    result = cli("gate", "--source", "buyly", "--id", "PO-1002/2", *AS_OF, "--format", "json")
    decision = result.json()
    assert decision["record_id"] == "PO-1002/2"
    assert result.code == 2 and decision["decision"] == "block"  # a core router, not reviewed
    assert decision["actions"][0]["type"] == "open_case"
    missing = cli("gate", "--source", "buyly", "--id", "PO-9/9", *AS_OF)
    assert missing.code == 3 and "source buyly: no record 'PO-9/9'" in missing.err
    assert cli("gate", "--source", "buyly", *AS_OF).code == 3
    assert cli("gate", "--record", "x.json", "--id", "PO-1", *AS_OF).code == 3


def test_gate_fails_closed_when_the_source_is_down(cli: Cli, config: Path, buyly: Any) -> None:
    buyly.server.stop()
    result = cli("gate", "--source", "buyly", "--id", "PO-1002/2", *AS_OF)
    assert result.code == 3 and "ConnectionError" in result.err


def test_sweep_a_source_then_since_last(cli: Cli, config: Path, buyly: Any) -> None:
    first = cli("sweep", "--source", "buyly", *AS_OF, "--format", "jsonl")
    assert first.code == 0, first.err
    summary = first.lines()[-1]["summary"]
    assert summary["records"] == 7 and summary["complete"] is True
    created = summary["cases"]["created"]
    assert created >= 1
    again = cli("sweep", "--source", "buyly", *AS_OF, "--format", "jsonl").lines()[-1]["summary"]
    assert again["cases"] | {"by_kind": {}} == {
        "created": 0,
        "already_open": created,
        "closed": 0,
        "adopted": 0,
        "by_kind": {},
    }
    buyly.add_item()
    newer = cli("sweep", "--source", "buyly", "--since", "last", *AS_OF, "--format", "jsonl")
    assert [d["record_id"] for d in newer.lines()[:-1]] == ["PO-1004/2"]
    nothing = cli("sweep", "--source", "buyly", "--since", "last", *AS_OF, "--format", "jsonl")
    assert nothing.lines()[-1]["summary"]["records"] == 0


@pytest.mark.slow
def test_a_source_failing_mid_read_makes_the_sweep_incomplete(
    cli: Cli, config: Path, buyly: Any
) -> None:
    from cyberreview_policy.testing import Fault

    config.write_text(
        config.read_text().replace("max_attempts: 2", "max_attempts: 2\n      page_size: 1")
    )
    assert cli("sweep", "--source", "buyly", *AS_OF, "--format", "jsonl").code == 0
    buyly.add_item()
    buyly.add_item()
    for item in buyly.items[-2:]:
        item.update(cii=None, national_security=None)  # unknown: cases are opened
    second_page = lambda request: "cursor" in request.query  # noqa: E731
    buyly.server.fail_next(Fault.status(503), Fault.status(503), match=second_page)
    broken = cli("sweep", "--source", "buyly", "--since", "last", *AS_OF, "--format", "jsonl")
    assert broken.code == 3
    assert "source buyly: read: GET " in broken.err and "HTTP 503" in broken.err
    assert "(the sweep is incomplete)" in broken.err
    summary = broken.lines()[-1]["summary"]
    assert summary["complete"] is False and summary["records"] == 1  # the first page was decided
    resumed = cli("sweep", "--source", "buyly", "--since", "last", *AS_OF, "--format", "jsonl")
    assert resumed.code == 0, resumed.err
    assert [d["record_id"] for d in resumed.lines()[:-1]] == ["PO-1004/2", "PO-1005/1"]
    # PO-1004/2's case was opened by the broken run, and is not opened twice
    assert resumed.lines()[-1]["summary"]["cases"] | {"by_kind": {}} == {
        "created": 1,
        "already_open": 1,
        "closed": 0,
        "adopted": 0,
        "by_kind": {},
    }


def test_records_that_do_not_fit_are_reported(cli: Cli, config: Path, buyly: Any) -> None:
    config.write_text(config.read_text().replace("        default: other\n", ""))
    result = cli("sweep", "--source", "buyly", *AS_OF, "--format", "jsonl")
    assert result.code == 3
    summary = result.lines()[-1]["summary"]
    assert summary["skipped"] == 2  # "Software > Office" is not mapped
    assert (
        "no mapping for 'Software > Office' (from attributes.buyly.category; add it under "
        "sources.buyly.mappings.product.category.values, a default, or unlisted: keep)"
        in json.dumps(summary)
    )


def test_init_writes_a_starter_that_loads(cli: Cli, home: Path, buyly: Any) -> None:
    result = cli("init", "--operator", "East Grid Power")
    path = home / "cyberreview.yaml"
    assert result.code == 0 and path.is_file()
    text = path.read_text()
    assert "name: East Grid Power" in text
    assert "#       token: {env: BUYLY_TOKEN}   # or {file: /run/secrets/buyly}" in text
    assert cli("sources", "list").code == 0  # the starter is valid as written
    again = cli("init")
    assert again.code == 3 and "never overwrites" in again.err
