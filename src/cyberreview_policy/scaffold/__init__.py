"""``cyberreview plugin new``: a ready distribution for a new plugin.

A kind's files are templates under ``templates/KIND/`` (``.tmpl``, so that no
tool takes them for code); :func:`render` fills in the names.  What the
``source`` kind writes for ``buyly`` is ``examples/connector-tutorial``, which
the test suite keeps equal, lints, type-checks and runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import UsageError

KINDS = ("source", "tracker", "change-system")
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_FIELD = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Names:
    """Every spelling of a plugin's name the templates use."""

    name: str  # acme-erp: the type users write in cyberreview.yaml, the entry point

    @property
    def module(self) -> str:  # acme_erp
        return self.name.replace("-", "_")

    @property
    def package(self) -> str:  # cyberreview_acme_erp
        return f"cyberreview_{self.module}"

    @property
    def dist(self) -> str:  # cyberreview-acme-erp
        return f"cyberreview-{self.name}"

    @property
    def Class(self) -> str:  # AcmeErp: spelt as the templates use it
        return "".join(part.capitalize() for part in self.name.split("-"))

    @property
    def title(self) -> str:  # Acme Erp
        return " ".join(part.capitalize() for part in self.name.split("-"))

    @property
    def ENV(self) -> str:  # ACME_ERP
        return self.module.upper()

    @property
    def core_version(self) -> str:  # the release this was generated with: 0.6
        from .. import __version__

        return ".".join(__version__.split(".")[:2])


def check_name(name: str) -> Names:
    if not NAME.fullmatch(name):
        raise UsageError(
            f"plugin name {name!r}: use lowercase letters and digits, words joined by "
            "hyphens, starting with a letter (acme-erp)"
        )
    return Names(name)


def _fill(text: str, names: Names, where: str) -> str:
    def value(found: re.Match[str]) -> str:
        key = found.group(1)
        if not hasattr(names, key):
            raise ValueError(f"template {where}: unknown field {{{{{key}}}}}")
        return str(getattr(names, key))

    return _FIELD.sub(value, text)


def render(kind: str, name: str) -> dict[str, str]:
    """The files of a new ``kind`` plugin called ``name``: relative path -> text."""
    if kind not in KINDS:
        raise UsageError(f"plugin kind {kind!r}: choose one of {', '.join(KINDS)}")
    names = check_name(name)
    root = resources.files(__package__).joinpath("templates", kind)
    files: dict[str, str] = {}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append((entry, f"{prefix}{entry.name}/"))
            elif entry.name.endswith(".tmpl"):
                template = f"{prefix}{entry.name}"
                path = _fill(template.removesuffix(".tmpl"), names, template)
                files[path] = _fill(entry.read_text("utf-8"), names, template)
    return dict(sorted(files.items()))


def write(kind: str, name: str, output: Path) -> list[Path]:
    """Write the files of :func:`render` under ``output``, which must not exist or be
    empty: nothing is ever overwritten."""
    files = render(kind, name)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise UsageError(f"{output} exists and is not empty: plugin new never overwrites")
    written = []
    for relative, text in files.items():
        path = output / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
