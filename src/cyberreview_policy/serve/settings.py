"""How a service process is configured: from ``cyberreview serve``'s options, passed to
each uvicorn worker through one environment variable (workers import the app anew)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..runtime import Runtime

SETTINGS_ENV = "CYBERREVIEW_SERVE_SETTINGS"
DEFAULT_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    store: str | None = None
    config: str | None = None
    calendar: str | None = None
    policy_dirs: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()
    allow_anonymous: str | None = None  # a role granted to requests without a token
    host: str | None = None  # the address listened on (a name anonymous requests may use)
    allowed_hosts: tuple[str, ...] = ()  # more names they may use (--allowed-host)
    max_body: int = DEFAULT_MAX_BODY
    threads: int = 4  # decision threads per process, each with its own store connection
    token_refresh: float = 5.0  # seconds between reloads of the token table
    keep_responses_hours: int = 24  # idempotent responses are kept this long
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-Proto is believed
    session_hours: int = 8  # a case-board session lasts this long
    lang: str | None = None  # serve --lang: the language of requests that name none
    settle_gc: bool = False  # freeze what the start loaded (gcsettle.py): a process of its own

    def runtime(self) -> Runtime:
        return Runtime(
            store_url=self.store,
            calendar_path=Path(self.calendar) if self.calendar else None,
            policy_dirs=[Path(p) for p in self.policy_dirs],
            config_path=Path(self.config) if self.config else None,
        )

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> Settings:
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            return cls()
        data = json.loads(text)
        data["policy_dirs"] = tuple(data.get("policy_dirs", ()))
        data["packs"] = tuple(data.get("packs", ()))
        data["allowed_hosts"] = tuple(data.get("allowed_hosts", ()))
        data["trusted_proxies"] = tuple(data.get("trusted_proxies", ()))
        return cls(**data)
