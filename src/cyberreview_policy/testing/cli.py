"""The installed ``cyberreview`` command, run as an operator runs it: for a
connector's end-to-end tests.

    from cyberreview_policy.testing.cli import Operator

    class Buyly(Operator):
        def __init__(self, home, server):
            super().__init__(home, "buyly", as_of="2026-11-29", env={"BUYLY_TOKEN": server.token})
            self.write_source({"type": "buyly", "settings": {"url": server.url,
                                                            "token": {"env": "BUYLY_TOKEN"}}})

    swept = Buyly(tmp_path, server).sweep()     # sweep --source buyly --format jsonl
    assert swept.code == 0 and swept.summary["complete"]

The configuration it writes holds the operator facts no source knows
(:data:`OPERATOR` unless ``operator=`` says otherwise): without an operator's
name a record cannot be decided, and every one would be skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the console script of the interpreter running the tests
CLI = str(Path(sys.executable).with_name("cyberreview"))

#: the operator facts written unless a test gives its own: a CIIO in the energy sector
OPERATOR: dict[str, Any] = {"name": "Example Operator", "ciio": True, "sector": "energy"}


@dataclass
class Run:
    """What one command printed, and its exit code."""

    code: int
    out: str
    err: str

    def lines(self) -> list[Any]:
        """Standard output as JSON Lines (``--format jsonl``)."""
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def events(self) -> dict[str, dict[str, Any]]:
        """The JSON log events on stderr (``--log-format json``, the default off a
        terminal), by event name; the last of each name."""
        found = {}
        for line in self.err.splitlines():
            if line.startswith("{"):
                event = json.loads(line)
                found[event["event"]] = event
        return found

    @property
    def summary(self) -> dict[str, Any]:
        """A jsonl sweep's summary (its last line)."""
        summary: dict[str, Any] = self.lines()[-1]["summary"]
        return summary

    @property
    def decisions(self) -> dict[str, Any]:
        """A jsonl sweep's decisions, by record id."""
        return {d["record_id"]: d for d in self.lines()[:-1]}


class Operator:
    """A ``CYBERREVIEW_HOME`` whose ``cyberreview.yaml`` configures source ``source``;
    calling it runs the installed command there (``operator("sources", "check", …)``).

    ``env`` adds to the environment (the secrets the configuration names with
    ``{env: …}``, ``CYBERREVIEW_LOG_FORMAT``); tests may change ``self.env``.
    ``operator``: the ``operator:`` facts of the configuration (``name``, ``ciio``,
    ``sector``; default :data:`OPERATOR`; ``{}`` writes none, and then every record
    needs its own ``operator.name``).
    """

    def __init__(
        self,
        home: Path,
        source: str,
        *,
        as_of: str,
        env: dict[str, str] | None = None,
        operator: dict[str, Any] | None = None,
    ):
        self.home = home
        self.source = source
        self.as_of = as_of
        self.operator = OPERATOR if operator is None else operator
        self.env = {**os.environ, "CYBERREVIEW_HOME": str(home), **(env or {})}

    def write(self, **sections: Any) -> None:
        """Write ``cyberreview.yaml``: the operator facts, then ``sections``."""
        import yaml

        config = {"operator": self.operator, **sections} if self.operator else sections
        (self.home / "cyberreview.yaml").write_text(yaml.safe_dump(config), "utf-8")

    def write_source(self, source: dict[str, Any]) -> None:
        """Write ``cyberreview.yaml`` with this one source."""
        self.write(sources={self.source: source})

    def __call__(self, *args: str) -> Run:
        done = subprocess.run(
            [CLI, *args], env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def sweep(self, *args: str) -> Run:
        """``sweep --source SOURCE --as-of … --format jsonl`` and ``args``."""
        return self(
            "sweep", "--source", self.source, "--as-of", self.as_of, "--format", "jsonl", *args
        )

    def gate(self, record_id: str, *args: str) -> Run:
        """``gate --source SOURCE --id RECORD_ID --as-of … --format json`` and ``args``."""
        return self(
            "gate", "--source", self.source, "--id", record_id, "--as-of", self.as_of,
            "--format", "json", *args,
        )  # fmt: skip

    def cases(self) -> list[dict[str, Any]]:
        """``cases list --all --format json`` (every case, closed ones too), which must
        succeed."""
        listed = self("cases", "list", "--all", "--format", "json")
        assert listed.code == 0, listed.err
        cases: list[dict[str, Any]] = json.loads(listed.out)
        return cases
