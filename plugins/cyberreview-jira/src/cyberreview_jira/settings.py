"""The ``jira`` tracker's settings, as ``cyberreview.yaml`` gives them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from cyberreview_policy.cases import STATES
from cyberreview_policy.connectors import ConnectorSettings

PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,9}")

#: our state -> the Jira transition (or status) name, for the default Jira Software
#: workflow ("To Do", "In Progress", "Done"); a state not listed leaves the workflow alone
DEFAULT_TRANSITIONS = {
    "declared": "In Progress",
    "under_review": "In Progress",
    "special_review": "In Progress",
    "passed": "Done",
    "failed": "Done",
    "not_required": "Done",
    "assessed": "Done",
    "remediated": "Done",
    "withdrawn": "Done",
}


class JiraSettings(ConnectorSettings):
    url: str = Field(description="The Jira Cloud site, e.g. https://eastgrid.atlassian.net")
    email: str = Field(description="The Atlassian account the API token belongs to.")
    api_token: SecretStr = Field(
        description="An API token of that account (id.atlassian.com > Security > API tokens)."
    )
    project: str = Field(description="The key of the project issues go to, e.g. SEC.")
    issue_type: str = Field("Task", description="The issue type created, by name.")
    transitions: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_TRANSITIONS),
        description="Case state: the name of the Jira transition (or of the status it leads "
        "to) that moves the issue there; these replace the defaults (declared, under_review, "
        "special_review: In Progress; passed, failed, not_required, assessed, remediated, "
        "withdrawn: Done).",
    )
    labels: list[str] = Field(
        default_factory=lambda: ["cyberreview"],
        description="Labels every issue gets besides its fingerprint label.",
    )
    search_lag: float = Field(
        60.0,
        ge=0,
        description="Seconds a created issue may take to be found by JQL search (Jira's "
        "index lags); a sync retried after a lost create searches this long before it "
        "creates again.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("give the site's URL, e.g. https://eastgrid.atlassian.net")
        if parts.query or parts.fragment or parts.path.strip("/"):
            raise ValueError("give the site's URL alone, without a path, query or fragment")
        return value.strip().rstrip("/")

    @field_validator("project")
    @classmethod
    def _project(cls, value: str) -> str:
        if not PROJECT_KEY.fullmatch(value):
            raise ValueError(f"{value!r} is not a Jira project key (SEC, OPS_2, ...)")
        return value

    @field_validator("transitions")
    @classmethod
    def _transitions(cls, value: dict[str, str]) -> dict[str, str]:
        for state, name in value.items():
            if state not in STATES:
                raise ValueError(f"{state!r} is not a case state ({', '.join(STATES)})")
            if not name.strip():
                raise ValueError(f"{state}: give a transition name")
        return value

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        for label in value:
            if not label or any(c.isspace() for c in label) or len(label) > 255:
                raise ValueError(f"{label!r}: a Jira label has no spaces (and 1-255 characters)")
        return value
