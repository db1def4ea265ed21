"""The gettext catalogs of the tool's own strings, managed with Babel.

    python scripts/catalogs.py extract   # src/ -> locale/cyberreview.pot
    python scripts/catalogs.py update    # .pot -> locale/zh_CN/LC_MESSAGES/cyberreview.po
    python scripts/catalogs.py compile   # .po -> .mo (committed: the wheel ships it)
    python scripts/catalogs.py check     # every message translated, placeholders equal, .mo current
    python scripts/catalogs.py all       # extract, update, compile

Babel is a development dependency only: the runtime reads the ``.mo`` with the
stdlib's ``gettext`` (``cyberreview_policy.i18n``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cyberreview_policy"
LOCALE = PACKAGE / "locale"
DOMAIN = "cyberreview"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
LOCALES = ("zh_CN",)
KEYWORDS = {
    "_": None,
    "N_": None,
    "_n": None,
    "bilingual": (1,),
    "gettext_in": (1,),
    "ngettext": (1, 2),
}
#: {name} and %s/%(name)s placeholders
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")


def po_path(locale: str) -> Path:
    return LOCALE / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    catalog = Catalog(project="cyberreview-policy", domain=DOMAIN, fuzzy=False)
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(
            message,
            None,
            [(f"src/cyberreview_policy/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


#: the dates written in the catalogs' headers: fixed, so that the files change only when
#: their messages do and a .mo compiles the same every time (Babel fills in "now")
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _write_po(path: Path, catalog: Catalog) -> None:
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    catalog.project, catalog.version = "cyberreview-policy", "0.7"
    catalog.copyright_holder = "cyberreview-policy developers"
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def update() -> None:
    template = _read(TEMPLATE)
    for locale in LOCALES:
        path = po_path(locale)
        catalog = _read(path, locale) if path.exists() else Catalog(locale=locale, domain=DOMAIN)
        catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write_po(path, catalog)


def compiled(locale: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, _read(po_path(locale), locale), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for locale in LOCALES:
        po_path(locale).with_suffix(".mo").write_bytes(compiled(locale))


def _texts(message: object) -> list[str]:
    if isinstance(message, (tuple, list)):
        return [str(part) for part in message]
    return [str(message)]


def problems() -> list[str]:
    """What is wrong with the catalogs: untranslated or fuzzy messages, placeholders
    that differ, a stale .mo, messages in the source missing from a .po."""
    found: list[str] = []
    wanted = {message.id for message in extract() if message.id}
    for locale in LOCALES:
        path = po_path(locale)
        catalog = _read(path, locale)
        have = {message.id for message in catalog if message.id}
        for missing in sorted(map(str, wanted - have), key=str):
            found.append(f"{path.name} ({locale}): not in the catalog: {missing!r}")
        for message in catalog:
            if not message.id:
                continue
            ids, strings = _texts(message.id), _texts(message.string)
            if message.fuzzy or not all(strings):
                found.append(f"{locale}: not translated: {ids[0]!r}")
                continue
            expected = sorted(PLACEHOLDER.findall(ids[0]))
            for text in strings:
                if sorted(PLACEHOLDER.findall(text)) != expected:
                    found.append(f"{locale}: placeholders differ: {ids[0]!r} -> {text!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(locale):
            found.append(f"{locale}: {mo.name} is not compiled from the .po (run compile)")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "all"
    if command in ("extract", "all"):
        _write_po(TEMPLATE, extract())
    if command in ("update", "all"):
        update()
    if command in ("compile", "all"):
        compile_all()
    if command == "check":
        for problem in problems():
            print(problem)
        return 1 if problems() else 0
    if command not in ("extract", "update", "compile", "all", "check"):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
