"""``cyberreview tokens create|list|revoke``: bearer tokens for ``cyberreview serve``."""

from __future__ import annotations

import argparse
import json
import sys

from ..cases.servestate import ROLES, serve_store
from ..env import current_actor
from ..runtime import Runtime
from ._common import EXIT_OK, add_actor_option, add_command, add_store_options
from .commands import COMMANDS

NAME = "tokens"
HELP = COMMANDS[NAME]
DESCRIPTION = """\
Bearer tokens for "cyberreview serve", each with one role:

  gate      ask for decisions (POST /v1/decisions) under today's law; never sees
            case material (--allow-as-of: may also ask under another date's law)
  reviewer  read, open and move cases, attach and download material
  auditor   read cases and the audit trail

"tokens create" prints the token once: only its SHA-256 is kept, in the case
store (every replica on that store knows it).  Revoked tokens stop working
within seconds.  Creating and revoking are recorded in the audit trail.
"""
EXAMPLES = """\
examples:
  cyberreview tokens create --role gate --name jenkins-prod
  cyberreview tokens create --role gate --name audit-replay --allow-as-of
  cyberreview tokens create --role reviewer --name li.wei --store postgresql://cyberreview@db/cases
  cyberreview tokens list
  cyberreview tokens revoke jenkins-prod
"""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(sub, NAME, HELP, DESCRIPTION, EXAMPLES)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=type(p))
    create = add_command(
        verbs,
        "create",
        "create a token and print it once",
        "Create a token for NAME with ROLE; the token is printed once, on stdout, and "
        "cannot be shown again.",
        "examples:\n  cyberreview tokens create --role gate --name jenkins-prod\n",
    )
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True, help="who or what uses it (unique while active)")
    create.add_argument(
        "--allow-as-of",
        action="store_true",
        help="a gate token that may ask for decisions under the law of another date "
        '(the request\'s "as_of"; an audit or a replay). Without it a gate token '
        "decides under today's law only",
    )
    add_store_options(create)
    add_actor_option(create)
    create.set_defaults(run=run_create)
    ls = add_command(
        verbs,
        "list",
        "list tokens (never the tokens themselves)",
        "List tokens: id, name, role, when created and by whom, and when revoked.",
        "examples:\n  cyberreview tokens list --format json\n",
    )
    ls.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(ls)
    ls.set_defaults(run=run_list)
    revoke = add_command(
        verbs,
        "revoke",
        "revoke a token by name or id",
        "Revoke the active token with this name or id.",
        "examples:\n  cyberreview tokens revoke jenkins-prod\n",
    )
    revoke.add_argument("token", metavar="NAME_OR_ID")
    add_store_options(revoke)
    add_actor_option(revoke)
    revoke.set_defaults(run=run_revoke)


def run_create(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        item, token = serve_store(store).create_token(
            args.name, args.role, args.actor or current_actor(), allow_as_of=args.allow_as_of
        )
    finally:
        store.close()
    sys.stderr.write(
        f"cyberreview: token {item.id} for {item.name} ({item.role}); "
        "it is shown once, below: keep it in a secret store\n"
    )
    sys.stdout.write(token + "\n")
    return EXIT_OK


def run_list(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        items = serve_store(store).list_tokens()
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps([i.to_json() for i in items], indent=2) + "\n")
        return EXIT_OK
    for item in items:
        state = f"revoked {item.revoked_at}" if item.revoked_at else "active"
        grant = "  may choose as_of" if item.allow_as_of else ""
        sys.stdout.write(
            f"{item.id}  {item.role:<8} {item.name:<24} created {item.created_at} "
            f"by {item.created_by}  {state}{grant}\n"
        )
    if not items:
        sys.stdout.write("no tokens\n")
    return EXIT_OK


def run_revoke(args: argparse.Namespace, rt: Runtime) -> int:
    store = rt.store()
    try:
        item = serve_store(store).revoke_token(args.token, args.actor or current_actor())
    finally:
        store.close()
    sys.stdout.write(f"{item.id} ({item.name}, {item.role}) revoked\n")
    return EXIT_OK
