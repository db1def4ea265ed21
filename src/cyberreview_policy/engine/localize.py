"""A decision's findings in another language: additive ``*_localized`` fields.

Rule ids, JSON keys and the English texts never change; when a language other
than English is asked, each finding gains ``title_localized``,
``message_localized``, ``remediation_localized`` and ``citations_localized``
(the pack's own words, compiled on first use, values read as words; citations
as 《…》第…条) and the decision gains ``lang``.  English costs nothing: the engine
calls this only for another language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..i18n.catalog import N_, gettext_in
from ..i18n.lang import Lang, primary

if TYPE_CHECKING:
    from ..models.decision import Decision, Finding
    from ..policy.law import Law
    from ..policy.pack import CompiledRule


def localize(
    decision: Decision,
    record: Any,
    rules: Mapping[tuple[str, str], CompiledRule],
    law: Law | None,
    lang: Lang,
) -> Decision:
    """Add the texts of ``lang`` to ``decision`` (in place) and return it."""
    if lang == "en":
        return decision
    language = primary(lang)
    for finding in decision["findings"]:
        rule = rules.get((finding["pack"], finding["rule"]))
        local = rule.text_in(language) if rule is not None else None
        if local is not None:
            finding["title_localized"] = local.title
            finding["message_localized"] = local.message(record)
            remediation = local.remediation_on(decision["as_of"])
            finding["remediation_localized"] = remediation
        else:  # the engine's own findings (an expired waiver): the catalog
            _own(finding, language)
        finding["citations_localized"] = [
            law.cite_in(citation, language) if law is not None else citation
            for citation in finding["citations"]
        ]
    decision["lang"] = lang
    return decision


def _own(finding: Finding, lang: Lang) -> None:
    facts = finding["facts"]
    finding["title_localized"] = gettext_in(finding["title"], lang)
    if finding["rule"] == "waiver-expired":
        import datetime as dt

        from ..i18n.words import date

        expires = facts.get("expires")
        shown = date(dt.date.fromisoformat(expires), lang) if expires else expires
        finding["message_localized"] = gettext_in(_EXPIRED, lang).format(
            waiver=facts.get("waiver"), expires=shown
        )
    else:
        finding["message_localized"] = finding["message"]
    remediation = finding["remediation"]
    finding["remediation_localized"] = (
        None if remediation is None else gettext_in(remediation, lang)
    )


def rule_index(rules: Any) -> dict[tuple[str, str], CompiledRule]:
    """``{(pack, rule id): rule}`` of an engine's plan."""
    return {(rule.pack, rule.id): rule for _pack, pack_rules in rules for rule in pack_rules}


# the engine's own texts (core.expired_waiver_finding), marked for the catalog
_OWN = (
    N_("A waiver has expired"),
    N_("Renew the waiver with a fresh approval, or resolve the finding."),
)
_EXPIRED = N_("waiver {waiver} expired on {expires}: the finding applies again")

__all__ = ["localize", "rule_index"]
