"""Choosing the language: flag, variable, config, locale, default; Accept-Language."""

from __future__ import annotations

import pytest

from cyberreview_policy.errors import ConfigError
from cyberreview_policy.i18n import (
    LANG_ENV,
    _,
    current_lang,
    gettext_in,
    normalize_lang,
    parse_accept_language,
    resolve_lang,
    use_lang,
)


def test_the_flag_wins_over_everything() -> None:
    environ = {LANG_ENV: "en", "LANG": "en_US.UTF-8"}
    assert resolve_lang("zh-CN", "en", environ) == "zh-CN"


def test_the_variable_wins_over_config_and_locale() -> None:
    assert resolve_lang(None, "en", {LANG_ENV: "zh-CN+en", "LANG": "en_US"}) == "zh-CN+en"


def test_the_config_wins_over_the_locale() -> None:
    assert resolve_lang(None, "zh-CN", {"LANG": "en_US.UTF-8"}) == "zh-CN"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.GB18030", "LANG": "C"}, "zh-CN"),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "fr_FR.UTF-8"}, "zh-CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "zh_TW.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_locale_is_read_as_gettext_reads_it(environ: dict[str, str], expected: str) -> None:
    assert resolve_lang(None, None, environ) == expected


@pytest.mark.parametrize("value", ["zh_CN", "zh-cn", "zh-Hans", "ZH-CN", "zh"])
def test_chinese_spellings(value: str) -> None:
    assert normalize_lang(value) == "zh-CN"


def test_an_unknown_language_asked_for_is_an_error_naming_where() -> None:
    with pytest.raises(ConfigError, match="--lang: unknown language 'fr'"):
        resolve_lang("fr", None, {})
    with pytest.raises(ConfigError, match=LANG_ENV):
        resolve_lang(None, None, {LANG_ENV: "klingon"})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.5, en;q=0.4", "zh-CN"),
        ("en;q=0.2, zh-Hans;q=0.7", "zh-CN"),
        ("fr, de", None),
        ("zh-CN;q=0", None),
        ("*", None),
        ("", None),
        (None, None),
        ("zh-CN;q=abc, en", "en"),
    ],
)
def test_accept_language(header: str | None, expected: str | None) -> None:
    assert parse_accept_language(header) == expected


def test_english_is_the_default_and_costs_no_catalog() -> None:
    assert current_lang() == "en"
    assert _("any text") == "any text"


def test_use_lang_is_scoped() -> None:
    with use_lang("zh-CN"):
        assert current_lang() == "zh-CN"
    assert current_lang() == "en"


def test_an_unknown_message_stays_as_it_is_in_chinese() -> None:
    assert gettext_in("no such message in any catalog", "zh-CN") == (
        "no such message in any catalog"
    )
