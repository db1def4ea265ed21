"""A contract-faithful local Jira Cloud: the REST API v3 calls a case tracker makes.

Jira Cloud cannot run on a test machine, so this stands in for it, on the
cyberreview-policy kit's :class:`~cyberreview_policy.testing.FaultServer`
(standard library only besides).  What it reproduces, as Atlassian documents
it (REST API v3 reference; ``/work/shared/docs/integrations.md``):

- **basic auth** with an account's email and API token; anything else is
  401 with Jira's error body ``{"errorMessages": [...], "errors": {}}``;
- ``POST /rest/api/3/issue``: ``{"fields": {...}}`` with ``project`` (key or
  id), ``issuetype`` (name or id, of the project), ``summary`` (required, one
  line, at most 255 characters), ``description`` **as an ADF document** (a
  plain string, or a malformed document, is refused), ``labels`` (strings
  without spaces); a field Jira does not know is refused; errors are 400
  ``{"errorMessages": [], "errors": {field: message}}``; 201 ``{id, key, self}``;
- ``GET /rest/api/3/issue/{key}`` (``fields=`` to choose), ``PUT`` (``fields``,
  and ``update`` with ``labels`` ``add``/``remove``/``set``; 204; ``notifyUsers=false``
  is 403, as for any account that does not administer the project), 404 for an
  unknown key;
- ``GET``/``POST /rest/api/3/issue/{key}/transitions``: a **workflow** with
  named transitions (a transition's name need not be its target status's),
  offered according to the issue's status; an id not offered is 400;
- issue properties, ``GET``/``PUT /rest/api/3/issue/{key}/properties/{name}``;
- ``POST /rest/api/3/search/jql`` (the enhanced search): ``jql``, ``fields``,
  ``maxResults``, ``nextPageToken``; answers ``{issues, nextPageToken, isLast}``
  (no ``nextPageToken`` on the last page); JQL with ``AND`` of ``project``,
  ``labels``, ``key``, ``status`` with ``=``, ``!=``, ``in``, and ``ORDER BY``;
  an unbounded query or an unknown field is 400;
- **the search index lags**: an issue created or changed is found by search
  only after ``index_lag_searches`` further searches and ``index_lag_seconds``
  (both 0 by default); ``GET`` of an issue is always current;
- 429 with ``Retry-After`` and ``X-RateLimit-*`` headers (:meth:`FakeJira.throttle`).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jira_formats import JqlError, adf_problem, adf_text, label_problem, parse_jql, summary_problem

from cyberreview_policy.testing.faults import FaultServer, Reply, Request

API = "/rest/api/3"

#: status id -> (name, status category key)
STATUSES = {
    "10000": ("To Do", "new"),
    "10001": ("In Progress", "indeterminate"),
    "10002": ("Done", "done"),
}


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to: str  # status id
    sources: tuple[str, ...] = ()  # status ids it is offered from; () = every status (global)


#: a workflow whose transition names are not all their target statuses' names
WORKFLOW = (
    Transition("11", "Start review", "10001", ("10000",)),
    Transition("21", "Close", "10002", ("10000", "10001")),
    Transition("31", "Reopen", "10000", ("10002",)),
    Transition("41", "Back to To Do", "10000", ("10001",)),
)

SETTABLE = {"project", "issuetype", "summary", "description", "labels", "priority", "duedate"}


def error(status: int, messages: list[str] | None = None, **errors: str) -> Reply:
    """Jira's error answer."""
    return Reply(status, {"errorMessages": messages or [], "errors": errors})


@dataclass
class Issue:
    id: str
    key: str
    fields: dict[str, Any]
    status: str = "10000"
    properties: dict[str, Any] = field(default_factory=dict)
    indexed: tuple[int, float] = (0, 0.0)  # searchable from (search number, monotonic time)
    index_view: dict[str, Any] | None = None  # what search returns (as of the last index)
    pending_view: dict[str, Any] | None = None  # the latest change, not indexed yet


class FakeJira(FaultServer):
    """Jira Cloud for one site: projects, issues, a workflow, a lagging search index."""

    def __init__(
        self,
        *,
        projects: dict[str, list[str]] | None = None,
        users: dict[str, str] | None = None,
        index_lag_searches: int = 0,
        index_lag_seconds: float = 0.0,
    ):
        super().__init__()
        self.projects = projects or {"SEC": ["Task", "Bug"]}
        self.users = users or {"cyberreview@eastgrid.example": "atl-token-9f8e7d6c5b4a"}
        self.index_lag_searches = index_lag_searches
        self.index_lag_seconds = index_lag_seconds
        self.issues: dict[str, Issue] = {}
        self.searches = 0
        self.lock = threading.RLock()
        self._tokens: dict[str, tuple[str, int]] = {}
        self._handlers: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = []
        for method, path, handler in (
            ("POST", "/issue", self._create),
            ("GET", "/issue/{key}", self._get),
            ("PUT", "/issue/{key}", self._edit),
            ("GET", "/issue/{key}/transitions", self._transitions),
            ("POST", "/issue/{key}/transitions", self._transition),
            ("GET", "/issue/{key}/properties/{name}", self._get_property),
            ("PUT", "/issue/{key}/properties/{name}", self._put_property),
            ("POST", "/search/jql", self._search),
        ):
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(API + path))
            self._handlers.append((method, re.compile(f"^{pattern}$"), handler))

    # -- helpers for tests -----------------------------------------------------------

    def text(self, key: str) -> str:
        """Summary, description text and labels of an issue, as stored."""
        fields = self.issues[key].fields
        return " ".join(
            [fields["summary"], adf_text(fields.get("description")), *fields.get("labels", [])]
        )

    def status_of(self, key: str) -> str:
        return STATUSES[self.issues[key].status][0]

    def with_label(self, label: str) -> list[str]:
        return [k for k, i in self.issues.items() if label in i.fields.get("labels", [])]

    def throttle(self, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` API requests get 429 with ``Retry-After``."""
        replies = [self.throttled(retry_after) for _ in range(times)]
        self.fail_next(*replies, path=API)

    @staticmethod
    def throttled(retry_after: int) -> Reply:
        return Reply(
            429,
            {"errorMessages": ["Rate limit exceeded."], "errors": {}},
            {
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
                "RateLimit-Reason": "jira-burst-based",
            },
        )

    def move(self, key: str, status_name: str) -> None:
        """Someone moves the issue in Jira's UI."""
        with self.lock:
            issue = self.issues[key]
            issue.status = next(i for i, (n, _) in STATUSES.items() if n == status_name)
            self._reindex(issue)

    # -- routing -----------------------------------------------------------------------

    def _route(self, request: Request) -> Reply:
        for method, pattern, handler in self._handlers:
            found = pattern.match(request.path)
            if found is None or method != request.method:
                continue
            if self._user(request) is None:
                return Reply(
                    401,
                    {
                        "errorMessages": [
                            "You are not authenticated. Authentication required to perform "
                            "this operation."
                        ],
                        "errors": {},
                    },
                    {"WWW-Authenticate": 'Basic realm="protected-by-api-token"'},
                )
            with self.lock:
                return handler(request, **found.groupdict())
        return error(404, ["Not found."])

    def _user(self, request: Request) -> str | None:
        header = next((v for k, v in request.headers.items() if k.lower() == "authorization"), "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            email, _, token = base64.b64decode(credential).decode().partition(":")
        except ValueError:
            return None
        return email if self.users.get(email) == token else None

    def _body(self, request: Request) -> Any:
        try:
            return request.json()
        except ValueError:
            return None

    def _issue(self, key: str) -> Issue | None:
        return self.issues.get(key) or next((i for i in self.issues.values() if i.id == key), None)

    def _missing(self) -> Reply:
        return error(404, ["Issue does not exist or you do not have permission to see it."])

    def _reindex(self, issue: Issue) -> None:
        """The change reaches the index after the lag; until then search sees the old."""
        issue.indexed = (self.searches + self.index_lag_searches, time.monotonic())
        issue.pending_view = dict(issue.fields, status=issue.status)

    # -- issues ------------------------------------------------------------------------

    def _check_fields(self, fields: Any, creating: bool) -> dict[str, str]:
        if not isinstance(fields, dict):
            return {"fields": "fields must be an object"}
        errors: dict[str, str] = {}
        for name in fields:
            if name not in SETTABLE:
                errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate screen, "
                    "or unknown."
                )
        if creating:
            project = fields.get("project")
            key = project.get("key") if isinstance(project, dict) else None
            if key not in self.projects:
                errors["project"] = "valid project is required"
            kind = fields.get("issuetype")
            if not isinstance(kind, dict) or kind.get("name") not in self.projects.get(
                key or "", []
            ):
                errors["issuetype"] = "Specify an issue type"
            if not fields.get("summary"):
                errors["summary"] = "You must specify a summary of the issue."
        if "summary" in fields:
            problem = summary_problem(fields["summary"])
            if problem:
                errors["summary"] = problem
        if fields.get("description") is not None and adf_problem(fields["description"]):
            errors["description"] = (
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
            )
        if "labels" in fields:
            problem = label_problem(fields["labels"])
            if problem:
                errors["labels"] = problem
        return errors

    def _create(self, request: Request) -> Reply:
        body = self._body(request)
        fields = body.get("fields") if isinstance(body, dict) else None
        errors = self._check_fields(fields, creating=True)
        if errors:
            return error(400, **errors)
        assert isinstance(fields, dict)
        number = len(self.issues) + 1
        key = f"{fields['project']['key']}-{number}"
        issue = Issue(str(10000 + number), key, {**fields, "created": time.time()})
        self.issues[key] = issue
        self._reindex(issue)
        return Reply(201, {"id": issue.id, "key": key, "self": f"{self.url}{API}/issue/{issue.id}"})

    def _render(
        self, issue: Issue, fields: list[str] | None, view: dict[str, Any]
    ) -> dict[str, Any]:
        status_id = view.get("status", issue.status)
        name, category = STATUSES[status_id]
        every = {
            **{k: v for k, v in view.items() if k != "status"},
            "status": {"id": status_id, "name": name, "statusCategory": {"key": category}},
        }
        chosen = (
            every
            if fields is None or "*all" in fields
            else {k: every[k] for k in fields if k in every}
        )
        return {
            "id": issue.id,
            "key": issue.key,
            "self": f"{self.url}{API}/issue/{issue.id}",
            "fields": chosen,
        }

    def _get(self, request: Request, key: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        names = request.query.get("fields", [""])[-1]
        fields = [f.strip() for f in names.split(",") if f.strip()] or None
        return Reply(200, self._render(issue, fields, dict(issue.fields, status=issue.status)))

    def _edit(self, request: Request, key: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        if request.query.get("notifyUsers") == ["false"]:  # none of our users is an admin
            return error(
                403,
                [
                    "To discard the user notification either admin or project admin "
                    "permissions are required."
                ],
            )
        body = self._body(request)
        if not isinstance(body, dict):
            return error(400, ["Can not deserialize the request body."])
        fields = body.get("fields") or {}
        errors = self._check_fields(fields, creating=False)
        for name in ("project", "issuetype"):
            if name in fields:
                errors[name] = f"Field '{name}' cannot be set here."
        labels = list(issue.fields.get("labels", []))
        for operation in (body.get("update") or {}).get("labels", []):
            if not isinstance(operation, dict) or len(operation) != 1:
                errors["labels"] = "an update is one of add, remove, set"
                continue
            ((verb, value),) = operation.items()
            values = value if verb == "set" else [value]
            problem = label_problem(values)
            if problem:
                errors["labels"] = problem
            elif verb == "add" and value not in labels:
                labels.append(value)
            elif verb == "remove" and value in labels:
                labels.remove(value)
            elif verb == "set":
                labels = list(values)
        if errors:
            return error(400, **errors)
        issue.fields.update(fields)
        if "update" in body:
            issue.fields["labels"] = labels
        self._reindex(issue)
        return Reply(204, b"")

    # -- workflow ----------------------------------------------------------------------

    def _offered(self, issue: Issue) -> list[Transition]:
        return [
            t
            for t in WORKFLOW
            if (not t.sources or issue.status in t.sources) and t.to != issue.status
        ]

    def _transitions(self, request: Request, key: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        return Reply(
            200,
            {
                "expand": "transitions",
                "transitions": [
                    {
                        "id": t.id,
                        "name": t.name,
                        "to": {
                            "id": t.to,
                            "name": STATUSES[t.to][0],
                            "statusCategory": {"key": STATUSES[t.to][1]},
                        },
                        "hasScreen": False,
                        "isGlobal": not t.sources,
                        "isInitial": False,
                        "isAvailable": True,
                        "isConditional": False,
                    }
                    for t in self._offered(issue)
                ],
            },
        )

    def _transition(self, request: Request, key: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        body = self._body(request)
        wanted = body.get("transition", {}).get("id") if isinstance(body, dict) else None
        chosen = next((t for t in self._offered(issue) if t.id == str(wanted)), None)
        if chosen is None:
            return error(400, [f"Transition id '{wanted}' is not valid for this issue."])
        issue.status = chosen.to
        self._reindex(issue)
        return Reply(204, b"")

    def _get_property(self, request: Request, key: str, name: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        if name not in issue.properties:
            return error(404, [f"The property with key '{name}' does not exist."])
        return Reply(200, {"key": name, "value": issue.properties[name]})

    def _put_property(self, request: Request, key: str, name: str) -> Reply:
        issue = self._issue(key)
        if issue is None:
            return self._missing()
        value = self._body(request)
        if value is None:
            return error(400, ["The property value must be valid JSON."])
        created = name not in issue.properties
        issue.properties[name] = value
        return Reply(201 if created else 200, b"")

    # -- search ------------------------------------------------------------------------

    def _search(self, request: Request) -> Reply:
        body = self._body(request)
        if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
            return error(400, ["The JQL query is required."])
        try:
            clauses, order = parse_jql(body["jql"])
        except JqlError as exc:
            return error(400, [str(exc)])
        if not clauses:
            return error(
                400,
                [
                    "Unbounded JQL queries are not allowed here. Please add a search "
                    "restriction to your query."
                ],
            )
        limit = body.get("maxResults", 50)
        if not isinstance(limit, int) or limit < 1:
            return error(400, ["maxResults must be a positive number."])
        limit = min(limit, 5000)
        self.searches += 1
        token = body.get("nextPageToken")
        if token is not None:
            if token not in self._tokens or self._tokens[token][0] != body["jql"]:
                return error(400, ["The provided next page token is invalid or expired."])
            offset = self._tokens[token][1]
        else:
            offset = 0
        views = [v for v in (self._indexed(i) for i in self.issues.values()) if v is not None]
        found = [(issue, view) for issue, view in views if _matches(issue, view, clauses)]
        for name, descending in reversed(order):
            found.sort(key=lambda pair: _sort_key(pair[0], pair[1], name), reverse=descending)
        page = found[offset : offset + limit]
        fields = body.get("fields") or ["id"]
        answer: dict[str, Any] = {
            "issues": [self._render(issue, list(fields), view) for issue, view in page],
            "isLast": offset + limit >= len(found),
        }
        if not answer["isLast"]:
            next_token = base64.urlsafe_b64encode(
                json.dumps([offset + limit, time.time()]).encode()
            ).decode()
            self._tokens[next_token] = (body["jql"], offset + limit)
            answer["nextPageToken"] = next_token
        return Reply(200, answer)

    def _indexed(self, issue: Issue) -> tuple[Issue, dict[str, Any]] | None:
        """What the index holds of ``issue`` now: its latest change once the lag has
        passed, else the change before (``None``: not indexed yet)."""
        searches, at = issue.indexed
        pending = issue.pending_view
        caught_up = self.searches > searches and time.monotonic() - at >= self.index_lag_seconds
        if caught_up and pending is not None:
            issue.index_view = pending
            issue.pending_view = None
        return (issue, issue.index_view) if issue.index_view is not None else None


def _matches(issue: Issue, view: dict[str, Any], clauses: list[tuple[str, str, list[str]]]) -> bool:
    for name, op, values in clauses:
        if name == "labels":
            have = set(view.get("labels", []))
        elif name == "project":
            have = {view["project"].get("key", "")}
        elif name == "issuetype":
            have = {view["issuetype"].get("name", "")}
        elif name == "status":
            have = {STATUSES[view.get("status", issue.status)][0]}
        else:
            have = {issue.key}
        hit = (
            bool(have & set(values))
            if name != "status"
            else bool({h.casefold() for h in have} & {v.casefold() for v in values})
        )
        if op in ("=", "in") and not hit:
            return False
        if op in ("!=", "not in") and hit:
            return False
    return True


def _sort_key(issue: Issue, view: dict[str, Any], name: str) -> Any:
    if name in ("created", "key"):
        return int(issue.id)
    return str(view.get(name, ""))
