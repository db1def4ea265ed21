"""The cn-csr-2020 decision table (v2) hand-written in plain Python: the benchmark's yardstick.

    python benchmarks/baseline.py RECORDS.jsonl --output DECISIONS.jsonl

What a competent engineer would write without a policy engine: :mod:`json`
and if-statements over the table of domain.md ("Decision semantics of the
shipped packs"), one pass over the file, one decision per line::

    {"record_id", "decision", "findings": [{"rule", "outcome", "message",
     "citations", "exposure"}], "actions": [{"type", "kind", "rule"}]}

then a ``{"summary": ...}`` line with the counts.  Messages are the pack's
message templates, built with f-strings (unknown facts read ``unknown``,
amounts with thousands separators), and in-use-without-review carries the
penalty exposure range 1-10 x ``contract.amount``; findings are ordered as
``cyberreview`` orders them (most severe first).  It does not validate records
against the schema, keep facts, titles or remediation texts: that is work the
tool does and the yardstick does not.  It decides as of a date between
2020-06-01 and 2021-08-31 (the benchmark's 2021-06-01): before the CII
Regulations, whose articles the pack cites from 2021-09-01.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

Record = dict[str, Any]
Finding = dict[str, Any]

COVERED_CATEGORIES = frozenset(
    {
        "core_network_equipment",
        "hpc_server",
        "mass_storage",
        "large_database",
        "application_software",
        "network_security_equipment",
        "cloud_service",
        "other_important",
    }
)
CLEARED = frozenset({"passed", "not_required"})
OFFICE_OPEN = frozenset({"declared", "under_review", "special_review", "supplementing"})
PURCHASE_OR_ASSET = frozenset({"purchase", "asset"})
COMMITMENTS = (
    "cooperate_with_review",
    "no_illegal_data_acquisition",
    "no_illegal_control",
    "no_unjustified_supply_interruption",
)
REQUIRED_MATERIALS = ("declaration", "impact_analysis", "procurement_documents")
# how factors-contradict names a flagged factor (Art. 9 numbering), in the message's order
FACTOR_NAMES = (
    ("remote_access", " risk of illegal control (1);"),
    ("important_data", " important data at risk (1);"),
    ("supply_disruption_risk", " high risk of supply disruption (2);"),
    ("single_source", " a single source (3);"),
    ("transparency_concerns", " transparency concerns (3);"),
    ("political_trade_exposure", " political, diplomatic or trade exposure (3);"),
    ("compliance_issues", " the provider's compliance with PRC law (4);"),
)

CITE_SCOPE = ["Measures 2020 Art. 2", "Measures 2020 Art. 20"]
CITE_RISK = ["Measures 2020 Art. 5"]
CITE_REVIEW = ["Measures 2020 Art. 2", "Measures 2020 Art. 5", "CSL Art. 35"]
CITE_FAILED = ["CSL Art. 35", "CSL Art. 65"]
CITE_IN_USE = ["Measures 2020 Art. 19", "CSL Art. 65"]
CITE_COMMITMENTS = ["Measures 2020 Art. 6", "Measures 2020 Art. 18"]
CITE_MATERIALS = ["Measures 2020 Art. 7"]
CITE_FACTORS = ["Measures 2020 Art. 5", "Measures 2020 Art. 9"]
CITE_AGREEMENT = ["CSL Art. 36"]
CITE_OVERDUE = [
    "Measures 2020 Art. 8",
    "Measures 2020 Art. 10",
    "Measures 2020 Art. 11",
    "Measures 2020 Art. 13",
]

#: the words the messages show for a field's fixed values (the pack's, in English)
CATEGORY_WORDS: dict[str, str] = {
    "core_network_equipment": "core network equipment",
    "hpc_server": "high-performance computers and servers",
    "mass_storage": "mass storage equipment",
    "large_database": "large databases",
    "application_software": "application software",
    "network_security_equipment": "network security equipment",
    "cloud_service": "cloud computing services",
    "important_communication_product": "important communication products",
    "other_important": (
        "other network products and services important to CII, network and data security"
    ),
    "other": "other network products and services",
}
STATUS_WORDS: dict[str, str] = {
    "none": "not declared",
    "declared": "declared (the Office decides whether to review)",
    "under_review": "under review",
    "special_review": "special review procedure",
    "supplementing": "supplementing materials (periods paused)",
    "not_required": "no review required",
    "passed": "review passed",
    "failed": "review not passed",
}
MATERIAL_WORDS: dict[str, str] = {
    "declaration": "declaration form",
    "impact_analysis": "analysis report on the impact on national security",
    "procurement_documents": "procurement documents, agreements and contracts",
    "listing_documents": "listing application documents",
    "commitment_letter": "provider's commitment letter",
    "office_notice": "notice of the Office",
    "other": "other materials",
}

EMPTY: dict[str, Any] = {}


def show(value: Any) -> str:
    """A fact as a message shows it: ``unknown`` for null, ``yes``/``no``."""
    if type(value) is str:
        return value
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def word(words: dict[str, str], value: Any) -> str:
    """A fixed value as the messages word it (a value the table does not know, as it is)."""
    return words.get(value, value) if type(value) is str else show(value)


def money(amount: Any) -> str:
    """An amount with thousands separators and at most two decimals."""
    if amount is None:
        return "unknown"
    if amount % 1:
        return f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{amount:,.0f}"


def finding(rule: str, outcome: str, message: str, citations: list[str]) -> Finding:
    return {
        "rule": rule,
        "outcome": outcome,
        "message": message,
        "citations": citations,
        "exposure": None,
    }


def flagged_factors(record: Record) -> str:
    """The Art. 9 factors flagged on the record, named as the message names them."""
    factors = {
        **((record.get("risk") or EMPTY).get("factors") or EMPTY),
        "compliance_issues": (record.get("vendor") or EMPTY).get("compliance_issues"),
    }
    return "".join(
        name
        for key, name in FACTOR_NAMES
        if factors.get(key) is True or (key == "supply_disruption_risk" and factors[key] == "high")
    )


def agreement_findings(record: Record, warns: list[Finding], advisories: list[Finding]) -> None:
    """security-agreement (warn) and security-agreement-unknown (advisory): CSL Art. 36."""
    contract = record.get("contract") or EMPTY
    agreement = contract.get("security_agreement")
    vendor_name = show((record.get("vendor") or EMPTY).get("name"))
    product_name = show((record.get("product") or EMPTY).get("name"))
    if agreement is False:
        warns.append(
            finding(
                "security-agreement",
                "warn",
                f"Contract {show(contract.get('number'))} with {vendor_name} for "
                f"{product_name} has no security and confidentiality agreement, which a CIIO "
                "buying a network product must sign with the provider",
                CITE_AGREEMENT,
            )
        )
    elif agreement is None:
        advisories.append(
            finding(
                "security-agreement-unknown",
                "advisory",
                f"The record of contract {show(contract.get('number'))} with {vendor_name} "
                "does not say whether a security and confidentiality agreement with the "
                "provider is signed",
                CITE_AGREEMENT,
            )
        )


def decide(record: Record) -> dict[str, Any]:
    """The decision on one record (parsed JSON of the canonical record)."""
    operator = record.get("operator") or EMPTY
    product = record.get("product") or EMPTY
    deployment = record.get("deployment") or EMPTY
    contract = record.get("contract") or EMPTY
    risk = record.get("risk") or EMPTY
    review = record.get("review") or EMPTY
    materials = record.get("materials") or []

    ciio = operator.get("ciio")
    cii = deployment.get("cii")
    category = product.get("category")
    may_affect = risk.get("may_affect_national_security")
    status = review.get("status") or "none"

    covered_category = category in COVERED_CATEGORIES
    covered = ciio is True and covered_category and cii is not False
    network_product = record.get("kind", "purchase") in PURCHASE_OR_ASSET and (
        category is not None and category != "other"
    )
    office_open = status in OFFICE_OPEN
    needs_review = ciio is True and network_product and (may_affect is True or office_open)
    cleared = status in CLEARED
    failed = status == "failed"

    blocks: list[Finding] = []
    warns: list[Finding] = []
    actions: list[dict[str, Any]] = []
    product_name = show(product.get("name"))
    operator_name = show(operator.get("name"))
    system = show(deployment.get("system"))
    category_shown = word(CATEGORY_WORDS, category)
    status_shown = STATUS_WORDS.get(status, status)

    if covered and may_affect is None:
        blocks.append(
            finding(
                "risk-anticipation",
                "block",
                f"{operator_name} has not recorded whether putting {product_name} "
                f"({category_shown}) into use affects or may affect national security",
                CITE_RISK,
            )
        )
        actions.append({"type": "open_case", "kind": "assessment", "rule": "risk-anticipation"})
    if needs_review and not cleared and not failed:
        blocks.append(
            finding(
                "review-required",
                "block",
                f"{product_name} ({category_shown}) needs a cybersecurity review (the operator "
                f"concluded it may affect national security: {show(may_affect)}; review "
                f"status: {status_shown}): it may not be put into use until the review has passed "
                "or the Office has found no review necessary",
                CITE_REVIEW,
            )
        )
        if status == "none":
            actions.append({"type": "open_case", "kind": "review", "rule": "review-required"})
    if failed and record.get("kind", "purchase") in PURCHASE_OR_ASSET:
        decided = review.get("decided_on") or "not recorded"
        blocks.append(
            finding(
                "review-failed",
                "block",
                f"The cybersecurity review of {product_name} for {operator_name} failed "
                f"(decision date: {decided}): it may not be used",
                CITE_FAILED,
            )
        )
    if needs_review and not cleared and deployment.get("in_use") is True:
        amount = contract.get("amount")
        currency = contract.get("currency") or "CNY"
        low = high = None
        if isinstance(amount, int | float):
            low, high = amount, amount * 10
        blocks.append(
            {
                "rule": "in-use-without-review",
                "outcome": "block",
                "message": f"{product_name} is in use in {system} although its review status "
                f"is {status_shown}: penalty exposure under the Cybersecurity Law is 1 to 10 "
                f"times the purchase amount of {currency} {money(amount)}",
                "citations": CITE_IN_USE,
                "exposure": {
                    "currency": currency,
                    "low": low,
                    "high": high,
                    "factor_low": 1,
                    "factor_high": 10,
                    "basis": "contract.amount",
                    "individual_low": 10000,
                    "individual_high": 100000,
                },
            }
        )
        actions.append(
            {"type": "open_case", "kind": "remediation", "rule": "in-use-without-review"}
        )

    if covered_category and ciio is not False and (ciio is None or cii is None):
        warns.append(
            finding(
                "scope-unknown",
                "warn",
                f"{product_name} ({category_shown}) is a covered category, but the facts that "
                f"decide coverage are incomplete: {operator_name} identified as CIIO: "
                f"{show(ciio)}; {system} is CII: {show(cii)}",
                CITE_SCOPE,
            )
        )
    if needs_review:
        commitments = contract.get("commitments") or EMPTY
        values = [commitments.get(name) for name in COMMITMENTS]
        if not all(value is True for value in values):
            warns.append(
                finding(
                    "commitments",
                    "warn",
                    f"Contract {show(contract.get('number'))} with "
                    f"{show((record.get('vendor') or EMPTY).get('name'))} does not carry every "
                    f"Art. 6 commitment (cooperate with review: {show(values[0])}; "
                    f"no illegal data acquisition: {show(values[1])}; "
                    f"no illegal control: {show(values[2])}; "
                    f"no unjustified supply interruption: {show(values[3])})",
                    CITE_COMMITMENTS,
                )
            )
        if status == "none" and not all(m in materials for m in REQUIRED_MATERIALS):
            warns.append(
                finding(
                    "materials",
                    "warn",
                    f"The declaration for {product_name} needs the declaration form, the "
                    "national-security impact analysis and the procurement documents; "
                    f"on file: {', '.join(word(MATERIAL_WORDS, m) for m in materials) or 'none'}",
                    CITE_MATERIALS,
                )
            )
    flagged = flagged_factors(record) if covered and may_affect is False else ""
    if flagged and not office_open:
        warns.append(
            finding(
                "factors-contradict",
                "warn",
                f"{operator_name} concluded that {product_name} does not affect national "
                f"security, yet Art. 9 factors are flagged:{flagged}",
                CITE_FACTORS,
            )
        )
    if review.get("overdue") is True:
        warns.append(
            finding(
                "review-overdue",
                "warn",
                f"The {show(review.get('period'))} period of review case "
                f"{show(review.get('case_id'))} for {product_name} ended on "
                f"{show(review.get('deadline'))} (working days) without a decision on record",
                CITE_OVERDUE,
            )
        )

    advisories: list[Finding] = []
    if ciio is True and network_product:
        agreement_findings(record, warns, advisories)
    findings = blocks + warns
    if covered:
        findings.append(
            finding(
                "scope",
                "advisory",
                f"{product_name} ({category_shown}) bought by CIIO {operator_name} for {system} "
                f"is a network product under the Measures (system is CII: {show(cii)})",
                CITE_SCOPE,
            )
        )
    findings.extend(advisories)
    return {
        "record_id": record["id"],
        "decision": "block" if blocks else "warn" if warns else "allow",
        "findings": findings,
        "actions": actions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("records", help="records, JSON Lines")
    parser.add_argument("--output", "-o", default="-", help="decisions, JSON Lines (- = stdout)")
    args = parser.parse_args(argv)

    decisions: Counter[str] = Counter()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        write, dumps, loads = out.write, json.dumps, json.loads
        with open(args.records, encoding="utf-8") as source:
            for line in source:
                if not line.strip():
                    continue
                decision = decide(loads(line))
                decisions[decision["decision"]] += 1
                write(dumps(decision))
                write("\n")
        write(dumps({"summary": {"records": decisions.total(), "decisions": dict(decisions)}}))
        write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
