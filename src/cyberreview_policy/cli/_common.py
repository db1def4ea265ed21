"""What the subcommands share: exit codes, options, date parsing, stderr notes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..i18n.catalog import _

if TYPE_CHECKING:
    from ..policy.pack import Pack
    from ..runtime import Runtime

EXIT_OK = 0
EXIT_WARN = 1
EXIT_BLOCK = 2
EXIT_ERROR = 3  # could not decide / could not run as asked

LOG_LEVELS = ("debug", "info", "warning", "error")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 3 ("could not decide"), not 2 ("block")."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def add_command(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help: str,
    description: str,
    examples: str,
) -> argparse.ArgumentParser:
    """A subcommand (or verb) with its description and examples in ``--help``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=examples,
        formatter_class=HelpFormatter,
    )
    add_log_level_option(parser)
    add_lang_option(parser)
    return parser


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang``, on every command and verb (given once, wherever it stands)."""
    parser.add_argument(
        "--lang",
        metavar="LANG",
        default=argparse.SUPPRESS,
        help="language of findings, reports and messages: en, zh-CN, or zh-CN+en (Chinese "
        "with English side by side); default: $CYBERREVIEW_LANG, lang: in the config, "
        "the locale (LC_ALL, LC_MESSAGES, LANG), else en. Rule ids, error codes and JSON "
        "keys never change with it",
    )


def add_log_level_option(parser: argparse.ArgumentParser) -> None:
    """``--log-level``, on every command and verb (given once, wherever it stands)."""
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=argparse.SUPPRESS,
        help="log what cyberreview and its plugins (a connector's ctx.logger) say at this "
        "level and above on stderr (default: $CYBERREVIEW_LOG_LEVEL, else warnings only)",
    )


def log_level(args: argparse.Namespace) -> str | None:
    """The level asked for: ``--log-level``, else ``$CYBERREVIEW_LOG_LEVEL``; ``None``: none."""
    import os

    from ..env import LOG_LEVEL_ENV
    from ..errors import UsageError

    chosen = getattr(args, "log_level", None) or os.environ.get(LOG_LEVEL_ENV) or None
    if chosen is not None and chosen.lower() not in LOG_LEVELS:
        raise UsageError(
            _("{LOG_LEVEL_ENV}={chosen}: choose one of {value}").format(
                LOG_LEVEL_ENV=LOG_LEVEL_ENV, chosen=chosen, value=", ".join(LOG_LEVELS)
            )
        )
    return chosen.lower() if chosen else None


@contextmanager
def logging_at(level: str | None) -> Iterator[None]:
    """While the command runs: log records of ``cyberreview`` and its children (a
    connector's ``ctx.logger`` is ``cyberreview.source.NAME``) at ``level`` and above,
    one line each on stderr, secrets masked (the host redacts every record)."""
    if level is None:
        yield
        return
    import logging  # imported here: a command without a log level starts without it

    from ..connectors import redact
    from ._stderr import Stderr

    redact.install()
    logger = logging.getLogger("cyberreview")
    handler = Stderr()
    handler.setFormatter(logging.Formatter("cyberreview: %(levelname)s: %(name)s: %(message)s"))
    before = logger.level
    logger.setLevel(level.upper())
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text} is not a date (expected YYYY-MM-DD)").format(text=repr(text))
        ) from None


def add_policy_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="also use the packs in DIR (a pack, or a directory of packs, with an optional "
        "law.yaml); repeatable",
    )


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    add_policy_dir_option(parser)
    parser.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="ID",
        help="decide under this pack (id, id@version, or a pack directory); repeatable. "
        "Default: from every family, the version in force on the as-of date",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="evaluate the law as in force on this date (default: today)",
    )


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the configuration file (default: $CYBERREVIEW_CONFIG, else "
        "$CYBERREVIEW_HOME/cyberreview.yaml if present)",
    )


def add_store_options(parser: argparse.ArgumentParser) -> None:
    add_config_option(parser)
    parser.add_argument(
        "--store",
        metavar="URL",
        help="the case store: sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
        "(default: $CYBERREVIEW_STORE, else `store:` in the configuration, "
        "else $CYBERREVIEW_HOME/cases.db)",
    )
    parser.add_argument(
        "--calendar",
        type=Path,
        metavar="FILE",
        help="working-day schedule for years the official calendar does not know yet "
        "(default: $CYBERREVIEW_CALENDAR, else $CYBERREVIEW_HOME/calendar.yaml if present)",
    )


def add_actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor",
        metavar="NAME",
        help="who acts, for the audit trail (default: $CYBERREVIEW_ACTOR, else your login)",
    )


def note(message: str) -> None:
    """One line on stderr, known secrets masked, control characters escaped."""
    from ..env import mask_secrets
    from ._render import printable

    sys.stderr.write(f"cyberreview: {printable(mask_secrets(message))}\n")


def select_packs(rt: Runtime, pins: Sequence[str], as_of: dt.date) -> list[Pack]:
    """The packs for this run, with a note on stderr for each broken plugin and each pin
    not in force on the date."""
    return rt.packs(pins, as_of, note)


def add_ci_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ci",
        action="append",
        default=[],
        metavar="FORMAT[=FILE]",
        help="also write a CI output (repeatable): junit=FILE (JUnit XML), sarif=FILE "
        "(SARIF 2.1.0), github (GitHub Actions annotations on stdout, or github=FILE); "
        "see docs/ci.md",
    )
