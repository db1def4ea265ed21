"""The process's surroundings: ``CYBERREVIEW_*`` variables, the home directory, who
acts, and keeping secrets out of what is shown (URLs, log lines, error messages).

Stdlib only, imported by everything: nothing here reads a file or starts anything.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

HOME_ENV = "CYBERREVIEW_HOME"
STORE_ENV = "CYBERREVIEW_STORE"
ACTOR_ENV = "CYBERREVIEW_ACTOR"
CALENDAR_ENV = "CYBERREVIEW_CALENDAR"
CONFIG_ENV = "CYBERREVIEW_CONFIG"
NO_CACHE_ENV = "CYBERREVIEW_NO_CACHE"
DEBUG_ENV = "CYBERREVIEW_DEBUG"
LOG_LEVEL_ENV = "CYBERREVIEW_LOG_LEVEL"


def home_dir() -> Path:
    """``$CYBERREVIEW_HOME``, or ``~/.cyberreview``."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cyberreview"


def default_store_url() -> str:
    """``$CYBERREVIEW_STORE``, or the SQLite file ``$CYBERREVIEW_HOME/cases.db``."""
    return os.environ.get(STORE_ENV) or f"sqlite:///{home_dir() / 'cases.db'}"


def current_actor() -> str:
    """Who is acting, for the audit trail: ``$CYBERREVIEW_ACTOR`` or the login name."""
    configured = os.environ.get(ACTOR_ENV)
    if configured:
        return configured
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def redact_url(url: str) -> str:
    """A store URL fit for messages: no password."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in userinfo else url


# -- secrets: every resolved secret is registered, and masked wherever it would show --

MASK = "***"
_HEADER = re.compile(
    r"(?i)(authorization|api[-_]?key|token|password|cookie)(['\"]?\s*[:=]\s*['\"]?)([^'\",\s}]+)"
)
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secrets(values: Iterable[str]) -> None:
    """Remember secret values; every log line and error that contains one is masked."""
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= 3)


def redact(text: str) -> str:
    """``text`` with every known secret, and credential-looking header values, masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
