"""Which language to speak: ``--lang``, ``CYBERREVIEW_LANG``, ``lang:`` in the config,
the locale (as gettext programs read it), English by default; and ``Accept-Language``.

Stdlib only: the gate path imports this.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ConfigError
from .catalog import _
from .tags import DEFAULT_LANG, LANGS, Lang, is_english, primary

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_ENV",
    "Lang",
    "check_lang",
    "is_english",
    "normalize_lang",
    "parse_accept_language",
    "primary",
    "resolve_lang",
]

LANG_ENV = "CYBERREVIEW_LANG"
#: the locale variables gettext reads, in its order (``LANGUAGE`` first, a list)
LOCALE_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_ALIASES: dict[str, Lang] = {
    "en": "en",
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-hans-cn": "zh-CN",
    "zh-sg": "zh-CN",
    "zh-cn+en": "zh-CN+en",
    "zh+en": "zh-CN+en",
}


def normalize_lang(value: str) -> Lang | None:
    """``value`` as one of :data:`LANGS` (``zh_CN``, ``zh-cn``, ``zh-Hans`` and ``en-US``
    are understood), or ``None`` when the tool does not speak it."""
    text = value.strip().replace("_", "-").lower()
    if text in _ALIASES:
        return _ALIASES[text]
    primary = text.split("-", 1)[0]
    if primary == "en":
        return "en"
    if primary == "zh" and not text.startswith(("zh-tw", "zh-hk", "zh-mo", "zh-hant")):
        return "zh-CN"
    return None


def check_lang(value: str, where: str = "--lang") -> Lang:
    """``value`` as a :data:`Lang`, or a :class:`ConfigError` naming ``where`` it came from."""
    lang = normalize_lang(value)
    if lang is None:
        raise ConfigError(
            _("{where}: unknown language {value} (use one of {value2})").format(
                where=where, value=repr(value), value2=", ".join(LANGS)
            )
        )
    return lang


def _from_locale(environ: Mapping[str, str]) -> Lang | None:
    # As gettext: the first of these that is set decides; LANGUAGE is a ':' list.
    for name in LOCALE_ENV:
        value = environ.get(name)
        if not value:
            continue
        for item in value.split(":"):
            code = item.split(".", 1)[0].split("@", 1)[0]
            if code in ("C", "POSIX", ""):
                continue
            lang = normalize_lang(code)
            if lang is not None:
                return lang
        if name != "LANGUAGE":
            return None  # set but not a language we speak: English, as gettext falls back
    return None


def resolve_lang(explicit: str | None, config: str | None, environ: Mapping[str, str]) -> Lang:
    """The language asked for: ``explicit`` (``--lang``), then ``$CYBERREVIEW_LANG``, then
    ``config`` (``lang:`` in ``cyberreview.yaml``), then the locale, then English.

    An unknown value given explicitly (flag, variable, config) is an error; a locale the
    tool does not speak falls back to English, as gettext does.
    """
    if explicit:
        return check_lang(explicit, "--lang")
    configured = environ.get(LANG_ENV)
    if configured:
        return check_lang(configured, LANG_ENV)
    if config:
        return check_lang(config, "lang")
    return _from_locale(environ) or DEFAULT_LANG


def parse_accept_language(header: str | None) -> Lang | None:
    """The best language of an HTTP ``Accept-Language`` header the tool speaks (by
    quality, then order), or ``None``. ``zh-CN+en`` is never chosen from a header."""
    if not header:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = normalize_lang(tag) if tag.strip() not in ("", "*") else None
        if lang is not None and quality > 0:
            ranked.append((-quality, position, lang))
    if not ranked:
        return None
    return min(ranked)[2]
