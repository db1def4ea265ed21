"""The contract kit fails connectors that break the contract.

Each case runs the tutorial connector's own contract tests (in a subprocess,
with a private copy of the connector) after one deliberate mistake, and
expects exactly the test named to catch it, with the kit's message.  The
unmodified tutorial passes the whole kit:
``tests/test_docs.py::test_tutorial_connector_passes_the_kit``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TUTORIAL = Path(__file__).parents[2] / "examples" / "connector-tutorial"
CONNECTOR = "src/cyberreview_buyly/connector.py"
SETTINGS = "src/cyberreview_buyly/settings.py"
TESTS = "tests/test_contract.py"

HELPERS = """

def _stop_at_short_page(http, params, limit):
    body = http.get("/api/items", params=params)
    while True:
        yield from body["results"]
        if len(body["results"]) < limit or not body["next"]:
            return
        body = http.get(body["next"])


def _until_it_answers(http):
    import time

    while True:
        try:
            return http.get("/api/me")
        except HttpError:
            time.sleep(0.05)
"""

PAGES = 'items = paging.next_link(self.http, ITEMS, params=params, key=lambda item: item["id"])'
INIT = "        self.logger = ctx.logger  # redacted: secrets never reach a log line\n"
TOKEN = "settings.token.get_secret_value()"
CHECK = 'me = self.http.get("/api/me")'

#: mistake -> ([(file, text, replacement), ...], the test that catches it, its message)
MISTAKES: dict[str, tuple[list[tuple[str, str, str]], str, str]] = {
    "ignores the checkpoint": (
        [(CONNECTOR, 'params["modified_after"] = since', "pass")],
        "test_incremental_read",
        "returns only what changed since",
    ),
    "stops at a short page": (
        [(CONNECTOR, PAGES, "items = _stop_at_short_page(self.http, params, self.page_size)")],
        "test_short_page_is_not_the_end",
        "the read stopped at a short page",
    ),
    "keeps duplicates": (
        [(CONNECTOR, ', key=lambda item: item["id"])', ")")],
        "test_duplicates_across_pages_are_dropped",
        "a record came twice",
    ),
    "token is not a secret": (
        [(SETTINGS, "token: SecretStr = Field(", "token: str = Field(")],
        "test_settings_model",
        "looks secret: make it a SecretStr",
    ),
    "check() passes whatever": (
        [(CONNECTOR, "return CheckResult(False, str(exc))", "return CheckResult(True, 'fine')")],
        "test_check_refuses_bad_credentials",
        "check() passed with bad credentials",
    ),
    "misses errors sent with HTTP 200": (
        [(CONNECTOR, "error_hook=api_error,", "")],
        "test_error_body_fails_the_source",
        "DID NOT RAISE",
    ),
    "prints its headers": (
        [(CONNECTOR, CHECK, f"print(self.http.session.headers)\n            {CHECK}")],
        "test_no_secret_in_logs",
        "a secret reached standard output: setting token (the whole value)",
    ),
    "retries a refusal forever": (
        [
            (CONNECTOR, CHECK, "me = _until_it_answers(self.http)"),
            (TESTS, 'source_type = "buyly"', 'source_type = "buyly"\n    timeout = 3'),
        ],
        "test_check_refuses_bad_credentials",
        "ran longer than 3 s (the kit's `timeout`): the connector hangs",
    ),
    "resumes from the last id, not the last change": (
        [
            (CONNECTOR, '"sort": "modified"', '"sort": "id"'),
            (CONNECTOR, 'params["modified_after"] = since', 'params["cursor"] = since'),
            (
                CONNECTOR,
                'newest = max(newest or "", item["modified"])',
                "newest = f\"{item['id']:012d}\"",
            ),
        ],
        "test_older_record_changed",
        "is not in the next incremental read: the checkpoint must follow changes",
    ),
    "reads in id order, resumes from the newest change seen": (
        [(CONNECTOR, '"sort": "modified"', '"sort": "id"')],
        "test_record_changed_during_the_read",
        "its change is lost",
    ),
    "a flag the system leaves out becomes False": (
        [(CONNECTOR, 'item.get("cii")', 'item.get("cii", False)')],
        "test_incomplete_record",
        "without 'cii', record",
    ),
    "a country the system leaves out becomes CN": (
        [(CONNECTOR, 'supplier.get("country")', 'supplier.get("country", "CN")')],
        "test_incomplete_record",
        "has vendor.country = 'CN'",
    ),
    "logs the token's first characters": (
        [(CONNECTOR, INIT, INIT + f'        self.logger.info("token %s...", {TOKEN}[:8])\n')],
        "test_no_secret_in_logs",
        "setting token (its first 8 characters)",
    ),
    "logs the token in a field of the log record": (
        [
            (
                CONNECTOR,
                INIT,
                INIT + f'        self.logger.debug("auth", extra={{"auth": {TOKEN}}})\n',
            )
        ],
        "test_no_secret_in_logs",
        "a secret reached a log record of cyberreview.source.contract (DEBUG)",
    ),
}


def _copy_tutorial(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the tutorial, importable and loaded as a plugin without
    installing it (``CYBERREVIEW_PLUGINS``)."""
    root = pytester.path / "tutorial"
    shutil.copytree(TUTORIAL, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "cyberreview_buyly.plugin")
    return root


def _run(pytester: pytest.Pytester, root: Path, test: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(str(root), "-q", "-p", "no:cacheprovider", "-k", test)


@pytest.mark.slow
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_the_kit_catches(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mistake: str
) -> None:
    changes, catcher, message = MISTAKES[mistake]
    root = _copy_tutorial(pytester, monkeypatch)
    for name, old, new in changes:
        path = root / name
        text = path.read_text()
        assert old in text, f"the tutorial changed: update the mistake {mistake!r}"
        path.write_text(text.replace(old, new) + (HELPERS if name == CONNECTOR else ""))
    result = _run(pytester, root, catcher)
    result.assert_outcomes(failed=1)
    assert message in result.stdout.str(), result.stdout.str()[-3000:]


@pytest.mark.slow
def test_log_lines_and_messages_are_masked_by_the_host(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging the whole token, on any logger, or putting it in a check's message or an
    exception, does not leak it: the host masks secrets in every log record's message
    and in what it reports."""
    root = _copy_tutorial(pytester, monkeypatch)
    connector = root / CONNECTOR
    text = connector.read_text()
    connector.write_text(
        text.replace(
            INIT,
            INIT + f"        self.token = {TOKEN}\n"
            "        import logging\n"
            "        logging.getLogger('buyly').warning('using %s', self.token)\n"
            "        ctx.logger.warning('using token %s', self.token)\n",
        ).replace(
            "return CheckResult(False, str(exc))",
            "return CheckResult(False, f'{exc} with token {self.token}')",
        )
    )
    result = _run(pytester, root, "test_no_secret_in_logs")
    result.assert_outcomes(passed=1)


REQUEST_SHOWN = """
from cyberreview_policy.testing import Request

SECRET = "-".join(("4711", "secret"))  # not written out: pytest shows the test's source


def test_a_page_request():
    headers = {
        "Authorization": "Bearer tok-" + SECRET,
        "X-Api-Key": "key-" + SECRET,
        "Cookie": "session=cookie-" + SECRET,
        "Accept": "application/json",
    }
    request = Request("GET", "/api/lines", {}, headers, b"")
    assert request.path.startswith("/api/pages")
"""


def test_a_failing_assertion_does_not_print_credentials(pytester: pytest.Pytester) -> None:
    """pytest shows the objects of a failed assertion: a Request showed its headers."""
    pytester.makepyfile(test_shown=REQUEST_SHOWN)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    shown = result.stdout.str()
    assert "Request(method='GET'" in shown  # the request is shown...
    assert "'Accept': 'application/json'" in shown
    for secret in ("tok-4711-secret", "key-4711-secret", "cookie-4711-secret"):
        assert secret not in shown  # ...without its credentials


@pytest.mark.slow
def test_the_kit_names_a_leak_without_repeating_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test_no_secret_in_logs caught a connector printing its headers, and printed the
    token itself (and every line holding it) in its failure message."""
    changes, catcher, message = MISTAKES["prints its headers"]
    root = _copy_tutorial(pytester, monkeypatch)
    for name, old, new in changes:
        path = root / name
        path.write_text(path.read_text().replace(old, new))
    result = pytester.runpytest_subprocess(str(root), "-q", "-p", "no:cacheprovider", "-k", catcher)
    result.assert_outcomes(failed=1)
    shown = result.stdout.str() + result.stderr.str()
    assert message in shown
    assert "buyly-token-7f3a9c" not in shown


@pytest.mark.slow
def test_the_proxy_reports_its_own_failure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``change_record`` that raises while the kit's proxy serves a page (the kit calls
    it from its page hook) is the test's own failure: the proxy answers 500 and the test
    errors with what failed, not with a dropped connection blamed on the connector."""
    root = _copy_tutorial(pytester, monkeypatch)
    tests = root / TESTS
    text = tests.read_text()
    assert "system.change_item(ref)" in text, "the tutorial changed: update this test"
    tests.write_text(
        text.replace("system.change_item(ref)", 'raise LookupError(f"no item {ref} to change")')
    )
    result = _run(pytester, root, "test_record_changed_during_the_read")
    result.assert_outcomes(failed=1, errors=1)
    shown = result.stdout.str()
    assert "the FaultServer failed to serve" in shown, shown[-3000:]
    assert "LookupError: no item" in shown
    assert "ConnectionError" not in shown
