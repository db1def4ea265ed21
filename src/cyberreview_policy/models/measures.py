"""Which Measures for Cybersecurity Review govern a date, and the articles the tool
itself cites outside the packs: the materials checklist, the clock-stopping
supplementary material and confidentiality.

The 2021 revision (in force 2022-02-15) inserted the listing article (Art. 7),
so from Art. 7 on the 2020 articles moved up by one.  A case runs under the
Measures in force when it was declared (before that, when it is looked at); a
statutory period runs under those in force when it started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The 2021 revision takes effect (and the 2020 Measures are repealed).
REVISION_2021 = dt.date(2022, 2, 15)


@dataclass(frozen=True)
class Measures:
    name: str  # as citations spell it: "Measures 2020"
    materials: int  # the materials to submit
    supplementing: int  # the time to supply more material does not count
    confidentiality: int  # reviewers keep submitted material confidential

    def cite(self, article: int) -> str:
        return f"{self.name} Art. {article}"


MEASURES_2020 = Measures("Measures 2020", materials=7, supplementing=14, confidentiality=16)
MEASURES_2021 = Measures("Measures 2021", materials=8, supplementing=15, confidentiality=17)


def measures_on(day: dt.date) -> Measures:
    """The Measures in force on ``day`` (the 2020 ones before 2022-02-15)."""
    return MEASURES_2021 if day >= REVISION_2021 else MEASURES_2020


__all__ = ["MEASURES_2020", "MEASURES_2021", "REVISION_2021", "Measures", "measures_on"]
