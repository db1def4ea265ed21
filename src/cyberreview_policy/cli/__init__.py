"""The ``cyberreview`` command line.  One module per subcommand.

Every expected failure ends in one line on stderr and exit 3; a traceback is
shown only with ``CYBERREVIEW_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import CyberreviewError
from ._common import (
    EXIT_ERROR,
    HelpFormatter,
    Parser,
    add_lang_option,
    add_log_level_option,
    log_level,
    logging_at,
)
from .commands import COMMANDS

DESCRIPTION = """\
Policy as code for the PRC Cybersecurity Review: decide whether a network
product may be put into use (allow, warn, block), open review cases, and sweep
every record of an ERP or CMDB export.
"""
EPILOG = """\
Run "cyberreview COMMAND --help" for a command's options and examples.
State (the case store) lives in $CYBERREVIEW_HOME, default ~/.cyberreview.
--log-level debug (or $CYBERREVIEW_LOG_LEVEL) shows what connectors log.
"""
#: commands that write their log lines themselves (sweep: text or JSON events; serve: uvicorn's)
OWN_LOGS = ("sweep", "serve")


def build_parser(only: str | None = None, *, alone: bool = False) -> argparse.ArgumentParser:
    """The whole command line (``only=None``), or with only subcommand ``only`` built
    and the others named with their help (what ``cyberreview --help`` lists); with
    ``alone``, not even named (a parser each, for nothing: the command is ``only``,
    and the top-level help is not asked for)."""
    import importlib

    parser = Parser(
        prog="cyberreview",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cyberreview {__version__}")
    add_log_level_option(parser)
    add_lang_option(parser)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    for name, text in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"{__name__}.{name}").add_parser(sub)
        elif not alone:
            sub.add_parser(name, help=text, add_help=False)
    return parser


def _command(argv: Sequence[str]) -> tuple[str, bool]:
    """The subcommand ``argv`` runs (its first word that is not an option), or ``""``;
    and whether the top-level ``--help`` comes before it (it lists every command)."""
    words = iter(argv)
    helped = False
    for word in words:
        if word in ("--log-level", "--lang"):
            next(words, None)  # its value
        elif word in ("-h", "--help"):
            helped = True
        elif not word.startswith("-"):
            return (word if word in COMMANDS else ""), helped
    return "", helped


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    for number, word in enumerate(words, start=1):
        if any("\ud800" <= char <= "\udfff" for char in word):  # bytes not UTF-8
            shown = word.encode("utf-8", "backslashreplace").decode()
            sys.stderr.write(
                f"cyberreview: error: argument {number} is not UTF-8 text ({shown}): "
                "fix the encoding of the command line\n"
            )
            return EXIT_ERROR
    command, helped = _command(words)
    args = build_parser(only=command, alone=bool(command) and not helped).parse_args(words)
    from ..i18n import current_lang, use_lang

    with use_lang(current_lang()):  # the language a command chooses ends with it
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    from ..runtime import Runtime

    try:
        level = log_level(args)
        with logging_at(None if args.command in OWN_LOGS else level):
            runtime = Runtime(
                store_url=getattr(args, "store", None),
                calendar_path=getattr(args, "calendar", None),
                policy_dirs=getattr(args, "policy_dir", None) or (),
                config_path=getattr(args, "config", None),
            )
            runtime.choose_lang(getattr(args, "lang", None))
            if getattr(args, "config", None) is not None:
                runtime.config  # noqa: B018  (a file named on the command line is always checked)
            code: int = args.run(args, runtime)
        return code
    except CyberreviewError as exc:
        from ..i18n import _

        sys.stderr.write(_("cyberreview: error: {error}").format(error=_shown(exc)) + "\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        from ..i18n import _

        sys.stderr.write(_("cyberreview: interrupted") + "\n")
        return EXIT_ERROR
    except Exception as exc:  # a bug: still fail closed, one line
        if os.environ.get("CYBERREVIEW_DEBUG"):
            raise
        sys.stderr.write(
            f"cyberreview: internal error: {type(exc).__name__}: {_shown(exc)} "
            "(set CYBERREVIEW_DEBUG=1 for a traceback)\n"
        )
        return EXIT_ERROR


def _shown(exc: BaseException) -> str:
    """An error's message fit for a terminal: known secrets masked, control characters
    escaped (one line)."""
    from ..env import mask_secrets
    from ._render import printable

    return printable(mask_secrets(str(exc)))


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
