"""Languages: which one to speak, the tool's strings through gettext, values as words.

``resolve_lang`` picks the language (``--lang``, ``CYBERREVIEW_LANG``, ``lang:`` in
the config, the locale, English); ``_``/``ngettext`` translate the tool's own strings
from the compiled catalogs in ``locale/``; :mod:`.words` reads values as words
(case states, categories, booleans, amounts in 万元/亿元, dates as 2026年12月5日).
English needs no catalog and loads nothing beyond this package's stdlib imports.
See ``docs/languages.md``.
"""

from __future__ import annotations

from .catalog import (
    N_,
    _,
    bilingual,
    current_lang,
    gettext_in,
    ngettext,
    set_lang,
    use_lang,
)
from .lang import (
    DEFAULT_LANG,
    LANG_ENV,
    LANGS,
    Lang,
    check_lang,
    is_english,
    normalize_lang,
    parse_accept_language,
    primary,
    resolve_lang,
)
from .words import amount, chinese_numeral, date, days, number, pad, width, word, yes_no

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_ENV",
    "N_",
    "Lang",
    "_",
    "amount",
    "bilingual",
    "check_lang",
    "chinese_numeral",
    "current_lang",
    "date",
    "days",
    "gettext_in",
    "is_english",
    "ngettext",
    "normalize_lang",
    "number",
    "pad",
    "parse_accept_language",
    "primary",
    "resolve_lang",
    "set_lang",
    "use_lang",
    "width",
    "word",
    "yes_no",
]
