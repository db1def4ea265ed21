"""The materials a declaration needs, and which of them a case has on file."""

from __future__ import annotations

from .base import Case

#: The materials a declaration needs (2020 Art. 7, 2021 Art. 8): a listing files its
#: listing application documents instead of procurement documents, a data processing
#: activity the declaration and the analysis.
REQUIRED = ("declaration", "impact_analysis", "procurement_documents")
_REQUIRED_BY_KIND = {
    "listing": ("declaration", "impact_analysis", "listing_documents"),
    "data_processing": ("declaration", "impact_analysis"),
}


def required_materials(case: Case) -> tuple[str, ...]:
    """What a declaration of this case's record needs (by the record's kind)."""
    return _REQUIRED_BY_KIND.get(str(case.summary.get("kind")), REQUIRED)


def checklist(case: Case) -> dict[str, str | None]:
    """Each required material: ``attached`` to the case, listed by the ``source``, or None."""
    attached = case.material_kinds()
    listed = set(case.summary.get("materials") or ())
    return {
        kind: "attached" if kind in attached else "source" if kind in listed else None
        for kind in required_materials(case)
    }


__all__ = ["REQUIRED", "checklist", "required_materials"]
