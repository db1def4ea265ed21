"""JUnit XML: one test case per record, as GitLab, Jenkins and the GitHub test
reporters show them.

- a blocked record is a ``<failure>``; a warned one is a ``<failure>`` when warn
  fails the pipeline (``--fail-on-warn``, ``--fail-on warn``) and otherwise
  ``<skipped>``, because GitLab shows the text of failures and skips but
  nothing of a passing test; an allowed record passes;
- the text lists every warn and block finding: rule id, message, citations,
  remediation, and the waiver that set it aside; advisory notes are left out;
- a record that could not be read, and a source that failed, is an ``<error>``;
- one ``<testsuite>`` for the run, the class name ``cyberreview.<pack>``, and the
  record's file and line as ``file``/``line`` attributes (junit-10.xsd, the
  Jenkins xUnit schema GitLab's parser also reads).

Streamed: the suite's counts come first in the file but are known last, so test
cases go to an anonymous temporary file and are copied after the header.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import time
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ..report.rows import finding_rows
from .common import AtomicFile, CiRun, finding_text, repo_path, scratch
from .common import shown as shown_texts

if TYPE_CHECKING:
    from ..sweep.summary import Decided, Skip, Summary

# characters XML 1.0 cannot carry at all, even escaped
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str:
    return escape(_INVALID.sub("\ufffd", str(value)))


def _attrs(**values: object) -> str:
    """Attributes in the given order; newlines survive as ``&#10;`` (``quoteattr``)."""
    return "".join(
        f" {name}={quoteattr(_INVALID.sub(chr(0xFFFD), str(value)))}"
        for name, value in values.items()
        if value is not None
    )


class JUnitWriter:
    def __init__(self, target: AtomicFile, run: CiRun):
        self.target = target
        self.run = run
        self.cases = scratch()
        self.tests = self.failures = self.errors = self.skipped = 0
        self.started = time.monotonic()
        self.timestamp = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat()

    def decision(self, decided: Decided) -> None:
        decision = decided.decision
        verdict = decision["decision"]
        shown = [r.finding for r in finding_rows(decided) if r.finding["outcome"] != "advisory"]
        where = repo_path(decided.location, self.run.cwd)
        head = _attrs(
            name=decision["record_id"],
            classname=f"cyberreview.{decision['pack']['id']}",
            time="0",
            file=where[0] if where else None,
            line=where[1] if where else None,
        )
        body = "\n\n".join(finding_text(f) for f in shown)
        self.tests += 1
        if verdict == "allow":
            inner = f"<system-out>{_text(body)}</system-out>" if body else ""
        else:
            first = next(
                (f for f in shown if f["outcome"] == verdict and f["waiver"] is None), shown[0]
            )
            message = f"{first['rule']}: {shown_texts(first)[0]}"
            if verdict == "block" or self.run.fail_on_warn:
                self.failures += 1
                element = "failure"
            else:
                self.skipped += 1
                element = "skipped"
            inner = f"<{element}{_attrs(type=verdict, message=message)}>{_text(body)}</{element}>"
        self.cases.write(
            f"    <testcase{head}>{inner}</testcase>\n" if inner else f"    <testcase{head}/>\n"
        )

    def skip(self, skip: Skip) -> None:
        self._error(str(skip.location), "cyberreview.unreadable", "unreadable", skip.message)

    def _error(self, name: str, classname: str, kind: str, message: str) -> None:
        self.tests += 1
        self.errors += 1
        error = f"<error{_attrs(type=kind, message=message)}>{_text(message)}</error>"
        self.cases.write(
            f"    <testcase{_attrs(name=name, classname=classname)}>{error}</testcase>\n"
        )

    def finish(self, summary: Summary) -> None:
        for source in summary.sources:
            if not source.complete:
                self._error(
                    source.name,
                    "cyberreview.source",
                    "incomplete",
                    f"source {source.name}: {source.error} (the run is incomplete)",
                )
        elapsed = f"{time.monotonic() - self.started:.3f}"
        counts = {"tests": self.tests, "failures": self.failures, "errors": self.errors}
        out = self.target
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        suites = _attrs(name=f"cyberreview {self.run.command}", **counts, time=elapsed)
        out.write(f"<testsuites{suites}>\n")
        out.write(
            f"  <testsuite{_attrs(name=self.run.title, **counts, skipped=self.skipped)}"
            f"{_attrs(time=elapsed, timestamp=self.timestamp, hostname=socket.gethostname())}>\n"
        )
        out.write("    <properties>\n")
        properties = [
            ("as_of", self.run.as_of.isoformat()),
            *(("pack", f"{p.id} {p.version}") for p in self.run.packs),
            ("complete", str(summary.complete).lower()),
            ("fail_on_warn", str(self.run.fail_on_warn).lower()),
        ]
        for name, value in properties:
            out.write(f"      <property{_attrs(name=name, value=value)}/>\n")
        out.write("    </properties>\n")
        self.cases.seek(0)
        shutil.copyfileobj(self.cases, out.stream)
        out.write("  </testsuite>\n</testsuites>\n")
        self.cases.close()
        out.commit()

    def discard(self) -> None:
        self.cases.close()
        self.target.discard()
