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
CONFIG_FILE = "cyberreview.yaml"  # in the home, when no other is named
NO_CACHE_ENV = "CYBERREVIEW_NO_CACHE"
DEBUG_ENV = "CYBERREVIEW_DEBUG"
STORE_TIMEOUT_ENV = "CYBERREVIEW_STORE_TIMEOUT"
#: seconds a case store command waits for a lock another process holds
DEFAULT_STORE_TIMEOUT = 5.0
LOG_LEVEL_ENV = "CYBERREVIEW_LOG_LEVEL"


def home_dir() -> Path:
    """``$CYBERREVIEW_HOME``, or ``~/.cyberreview``."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cyberreview"


def private_dir(path: Path) -> Path:
    """``path``, made with every missing directory up to it mode 0700 (the home holds
    case material: Measures Art. 16); existing directories are left as they are."""
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process
        os.chmod(directory, 0o700)  # whatever the umask
    return path


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


#: query parameters of a store URL that hold a secret (libpq: password, sslpassword)
_SECRET_PARAM = re.compile(r"(?i)([?&][^=&#]*(?:pass|secret|token)[^=&#]*=)([^&#]*)")


def redact_url(url: str) -> str:
    """A store URL fit for messages: no password, in the user part or the query."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    userinfo, hostpart = _userinfo(rest)
    if userinfo is not None and ":" in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:{MASK}@{hostpart}"
    rest = _SECRET_PARAM.sub(lambda found: found.group(1) + MASK, rest)
    return f"{scheme}://{rest}"


def url_secrets(url: str) -> list[str]:
    """The secrets in a URL (the user part's password, secret query parameters), as
    written and percent-decoded: for :func:`register_secrets`, so that a driver's
    message quoting one is masked too."""
    from urllib.parse import unquote

    _, sep, rest = url.partition("://")
    userinfo, _ = _userinfo(rest) if sep else (None, "")
    found = [userinfo.split(":", 1)[1]] if userinfo and ":" in userinfo else []
    found += [match.group(2) for match in _SECRET_PARAM.finditer(rest)]
    return [value for raw in found for value in {raw, unquote(raw)} if value]


def _userinfo(rest: str) -> tuple[str | None, str]:
    """(the user part, or None; what follows its ``@``) of a URL after ``scheme://``."""
    query = rest.find("?")
    at = -1 if rest.startswith("/") else rest.rfind("@", 0, len(rest) if query < 0 else query)
    return (rest[:at], rest[at + 1 :]) if at >= 0 else (None, rest)


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
    return _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", mask_secrets(text))


def mask_secrets(text: str) -> str:
    """``text`` with every known secret masked (and nothing else: for our own messages,
    which name settings such as ``token`` without holding one)."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text
