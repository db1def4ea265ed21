"""The contract kit fails connectors that break the contract.

Each case runs the tutorial connector's own contract test module (in a
subprocess, with a private copy of the connector) after one deliberate
mistake, and expects exactly the test named to catch it.  The unmodified
tutorial passes the whole kit: ``tests/test_docs.py::test_tutorial_connector``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TUTORIAL = Path(__file__).parents[2] / "examples" / "connector-tutorial"
CONNECTOR = "src/cyberreview_buyly/__init__.py"

SHORT_PAGE_STOPS = """
def _stop_at_short_page(http, params, limit):
    body = http.get("/api/lines", params=params)
    while True:
        yield from body["results"]
        if len(body["results"]) < limit or not body["next"]:
            return
        body = http.get(body["next"])
"""

MISTAKES = {
    "ignores the checkpoint": (
        'params["modified_after"] = since',
        "pass",
        "test_incremental_read",
    ),
    "stops at a short page": (
        'lines = paging.next_link(self.http, "/api/lines", params=params, key=lambda x: x["id"])',
        "lines = _stop_at_short_page(self.http, params, self.page_size)",
        "test_short_page_is_not_the_end",
    ),
    "keeps duplicates": (
        ', key=lambda x: x["id"])',
        ")",
        "test_duplicates_across_pages_are_dropped",
    ),
    "token is not a secret": (
        "token: SecretStr = Field(",
        "token: str = Field(",
        "test_settings_model",
    ),
    "check() passes whatever": (
        "return CheckResult(False, str(exc))",
        "return CheckResult(True, 'fine')",
        "test_check_refuses_bad_credentials",
    ),
    "misses errors sent with HTTP 200": (
        "error_hook=buyly_error,",
        "",
        "test_error_body_fails_the_source",
    ),
    "prints its headers": (
        "    def check(self) -> CheckResult:\n",
        "    def check(self) -> CheckResult:\n        print(self.http.session.headers)\n",
        "test_no_secret_in_logs",
    ),
}


def _copy_tutorial(pytester: pytest.Pytester) -> Path:
    root = pytester.path / "tutorial"
    shutil.copytree(TUTORIAL, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return root


@pytest.mark.slow
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_the_kit_catches(pytester: pytest.Pytester, mistake: str) -> None:
    old, new, catcher = MISTAKES[mistake]
    root = _copy_tutorial(pytester)
    connector = root / CONNECTOR
    text = connector.read_text()
    assert old in text, f"the tutorial changed: update the mistake {mistake!r}"
    connector.write_text(text.replace(old, new) + SHORT_PAGE_STOPS)
    result = pytester.runpytest_subprocess(str(root), "-q", "-p", "no:cacheprovider", "-k", catcher)
    result.assert_outcomes(failed=1)


@pytest.mark.slow
def test_log_lines_and_messages_are_masked_by_the_host(pytester: pytest.Pytester) -> None:
    """Logging the token, on any logger, or putting it in a check's message or an
    exception, does not leak it: the host masks secrets in every log record and in
    what it reports."""
    root = _copy_tutorial(pytester)
    connector = root / CONNECTOR
    text = connector.read_text()
    connector.write_text(
        text.replace(
            "        self.page_size = settings.page_size\n",
            "        self.page_size = settings.page_size\n"
            "        self.token = settings.token.get_secret_value()\n"
            "        import logging\n"
            "        logging.getLogger('buyly').warning('using %s', self.token)\n"
            "        ctx.logger.warning('using token %s', self.token)\n",
        ).replace(
            "return CheckResult(False, str(exc))",
            "return CheckResult(False, f'{exc} with token {self.token}')",
        )
    )
    result = pytester.runpytest_subprocess(
        str(root), "-q", "-p", "no:cacheprovider", "-k", "test_no_secret_in_logs"
    )
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
def test_the_kit_names_a_leak_without_repeating_it(pytester: pytest.Pytester) -> None:
    """test_no_secret_in_logs caught a connector printing its headers, and printed the
    token itself (and every line holding it) in its failure message."""
    old, new, catcher = MISTAKES["prints its headers"]
    root = _copy_tutorial(pytester)
    connector = root / CONNECTOR
    connector.write_text(connector.read_text().replace(old, new))
    result = pytester.runpytest_subprocess(str(root), "-q", "-p", "no:cacheprovider", "-k", catcher)
    result.assert_outcomes(failed=1)
    shown = result.stdout.str() + result.stderr.str()
    assert "a secret reached" in shown and "the output" in shown
    assert "buyly-token-7f3a9c" not in shown
