"""The local Jira against the shapes Atlassian documents, so the tracker's tests prove
something: auth, create validation (ADF), edit, transitions, properties, enhanced search
paging with ``nextPageToken``, the lagging index, 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fake_jira import FakeJira
from jira_formats import adf_problem

from conftest import EMAIL, TOKEN

API = "/rest/api/3"
DOC = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Case CR-1"}]}],
}


@pytest.fixture
def api(jira: FakeJira) -> Iterator[Any]:
    session = requests.Session()
    session.auth = (EMAIL, TOKEN)

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return session.request(method, jira.url + API + path, timeout=5, **kwargs)

    yield call
    session.close()


def fields(**more: Any) -> dict[str, Any]:
    return {
        "project": {"key": "SEC"},
        "issuetype": {"name": "Task"},
        "summary": "CR-000001 review",
        "description": DOC,
        "labels": ["cyberreview-abc"],
        **more,
    }


def test_wrong_credentials_are_401_in_jiras_shape(jira: FakeJira) -> None:
    answer = requests.post(
        jira.url + API + "/search/jql", json={"jql": "project = SEC"}, auth=(EMAIL, "x"), timeout=5
    )
    assert answer.status_code == 401
    assert answer.json()["errorMessages"] and answer.json()["errors"] == {}


def test_create_then_get(api: Any, jira: FakeJira) -> None:
    created = api("POST", "/issue", json={"fields": fields()})
    assert created.status_code == 201
    assert set(created.json()) == {"id", "key", "self"} and created.json()["key"] == "SEC-1"
    issue = api("GET", "/issue/SEC-1", params={"fields": "summary,status,labels"}).json()
    assert issue["fields"]["status"]["name"] == "To Do"
    assert set(issue["fields"]) == {"summary", "status", "labels"}
    assert api("GET", "/issue/SEC-9").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "plain text"}, "description"),
        (
            {"description": {"type": "doc", "version": 1, "content": [{"type": "text"}]}},
            "description",
        ),
        ({"summary": ""}, "summary"),
        ({"summary": "two\nlines"}, "summary"),
        ({"labels": ["has space"]}, "labels"),
        ({"issuetype": {"name": "Epic"}}, "issuetype"),
        ({"project": {"key": "OPS"}}, "project"),
        ({"customfield_10010": "x"}, "customfield_10010"),
    ],
)
def test_create_refuses_what_jira_refuses(api: Any, change: dict[str, Any], field: str) -> None:
    answer = api("POST", "/issue", json={"fields": fields(**change)})
    assert answer.status_code == 400
    body = answer.json()
    assert body["errorMessages"] == [] and field in body["errors"]


def test_adf_checks() -> None:
    assert adf_problem(DOC) is None
    bullet = {
        "type": "bulletList",
        "content": [{"type": "listItem", "content": [DOC["content"][0]]}],  # type: ignore[index]
    }
    assert adf_problem({**DOC, "content": [bullet]}) is None
    assert adf_problem({**DOC, "content": [{"type": "listItem", "content": []}]})
    assert adf_problem({**DOC, "version": 2})


def test_edit_labels_add_and_fields(api: Any, jira: FakeJira) -> None:
    api("POST", "/issue", json={"fields": fields()})
    answer = api(
        "PUT",
        "/issue/SEC-1",
        json={"fields": {"summary": "new"}, "update": {"labels": [{"add": "mine"}]}},
    )
    assert answer.status_code == 204
    assert jira.issues["SEC-1"].fields["labels"] == ["cyberreview-abc", "mine"]
    assert api("PUT", "/issue/SEC-1", json={"fields": {"description": "x"}}).status_code == 400
    quiet = api("PUT", "/issue/SEC-1", params={"notifyUsers": "false"}, json={"fields": {}})
    assert quiet.status_code == 403  # only administrators may silence notifications


def test_transitions_follow_the_workflow(api: Any, jira: FakeJira) -> None:
    api("POST", "/issue", json={"fields": fields()})
    offered = api("GET", "/issue/SEC-1/transitions").json()["transitions"]
    assert [(t["name"], t["to"]["name"]) for t in offered] == [
        ("Start review", "In Progress"),
        ("Close", "Done"),
    ]
    refused = api("POST", "/issue/SEC-1/transitions", json={"transition": {"id": "31"}})
    assert refused.status_code == 400 and refused.json()["errorMessages"]
    done = api("POST", "/issue/SEC-1/transitions", json={"transition": {"id": "21"}})
    assert done.status_code == 204 and jira.status_of("SEC-1") == "Done"


def test_issue_properties(api: Any) -> None:
    api("POST", "/issue", json={"fields": fields()})
    assert api("GET", "/issue/SEC-1/properties/cyberreview").status_code == 404
    assert api("PUT", "/issue/SEC-1/properties/cyberreview", json={"a": 1}).status_code == 201
    assert api("PUT", "/issue/SEC-1/properties/cyberreview", json={"a": 2}).status_code == 200
    assert api("GET", "/issue/SEC-1/properties/cyberreview").json() == {
        "key": "cyberreview",
        "value": {"a": 2},
    }


def test_search_pages_by_next_page_token(api: Any) -> None:
    for _ in range(5):
        api("POST", "/issue", json={"fields": fields()})
    body = {"jql": 'project = SEC AND labels = "cyberreview-abc" ORDER BY created DESC'}
    keys, pages, token = [], 0, None
    while True:
        page = api(
            "POST",
            "/search/jql",
            json={
                **body,
                "maxResults": 2,
                "fields": ["summary"],
                **({"nextPageToken": token} if token else {}),
            },
        ).json()
        pages += 1
        keys += [issue["key"] for issue in page["issues"]]
        assert set(page["issues"][0]["fields"]) == {"summary"}
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        token = page["nextPageToken"]
    assert pages == 3 and keys == ["SEC-5", "SEC-4", "SEC-3", "SEC-2", "SEC-1"]
    bad = api("POST", "/search/jql", json={**body, "nextPageToken": "forged"})
    assert bad.status_code == 400


@pytest.mark.parametrize("jql", ["", "ORDER BY created", "reporter = me", "project SEC"])
def test_search_refuses_unbounded_or_unknown_jql(api: Any, jql: str) -> None:
    answer = api("POST", "/search/jql", json={"jql": jql})
    assert answer.status_code == 400 and answer.json()["errorMessages"]


def test_the_index_lags_behind_creates_and_changes(jira: FakeJira, api: Any) -> None:
    jira.index_lag_searches = 2
    api("POST", "/issue", json={"fields": fields()})
    query = {"jql": 'labels = "cyberreview-abc"'}
    seen = [len(api("POST", "/search/jql", json=query).json()["issues"]) for _ in range(3)]
    assert seen == [0, 0, 1]
    assert api("GET", "/issue/SEC-1").status_code == 200  # GET is never behind
    api("PUT", "/issue/SEC-1", json={"update": {"labels": [{"remove": "cyberreview-abc"}]}})
    seen = [len(api("POST", "/search/jql", json=query).json()["issues"]) for _ in range(3)]
    assert seen == [1, 1, 0]


def test_the_index_can_lag_by_time(jira: FakeJira, api: Any) -> None:
    jira.index_lag_seconds = 3600
    api("POST", "/issue", json={"fields": fields()})
    query = {"jql": 'labels = "cyberreview-abc"'}
    assert [len(api("POST", "/search/jql", json=query).json()["issues"]) for _ in range(3)] == [
        0,
        0,
        0,
    ]


def test_throttle_is_429_with_retry_after(jira: FakeJira, api: Any) -> None:
    jira.throttle(times=1, retry_after=3)
    answer = api("POST", "/search/jql", json={"jql": "project = SEC"})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "3"
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert api("POST", "/search/jql", json={"jql": "project = SEC"}).status_code == 200
