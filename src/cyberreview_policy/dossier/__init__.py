"""The declaration dossier for the Cybersecurity Review Office (2020 Art. 7, 2021
Art. 8): ``cyberreview cases dossier`` and ``GET /v1/cases/{id}/dossier``.

One ZIP per case: a draft declaration form (申报书) and a draft analysis report on
the impact on national security, both ``.docx`` and pre-filled from the record and
the case (what the tool cannot know is a marked blank, 【待填写】); the latest
version of each attached material and every letter of the Office; the case's
timeline and audit extract; an index (目录) and a manifest with the SHA-256 of
every file.  Chinese by default.  The ``.docx`` files need python-docx (the
``dossier`` extra).
"""

from .build import ZIP_TYPE, Dossier, build_dossier
from .document import EXTRA_HINT
from .labels import DEFAULT_LANG, LANGS

__all__ = ["DEFAULT_LANG", "EXTRA_HINT", "LANGS", "ZIP_TYPE", "Dossier", "build_dossier"]
