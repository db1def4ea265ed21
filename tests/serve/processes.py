"""Real ``cyberreview serve`` processes (uvicorn) for the replica tests and the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServeProcess:
    """``cyberreview serve`` on a free port; its log goes to ``log``."""

    def __init__(self, store: str, home: Path, log: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "CYBERREVIEW_HOME": str(home), "PYTHONUNBUFFERED": "1"}
        self._out: IO[bytes] = log.open("wb")
        command = [sys.executable, "-m", "cyberreview_policy", "serve"]
        command += ["--port", str(self.port), "--store", store, *extra]
        self.process = subprocess.Popen(command, env=env, stdout=self._out, stderr=self._out)

    def wait_ready(self, seconds: float = 60.0, expect: int = 200) -> None:
        """Until /v1/healthz answers ``expect`` (a start-up, not a timed assertion)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text(errors='replace')}")
            try:
                if requests.get(self.url + "/v1/healthz", timeout=1).status_code == expect:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"serve did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> str:
        """Stop it (SIGTERM, as a supervisor does) and return its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return self.log.read_text(errors="replace")
