"""The case board in a real browser: Debian's headless Chromium driven by Selenium,
against a real ``cyberreview serve`` process holding the demo sweep's cases.

These run in ``tox -e ui-browser`` (which installs Chromium, ChromeDriver and a
CJK font, and sets ``CYBERREVIEW_BROWSER=1``); elsewhere they are skipped.
Screenshots go to ``$CYBERREVIEW_UI_ARTEFACTS`` (the tox env's tmp dir), else to
the test's tmp dir.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "procurement.jsonl"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("CYBERREVIEW_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run in tox -e ui-browser (CYBERREVIEW_BROWSER=1)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@dataclass
class Server:
    url: str
    home: Path
    store_url: str
    reviewer: str
    auditor: str
    gate: str

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {token or self.reviewer}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``cyberreview serve`` on a store holding the demo sweep (as the README runs it)."""
    from cyberreview_policy.cases.servestate import serve_store
    from cyberreview_policy.runtime import Runtime

    home = tmp_path_factory.mktemp("board-home")
    env = {**os.environ, "CYBERREVIEW_HOME": str(home)}
    command = [sys.executable, "-m", "cyberreview_policy"]
    swept = subprocess.run(
        [*command, "sweep", str(DEMO), "--as-of", "2021-06-01"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert swept.returncode in (0, 1), swept.stderr  # 1: the sweep found blocks
    store_url = f"sqlite:///{home / 'cases.db'}"
    store = Runtime(store_url=store_url).store()
    try:
        tokens = {
            role: serve_store(store).create_token(f"browser-{role}", role, "pytest")[1]
            for role in ("reviewer", "auditor", "gate")
        }
    finally:
        store.close()
    port = _free_port()
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--store", store_url, "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/v1/healthz", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = process.stderr.read().decode() if process.stderr else ""
                if process.stderr is not None:
                    process.stderr.close()
                raise AssertionError(said) from None
            time.sleep(0.2)
    try:
        yield Server(url, home, store_url, tokens["reviewer"], tokens["auditor"], tokens["gate"])
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("CYBERREVIEW_UI_ARTEFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium (Debian's) with downloads going to ``tmp_path / "downloads"``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1600,1100",
        "--lang=zh-CN",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    browser = webdriver.Chrome(options=options, service=DriverService(chromedriver))
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield browser
    finally:
        browser.quit()
