"""SARIF 2.1.0 for code scanning (GitHub) and any SARIF viewer.

- ``tool.driver.rules``: every rule of the packs in force, with its title,
  citations (in the numbering in force on the run's date), remediation as help
  text and its outcome as ``defaultConfiguration.level`` (block: error, warn:
  warning, advisory: note), plus ``security-severity`` for block (8.0, "high")
  and warn (5.0, "medium"), so GitHub ranks them as security alerts;
- a result per finding, id ``<pack>/<rule>`` (unique across packs);
- its location: the record's file and line when it came from a file, and always
  a logical location naming the record (a connector's record has no file);
- ``partialFingerprints``: a hash of the record's identity and the rule id, the
  same run after run, so re-running does not open duplicate alerts; GitHub's
  ``primaryLocationLineHash`` carries it too, so an alert follows its record
  when the file is edited around it (a hash of the line's text would not);
- a waived finding carries a ``suppressions`` entry naming the waiver.

Streamed: the rules are known before the first decision, so the head of the
log is written at once, each result as it comes, the tail at the end.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..report.rows import finding_rows
from .common import SARIF_LEVEL, AtomicFile, CiRun, fingerprint, repo_path

if TYPE_CHECKING:
    from ..policy.pack import CompiledRule
    from ..report.rows import FindingRow
    from ..sweep.summary import Decided, Skip, Summary

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"block": "8.0", "warn": "5.0"}
SRCROOT = "%SRCROOT%"


@cache
def information_uri() -> str | None:
    """The project's home page, as the installed distribution declares it (none is
    invented: SARIF wants an absolute URI or nothing)."""
    from importlib import metadata

    try:
        meta = metadata.metadata("cyberreview-policy")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source"):
            return url.strip()
    home = meta.json.get("home_page")
    return str(home) if home else None


def rule_id(pack: str, rule: str) -> str:
    return f"{pack}/{rule}"


def rule_descriptor(rule: CompiledRule, on: dt.date) -> dict[str, Any]:
    citations = rule.citations_on(on)
    cites = "; ".join(citations)
    help_text = [
        rule.remediation_on(on) or "No remediation is given for this rule.",
        f"Cites: {cites}.",
    ]
    if rule.overridable:
        help_text.append("A waiver or an override may set it aside.")
    else:
        help_text.append("No waiver or override can set it aside.")
    tags = ["compliance", "cybersecurity-review", rule.pack, rule.outcome]
    if rule.outcome in SECURITY_SEVERITY:
        tags.append("security")
    properties: dict[str, Any] = {
        "tags": tags,
        "citations": citations,
        "outcome": rule.outcome,
        "overridable": rule.overridable,
        "pack": rule.pack,
    }
    if rule.outcome in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.outcome]
    return {
        "id": rule_id(rule.pack, rule.id),
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or f"{rule.title} ({cites})."},
        "help": {
            "text": "\n\n".join(help_text),
            "markdown": "\n\n".join([*help_text[:1], f"**Cites:** {cites}.", *help_text[2:]]),
        },
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.outcome]},
        "properties": properties,
    }


class SarifWriter:
    def __init__(self, target: AtomicFile, run: CiRun):
        self.target = target
        self.run = run
        rules = [
            rule_descriptor(rule, run.as_of)
            for pack in run.packs
            for rule in sorted(pack.rules, key=lambda r: r.id)
        ]
        self.index = {rule["id"]: n for n, rule in enumerate(rules)}
        self.started = dt.datetime.now(dt.UTC)
        self.first = True
        driver: dict[str, Any] = {
            "name": "cyberreview",
            "fullName": "cyberreview-policy",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": rules,
        }
        if information_uri():
            driver["informationUri"] = information_uri()
        head = {
            "tool": {"driver": driver},
            "automationDetails": {"id": f"cyberreview/{run.command}/"},
            "originalUriBaseIds": {SRCROOT: {"uri": run.cwd.resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
        }
        text = json.dumps(head, ensure_ascii=False, indent=1)  # ends "\n}": left open
        target.write(
            f'{{"$schema": "{SCHEMA_URI}", "version": "2.1.0", "runs": [\n'
            + text[:-2]
            + ',\n "results": ['
        )

    def decision(self, decided: Decided) -> None:
        for row in finding_rows(decided):
            self.target.write(
                ("\n  " if self.first else ",\n  ")
                + json.dumps(self.result(row), ensure_ascii=False)
            )
            self.first = False

    def result(self, row: FindingRow) -> dict[str, Any]:
        finding = row.finding
        rid = rule_id(finding["pack"], finding["rule"])
        logical = {"name": row.record_id, "kind": "object"}
        origin = row.adapter or (row.location.file if row.location else None)
        if origin:  # the source adapter, else the file the record was read from
            logical["fullyQualifiedName"] = f"{origin}/{row.record_id}"
        location: dict[str, Any] = {"logicalLocations": [logical]}
        where = repo_path(row.location, self.run.cwd)
        if where is not None:
            path, line = where
            artifact: dict[str, Any] = {"uri": _uri(path)}
            if not path.startswith("/"):
                artifact["uriBaseId"] = SRCROOT
            location["physicalLocation"] = {
                "artifactLocation": artifact,
                "region": {"startLine": line or 1},
            }
        stable = fingerprint(row)
        result: dict[str, Any] = {
            "ruleId": rid,
            "level": SARIF_LEVEL[finding["outcome"]],
            "message": {
                "text": f"{row.record_id}: {finding['message']} ({'; '.join(finding['citations'])})"
            },
            "locations": [location],
            "partialFingerprints": {
                "cyberreviewFinding/v1": stable,
                "primaryLocationLineHash": f"{stable[:16]}:1",
            },
            "properties": {
                "recordId": row.record_id,
                "decision": row.verdict,
                "outcome": finding["outcome"],
                "citations": finding["citations"],
            },
        }
        if rid in self.index:
            result["ruleIndex"] = self.index[rid]
        waiver = finding["waiver"]
        if waiver is not None:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": f"waiver {waiver['id']} until {waiver['expires']}",
                }
            ]
        return result

    def skip(self, skip: Skip) -> None:
        pass  # listed as tool notifications at the end (the first of them: Summary.skips)

    def finish(self, summary: Summary) -> None:
        notes: list[dict[str, Any]] = [
            {
                "level": "error",
                "message": {"text": f"skipped {skip.location}: {skip.message}"},
            }
            for skip in summary.skips
        ]
        notes += [
            {
                "level": "error",
                "message": {"text": f"source {s.name}: {s.error} (the run is incomplete)"},
            }
            for s in summary.sources
            if not s.complete
        ]
        invocation: dict[str, Any] = {
            "executionSuccessful": summary.complete,
            "startTimeUtc": _utc(self.started),
            "endTimeUtc": _utc(dt.datetime.now(dt.UTC)),
            "toolExecutionNotifications": notes,
        }
        properties = {
            "asOf": self.run.as_of.isoformat(),
            "packs": [{"id": p.id, "version": p.version} for p in self.run.packs],
            "records": summary.records,
            "decisions": {v: summary.decisions.get(v, 0) for v in ("block", "warn", "allow")},
            "skipped": summary.skipped,
        }
        tail = json.dumps(invocation, ensure_ascii=False)
        self.target.write(
            ("\n ]" if not self.first else "]")
            + f',\n "invocations": [{tail}],\n "properties": '
            + json.dumps(properties, ensure_ascii=False)
            + "\n}]}\n"
        )
        self.target.commit()

    def discard(self) -> None:
        self.target.discard()


def _uri(path: str) -> str:
    from urllib.parse import quote

    if path.startswith("/"):
        from pathlib import PurePosixPath

        return PurePosixPath(path).as_uri()
    return quote(path)


def _utc(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
