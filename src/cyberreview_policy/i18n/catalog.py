"""The tool's own strings through gettext: ``_()``, ``ngettext()``, ``N_()``.

Catalogs are compiled (``.mo``) and shipped in the package under ``locale/``
(``scripts/catalogs.py`` extracts, updates and compiles them with Babel; the runtime
needs only the stdlib). The language is per context (a CLI run, an HTTP request):
:func:`use_lang` sets it. English costs nothing: no catalog is opened for it.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from ..errors import Wording, speak
from .tags import DEFAULT_LANG, Lang, primary

DOMAIN = "cyberreview"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: the gettext locale directory of each language that has a catalog
CATALOG_LOCALES: dict[str, str] = {"zh-CN": "zh_CN"}

_current: ContextVar[Lang] = ContextVar("cyberreview_lang", default=DEFAULT_LANG)


def current_lang() -> Lang:
    """The language of this context (``en`` unless :func:`use_lang` or
    :func:`set_lang` said otherwise)."""
    return _current.get()


def set_lang(lang: Lang) -> None:
    """Speak ``lang`` in this context from now on (a CLI run)."""
    _current.set(lang)


@contextlib.contextmanager
def use_lang(lang: Lang) -> Iterator[None]:
    """Speak ``lang`` inside the ``with`` block (an HTTP request, a bilingual section)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def translation(lang: Lang) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (a bilingual language: its first one)."""
    locale = CATALOG_LOCALES.get(primary(lang))
    if locale is None:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)


def gettext_in(message: str, lang: Lang) -> str:
    """``message`` in ``lang`` (whatever this context speaks)."""
    if lang == "en":
        return message
    return translation(lang).gettext(message)


def _(message: str) -> str:
    """``message`` in the language of this context."""
    lang = _current.get()
    if lang == "en":
        return message
    return translation(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the language of this context."""
    lang = _current.get()
    if lang == "en":
        return singular if n == 1 else plural
    return translation(lang).ngettext(singular, plural, n)


def bilingual(message: str, separator: str = " / ") -> str:
    """A heading or label in the language of this context; in ``zh-CN+en`` the Chinese
    with the English after it (the side-by-side outputs for foreign auditors)."""
    lang = _current.get()
    if lang == "en":
        return message
    text = translation(lang).gettext(message)
    if lang == "zh-CN+en" and text != message:
        return f"{text}{separator}{message}"
    return text


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


class _ErrorWording(Wording):
    """Error messages in the language of this context (installed on import: a context
    speaks another language only through this module)."""

    @staticmethod
    def gettext(message: str) -> str:
        return _(message)

    @staticmethod
    def word(kind: str, value: object) -> str:
        lang = _current.get()
        if lang == "en":
            return str(value)
        from .words import word

        return word(kind, value, lang)


speak(_ErrorWording())
