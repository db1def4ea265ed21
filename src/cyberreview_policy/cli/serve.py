"""``cyberreview serve``: the gate as an HTTP decision service (FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import add_command, add_policy_dir_option, add_store_options, log_level
from .commands import COMMANDS

NAME = "serve"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Serve the gate over HTTP: POST /v1/decisions answers allow, warn or block for
a record, a list of records, or {"source": NAME, "id": ID} fetched from a
configured source, and opens review cases as "cyberreview gate" does.
Reviewers open and move cases, record notices and attach material (POST
/v1/cases, /v1/cases/ID/transitions, ...); reviewers and auditors read cases and
download material (GET /v1/cases, /v1/cases/ID/materials/NAME); auditors read
the audit trail (GET /v1/audit).  /metrics is Prometheus text;
/v1/healthz says whether the case store answers; /openapi.json and /docs
describe the API.

Every request needs a bearer token ("cyberreview tokens create") whose role
allows it: gate (decisions), reviewer (cases, waivers), auditor (cases, audit
trail, waivers).
The service fails closed: a source or store it cannot reach gives "block"
with an error code, never "allow".  Several processes on one PostgreSQL
store behave as one (idempotent by Idempotency-Key, one open case per record
and kind).  Needs the serve extra: pip install 'cyberreview-policy[serve]'.
"""
EXAMPLES = """\
examples:
  cyberreview tokens create --role gate --name jenkins
  cyberreview serve --port 8080
  cyberreview serve --host 0.0.0.0 --workers 2 --store postgresql://cyberreview@db/cases
  curl -H "Authorization: Bearer $TOKEN" -d @po-117.json http://127.0.0.1:8080/v1/decisions
  curl -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: CHG0012345" \\
       -d '{"source": "tryton", "id": "P00012/1"}' http://127.0.0.1:8080/v1/decisions
"""


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024}
    scale = units.get(text[-1:].lower(), 1)
    number = text[:-1] if scale != 1 else text
    try:
        value = int(number) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text} is not a size (e.g. 1048576, 512k, 1m)").format(text=repr(text))
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(_("the size must be positive"))
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    p.add_argument(
        "--threads",
        type=int,
        default=4,
        help="decision threads per process, each with its own store connection (default 4)",
    )
    p.add_argument(
        "--allow-anonymous",
        choices=("gate", "reviewer", "auditor"),
        metavar="ROLE",
        help="grant ROLE to requests without a token (default: none; every request needs one)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="with --allow-anonymous: a host name clients use to reach the service "
        "(repeatable); anonymous requests to other names are refused (loopback names and "
        "--host are always allowed)",
    )
    p.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="the address of a TLS-terminating proxy (repeatable): its X-Forwarded-Proto "
        "is believed, so the case board's session cookie is marked Secure behind it",
    )
    p.add_argument(
        "--max-body",
        type=_size,
        default="1m",
        metavar="SIZE",
        help="refuse larger request bodies with 413 (default 1m; 512k, 4m, bytes)",
    )
    p.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="ID",
        help="decide under this pack only (repeatable); default: the packs in force on each "
        "request's as-of date",
    )
    add_policy_dir_option(p)
    add_store_options(p)
    p.set_defaults(run=run)


def _check_store(rt: Runtime, url: str | None) -> None:
    """A store URL no plugin serves is an error now; a store that does not answer yet is
    not: the service starts, /v1/healthz says 503 and decisions block until it answers."""
    from ..errors import CaseStoreError, UnknownStoreError
    from ._common import note

    try:
        rt.store(url).close()
    except UnknownStoreError:
        raise
    except CaseStoreError as exc:
        note(
            _("warning: {exc}; serving anyway: decisions block until the store answers").format(
                exc=exc
            )
        )


def _http() -> dict[str, Any]:
    """uvicorn's HTTP protocol, with request heads over 8 KiB refused as they arrive."""
    import importlib.util

    from ..serve.headers import MAX_HEAD

    limit = {"h11_max_incomplete_event_size": MAX_HEAD}
    if importlib.util.find_spec("httptools") is None:
        return {"http": "h11", **limit}  # h11 refuses with 400
    return {"http": "cyberreview_policy.serve.headers:HeaderLimitProtocol", **limit}


def run(args: argparse.Namespace, rt: Runtime) -> int:
    from ..serve import EXTRA_HINT, missing_stack

    missing = missing_stack()
    if missing is not None:
        raise UsageError(
            _("cyberreview serve needs {missing}: {EXTRA_HINT}").format(
                missing=missing, EXTRA_HINT=EXTRA_HINT
            )
        )
    if args.workers < 1 or args.threads < 1:
        raise UsageError(_("--workers and --threads must be at least 1"))
    import os

    import uvicorn

    from ..serve.settings import SETTINGS_ENV, Settings

    settings = Settings(
        store=rt.store_url_in_use(),
        config=str(args.config) if args.config else None,
        calendar=str(args.calendar) if args.calendar else None,
        policy_dirs=tuple(str(p) for p in args.policy_dir),
        packs=tuple(args.pack),
        allow_anonymous=args.allow_anonymous,
        host=args.host,
        allowed_hosts=tuple(args.allowed_host),
        trusted_proxies=tuple(args.trusted_proxy),
        max_body=args.max_body,
        threads=args.threads,
        lang=getattr(args, "lang", None),
        settle_gc=True,  # each worker is a process of its own: its start is frozen
    )
    _check_store(rt, settings.store)
    os.environ[SETTINGS_ENV] = settings.to_env()
    level = log_level(args) or "info"
    uvicorn.run(
        "cyberreview_policy.serve.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=level,
        server_header=False,
        proxy_headers=False,
        **_http(),
        access_log=level in ("debug", "trace", "info"),  # otherwise dropped anyway
    )
    return 0
