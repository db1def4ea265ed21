"""The pydantic model of ``law.yaml``: pack families and renumbered texts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .schema import ID_PATTERN


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FamilyModel(_Strict):
    title: str = Field(min_length=1)
    starts: dt.date = Field(description="The first day the regime applies.")
    ends: dt.date | None = Field(None, description="The last day, if it was repealed.")


class RenumberingModel(_Strict):
    since: dt.date = Field(description="The day the new numbers take effect.")
    articles: dict[int, int] = Field(min_length=1, description="old number: new number")
    note: str | None = None


class TextModel(_Strict):
    title: str = Field(min_length=1)
    title_zh: str | None = Field(
        None, description="The official Chinese title as cited: 《中华人民共和国网络安全法》."
    )
    renumbered: list[RenumberingModel] = Field(default_factory=list)


class LawFile(_Strict):
    model_config = ConfigDict(extra="forbid", title="cyberreview-policy law file")
    families: dict[Annotated[str, Field(pattern=ID_PATTERN)], FamilyModel] = Field(
        default_factory=dict
    )
    texts: dict[str, TextModel] = Field(
        default_factory=dict, description="By the name citations use: 'CSL'."
    )
