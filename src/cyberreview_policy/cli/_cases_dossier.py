"""``cases dossier``: the declaration dossier of a case, as one ZIP file."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any

from ..errors import UsageError
from ..i18n.catalog import _
from ..runtime import Runtime
from ._common import (
    EXIT_OK,
    add_actor_option,
    add_command,
    add_pack_options,
    add_store_options,
    select_packs,
)
from ._render import printable

DESCRIPTION = """\
Build what the Cybersecurity Review Office needs for a declaration (Measures 2020
Art. 7, 2021 Art. 8) as one ZIP: a draft declaration form (申报书) and a draft
analysis report on the impact on national security, both .docx, pre-filled from
the record and the case (what the tool cannot know is a marked blank,
【待填写】); the latest version of each attached material and every letter of
the Office; the case's timeline (steps, statutory periods actual and projected)
and its audit extract; an index (目录) and a manifest with the SHA-256 of every
file.  Give the case's record (a file, or --source NAME to fetch it) to fill the
form from it and to list the rules' findings; without it, the form is filled
from what the case keeps (names) and the rest is left blank.  Chinese unless
--lang en.  The file is written owner-only and never over an existing one;
building it is recorded in the audit trail.  Needs python-docx: pip install
'cyberreview-policy[dossier]'.
"""
EXAMPLES = """\
examples:
  cyberreview cases dossier CR-000002 --output CR-000002.zip --record po-117.json
  cyberreview cases dossier CR-000002 --output dossier-en.zip --lang en
  cyberreview cases dossier CR-000002 -o CR-000002.zip --source tryton
"""


def add_dossier_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    dossier = add_command(
        verbs,
        "dossier",
        "build the declaration dossier of a case (a ZIP for the Review Office)",
        DESCRIPTION,
        EXAMPLES,
    )
    dossier.add_argument("case_id", metavar="CASE_ID")
    dossier.add_argument("--output", "-o", required=True, metavar="FILE.zip")
    dossier.add_argument(
        "--record", metavar="FILE", help="the case's record (a record file, or - for stdin)"
    )
    dossier.add_argument(
        "--source", metavar="NAME", help="fetch the case's record from this configured source"
    )
    add_pack_options(dossier)
    add_store_options(dossier)
    add_actor_option(dossier)
    dossier.set_defaults(run=run_dossier)


def _record(args: argparse.Namespace, rt: Runtime, record_id: str) -> Any:
    from .gate import fetch_one, read_one

    if args.record and args.source:
        raise UsageError(_("give --record FILE or --source NAME, not both"))
    if args.source:
        return fetch_one(args.source, record_id, rt)
    return read_one(args.record, rt) if args.record else None


def run_dossier(args: argparse.Namespace, rt: Runtime) -> int:
    as_of = args.as_of or dt.date.today()
    fd = _create(args.output)  # first: a dossier is not built (and audited) for nothing
    try:
        dossier = _build(args, rt, as_of)
    except BaseException:
        os.close(fd)
        os.unlink(args.output)
        raise
    with os.fdopen(fd, "wb") as stream:
        stream.write(dossier.content)
    said = (
        f"{dossier.case_id}: dossier ({dossier.files} files, {len(dossier.content)} bytes, sha256 "
        f"{dossier.sha256[:16]}) written to {args.output}"
    )
    sys.stdout.write(printable(said) + "\n")
    return EXIT_OK


def _create(path: str) -> int:
    """The output file, owner-only and new (the material is confidential, Art. 16 / 17)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(_("--output {path} exists: give a new file").format(path=path)) from None
    except OSError as exc:
        raise UsageError(
            _("cannot write {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None


def _build(args: argparse.Namespace, rt: Runtime, as_of: dt.date) -> Any:
    from ..dossier import build_dossier
    from ..env import current_actor

    lang = _lang(args)
    store = rt.store()
    try:
        case = store.get(args.case_id)
        record = _record(args, rt, case.record_id)
        decide = None
        if record is not None:
            engine = rt.engine(select_packs(rt, args.pack, as_of), store=store)

            def decide(found: Any) -> list[dict[str, Any]]:
                decision = engine.decide(found, as_of)
                if lang != "en":
                    decision = engine.localized(decision, found, lang)
                return list(decision["findings"])  # type: ignore[arg-type]

        return build_dossier(
            store,
            case.id,
            calendar=rt.calendar,
            as_of=as_of,
            actor=str(args.actor or current_actor()),
            lang=lang,
            record=record,
            decide=decide,
        )
    finally:
        store.close()


def _lang(args: argparse.Namespace) -> str:
    """The dossier's language: ``--lang`` (zh-CN or en), else Chinese, whatever the
    environment speaks (the Office reads Chinese)."""
    from ..i18n import check_lang

    explicit = getattr(args, "lang", None)
    if explicit is None:
        return "zh-CN"
    lang = check_lang(explicit)
    if lang not in ("zh-CN", "en"):
        raise UsageError(
            _("--lang {explicit}: a dossier is in one language, zh-CN or en").format(
                explicit=explicit
            )
        )
    return lang
