"""Fixtures: a local Jira Cloud, a case store and a configured ``jira`` tracker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_jira import FakeJira

from cyberreview_policy.cases.base import CaseRequest, CaseStore
from cyberreview_policy.runtime import Runtime
from cyberreview_policy.trackers.host import sync_trackers
from cyberreview_policy.trackers.sync import SyncResult

EMAIL = "cyberreview@eastgrid.example"
TOKEN = "atl-token-9f8e7d6c5b4a"
AS_OF = dt.date(2026, 3, 2)


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    with FakeJira(users={EMAIL: TOKEN}) as server:
        yield server


def settings(jira: FakeJira, **more: Any) -> dict[str, Any]:
    return {
        "url": jira.url,
        "email": EMAIL,
        "api_token": {"env": "JIRA_TOKEN"},
        "project": "SEC",
        "issue_type": "Task",
        "connect_timeout": 1,
        "read_timeout": 2,
        "search_lag": 1,
        **more,
    }


def write_config(home: Path, jira: FakeJira, **more: Any) -> Path:
    path = home / "cyberreview.yaml"
    config = {
        "trackers": {
            "jira": {"type": "jira", "instance": "test", "settings": settings(jira, **more)}
        }
    }
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("CYBERREVIEW_HOME", str(path))
    monkeypatch.setenv("JIRA_TOKEN", TOKEN)
    for name in ("CYBERREVIEW_CONFIG", "CYBERREVIEW_STORE"):
        monkeypatch.delenv(name, raising=False)
    return path


class Setup:
    """A runtime on ``home`` with the tracker configured, and its store."""

    def __init__(self, home: Path, jira: FakeJira, **more: Any):
        self.jira = jira
        self.config = write_config(home, jira, **more)
        self.rt = Runtime(config_path=self.config)
        self.store: CaseStore = self.rt.store()

    def open(self, n: int) -> list[str]:
        ids = []
        for i in range(n):
            request = CaseRequest(
                f"file:PO-{i}",
                f"PO-2026-{i:04d}/1",
                "review",
                "review-required",
                "cn-csr-2020@1.1.0",
                dt.date(2026, 1, 5),
                summary={"operator": "East Grid Power", "product": "Backbone router"},
            )
            ids.append(self.store.open_case(request, "test")[0].id)
        return ids

    def sync(self, as_of: dt.date = AS_OF) -> SyncResult:
        (result,) = sync_trackers(self.rt, self.store, "test", as_of)
        return result


@pytest.fixture
def setup(home: Path, jira: FakeJira) -> Iterator[Setup]:
    made = Setup(home, jira)
    yield made
    made.store.close()
