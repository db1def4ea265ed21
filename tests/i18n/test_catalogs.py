"""The gettext catalogs: every message of the source in the catalog and translated,
placeholders identical, the shipped .mo compiled from the .po, and read at runtime."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cyberreview_policy.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_translated_placeholders_equal_mo_current() -> None:
    assert _script().problems() == []


def test_the_script_finds_a_missing_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _script()
    po = tmp_path / "zh_CN" / "LC_MESSAGES" / "cyberreview.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "decision {verdict}"\nmsgstr "判定 {判定}"\n\n'
        'msgid "untranslated"\nmsgstr ""\n',
        "utf-8",
    )
    monkeypatch.setattr(script, "LOCALE", tmp_path)
    found = "\n".join(script.problems())
    assert "placeholders differ: 'decision {verdict}'" in found
    assert "not translated: 'untranslated'" in found
    assert "not compiled from the .po" in found


def test_the_runtime_reads_the_shipped_catalog() -> None:
    assert catalog.LOCALE_DIR.is_relative_to(Path(catalog.__file__).parents[1])
    mo = catalog.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "cyberreview.mo"
    assert mo.is_file()
    import gettext

    assert isinstance(catalog.translation("zh-CN"), gettext.GNUTranslations)
    assert isinstance(catalog.translation("en"), gettext.NullTranslations)
