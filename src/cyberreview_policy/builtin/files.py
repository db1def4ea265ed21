"""Built-in plugin: the ``file`` source (JSON, JSON Lines, CSV)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..plugin import hookimpl
from ..plugin.types import SourceType
from ..sources.base import Source


def open_file(target: str, **options: Any) -> Source:
    from ..sources.files import FileSource

    return FileSource(target, options.get("fmt"), options.get("stream"))


@hookimpl
def cyberreview_register_sources(register: Callable[[SourceType], None]) -> None:
    register(
        SourceType(
            "file",
            open=open_file,
            description="records from a JSON, JSON Lines or CSV file, or - for standard input",
        )
    )
