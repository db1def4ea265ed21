"""The languages the tool speaks, as tags: ``en``, ``zh-CN`` and ``zh-CN+en``.

Imports nothing: the catalogs (:mod:`.catalog`) and the values' words (:mod:`.words`)
need them without what :mod:`.lang` brings (the configuration's errors).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh-CN", "zh-CN+en"]
#: every language the tool speaks; ``zh-CN+en`` is Chinese with English side by side
LANGS: tuple[Lang, ...] = ("en", "zh-CN", "zh-CN+en")
DEFAULT_LANG: Lang = "en"


def primary(lang: Lang) -> Lang:
    """The language a text is written in first: ``zh-CN`` for ``zh-CN+en``."""
    return "zh-CN" if lang == "zh-CN+en" else lang


def is_english(lang: Lang) -> bool:
    return lang == "en"
