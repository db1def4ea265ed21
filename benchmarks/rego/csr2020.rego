# Decision table v2 of policies/cn-csr-2020 (docs: domain.md, "Decision
# semantics of the shipped packs"), written by hand in Rego for the benchmark,
# as of a date before 2021-09-01 (the CII Regulations are not yet cited).
#
# Input: one canonical record (record-v1).  Query: data.csr2020.result, an
# object {"decision", "findings", "actions"} with the same rule ids, outcomes,
# messages and exposure as `cyberreview sweep` (findings and actions come out
# as sets; the runner orders them).
#
# Unknown is not false: a missing or null fact is `null` here (see `get`), and
# the rules test `== true`, `== false` or `== null` explicitly.
package csr2020

import rego.v1

covered_categories := {
	"core_network_equipment",
	"hpc_server",
	"mass_storage",
	"large_database",
	"application_software",
	"network_security_equipment",
	"cloud_service",
	"other_important",
}

commitment_keys := [
	"cooperate_with_review",
	"no_illegal_data_acquisition",
	"no_illegal_control",
	"no_unjustified_supply_interruption",
]

required_materials := ["declaration", "impact_analysis", "procurement_documents"]

office_open_statuses := {"declared", "under_review", "special_review", "supplementing"}

# how factors-contradict names a flagged factor (Art. 9 numbering), in the message's order
factor_names := [
	["remote_access", " risk of illegal control (1);"],
	["important_data", " important data at risk (1);"],
	["supply_disruption_risk", " high risk of supply disruption (2);"],
	["single_source", " a single source (3);"],
	["transparency_concerns", " transparency concerns (3);"],
	["political_trade_exposure", " political, diplomatic or trade exposure (3);"],
	["compliance_issues", " the provider's compliance with PRC law (4);"],
]

factor_keys := [
	"remote_access",
	"important_data",
	"single_source",
	"transparency_concerns",
	"political_trade_exposure",
]

# -- facts ---------------------------------------------------------------------

get(path) := object.get(input, path, null)

ciio := get(["operator", "ciio"])

cii := get(["deployment", "cii"])

category := get(["product", "category"])

may_affect := get(["risk", "may_affect_national_security"])

status := object.get(input, ["review", "status"], "none")

kind := object.get(input, "kind", "purchase")

agreement := get(["contract", "security_agreement"])

materials := object.get(input, "materials", [])

# -- definitions ---------------------------------------------------------------

covered_category if category in covered_categories

covered if {
	ciio == true
	covered_category
	not cii == false
}

network_product if {
	kind in {"purchase", "asset"}
	category != null
	category != "other"
}

office_open if status in office_open_statuses

needs_review if {
	ciio == true
	network_product
	may_affect == true
}

needs_review if {
	ciio == true
	network_product
	office_open
}

cleared if status in {"passed", "not_required"}

failed if status == "failed"

commitments_incomplete if {
	some key in commitment_keys
	not get(["contract", "commitments", key]) == true
}

materials_incomplete if {
	some material in required_materials
	not material in materials
}

factor_flagged if {
	some key in factor_keys
	get(["risk", "factors", key]) == true
}

factor_flagged if get(["risk", "factors", "supply_disruption_risk"]) == "high"

factor_flagged if get(["vendor", "compliance_issues"]) == true

factor_value(key) := get(["vendor", "compliance_issues"]) if key == "compliance_issues"

else := get(["risk", "factors", key])

flag_shown(key) if factor_value(key) == true

flag_shown(key) if {
	key == "supply_disruption_risk"
	factor_value(key) == "high"
}

flagged_names := concat("", [pair[1] | some pair in factor_names; flag_shown(pair[0])])

# -- how values read in messages (the tool's `show`) ------------------------------

show(x) := "unknown" if x == null

show(x) := "yes" if x == true

show(x) := "no" if x == false

show(x) := x if is_string(x)

show(x) := money(x) if is_number(x)

show_list(xs) := "none" if count(xs) == 0

show_list(xs) := concat(", ", xs) if count(xs) > 0

# Thousands separators, and at most two decimals without trailing zeros.
money(n) := group_digits(format_int(n, 10)) if n == floor(n)

money(n) := concat(".", [group_digits(parts[0]), fraction]) if {
	n != floor(n)
	parts := split(sprintf("%.2f", [n]), ".")
	fraction := trim_right(parts[1], "0")
	fraction != ""
}

money(n) := group_digits(parts[0]) if {
	n != floor(n)
	parts := split(sprintf("%.2f", [n]), ".")
	trim_right(parts[1], "0") == ""
}

group_digits(digits) := digits if count(digits) <= 3

group_digits(digits) := concat(",", array.concat([substring(digits, 0, head)], rest)) if {
	size := count(digits)
	size > 3
	head := size - (3 * floor((size - 1) / 3))
	last := floor((size - head) / 3) - 1
	rest := [substring(digits, head + (3 * i), 3) | some i in numbers.range(0, last)]
}

text(path) := show(get(path))

# -- findings --------------------------------------------------------------------

findings contains {
	"rule": "scope",
	"outcome": "advisory",
	"message": concat("", [
		text(["product", "name"]),
		" (",
		text(["product", "category"]),
		") bought by CIIO ",
		text(["operator", "name"]),
		" for ",
		text(["deployment", "system"]),
		" is a network product under the Measures (system is CII: ",
		show(cii),
		")",
	]),
	"citations": ["Measures 2020 Art. 2", "Measures 2020 Art. 20"],
	"exposure": null,
} if covered

findings contains {
	"rule": "scope-unknown",
	"outcome": "warn",
	"message": concat("", [
		text(["product", "name"]),
		" (",
		text(["product", "category"]),
		") is a covered category, but the facts that decide coverage are incomplete: ",
		text(["operator", "name"]),
		" identified as CIIO: ",
		show(ciio),
		"; ",
		text(["deployment", "system"]),
		" is CII: ",
		show(cii),
	]),
	"citations": ["Measures 2020 Art. 2", "Measures 2020 Art. 20"],
	"exposure": null,
} if {
	covered_category
	not ciio == false
	some unknown in [ciio, cii]
	unknown == null
}

findings contains {
	"rule": "risk-anticipation",
	"outcome": "block",
	"message": concat("", [
		text(["operator", "name"]),
		" has not recorded whether putting ",
		text(["product", "name"]),
		" (",
		text(["product", "category"]),
		") into use affects or may affect national security",
	]),
	"citations": ["Measures 2020 Art. 5"],
	"exposure": null,
} if {
	covered
	may_affect == null
}

findings contains {
	"rule": "review-required",
	"outcome": "block",
	"message": concat("", [
		text(["product", "name"]),
		" (",
		text(["product", "category"]),
		") needs a cybersecurity review (the operator concluded it may affect national security: ",
		show(may_affect),
		"; review status: ",
		status,
		"): it may not be put into use until the review has passed or the Office has found no review necessary",
	]),
	"citations": ["Measures 2020 Art. 2", "Measures 2020 Art. 5", "CSL Art. 35"],
	"exposure": null,
} if {
	needs_review
	not cleared
	not failed
}

findings contains {
	"rule": "review-failed",
	"outcome": "block",
	"message": concat("", [
		"The cybersecurity review of ",
		text(["product", "name"]),
		" for ",
		text(["operator", "name"]),
		" failed (decision date: ",
		object.get(input, ["review", "decided_on"], "not recorded"),
		"): it may not be used",
	]),
	"citations": ["CSL Art. 35", "CSL Art. 65"],
	"exposure": null,
} if {
	failed
	kind in {"purchase", "asset"}
}

findings contains {
	"rule": "in-use-without-review",
	"outcome": "block",
	"message": concat("", [
		text(["product", "name"]),
		" is in use in ",
		text(["deployment", "system"]),
		" although its review status is ",
		status,
		": penalty exposure under the Cybersecurity Law is 1 to 10 times the purchase amount of ",
		currency,
		" ",
		show(amount),
	]),
	"citations": ["Measures 2020 Art. 19", "CSL Art. 65"],
	"exposure": exposure,
} if {
	get(["deployment", "in_use"]) == true
	needs_review
	not cleared
}

amount := get(["contract", "amount"])

currency := object.get(input, ["contract", "currency"], "CNY")

exposure := {
	"currency": currency,
	"low": amount,
	"high": amount * 10,
	"factor_low": 1,
	"factor_high": 10,
	"basis": "contract.amount",
	"individual_low": 10000,
	"individual_high": 100000,
} if is_number(amount)

else := {
	"currency": currency,
	"low": null,
	"high": null,
	"factor_low": 1,
	"factor_high": 10,
	"basis": "contract.amount",
	"individual_low": 10000,
	"individual_high": 100000,
}

findings contains {
	"rule": "commitments",
	"outcome": "warn",
	"message": concat("", [
		"Contract ", text(["contract", "number"]),
		" with ", text(["vendor", "name"]),
		" does not carry every Art. 6 commitment (cooperate with review: ",
		text(["contract", "commitments", "cooperate_with_review"]),
		"; no illegal data acquisition: ",
		text(["contract", "commitments", "no_illegal_data_acquisition"]),
		"; no illegal control: ",
		text(["contract", "commitments", "no_illegal_control"]),
		"; no unjustified supply interruption: ",
		text(["contract", "commitments", "no_unjustified_supply_interruption"]),
		")",
	]),
	"citations": ["Measures 2020 Art. 6", "Measures 2020 Art. 18"],
	"exposure": null,
} if {
	needs_review
	commitments_incomplete
}

findings contains {
	"rule": "materials",
	"outcome": "warn",
	"message": concat("", [
		"The declaration for ",
		text(["product", "name"]),
		" needs the declaration form, the national-security impact analysis and the procurement documents; on file: ",
		show_list(materials),
	]),
	"citations": ["Measures 2020 Art. 7"],
	"exposure": null,
} if {
	needs_review
	status == "none"
	materials_incomplete
}

findings contains {
	"rule": "factors-contradict",
	"outcome": "warn",
	"message": concat("", [
		text(["operator", "name"]),
		" concluded that ",
		text(["product", "name"]),
		" does not affect national security, yet Art. 9 factors are flagged:",
		flagged_names,
	]),
	"citations": ["Measures 2020 Art. 5", "Measures 2020 Art. 9"],
	"exposure": null,
} if {
	covered
	may_affect == false
	not office_open
	factor_flagged
}

findings contains {
	"rule": "security-agreement",
	"outcome": "warn",
	"message": concat("", [
		"Contract ", text(["contract", "number"]),
		" with ", text(["vendor", "name"]),
		" for ", text(["product", "name"]),
		" has no security and confidentiality agreement, which a CIIO buying a network product must sign with the provider",
	]),
	"citations": ["CSL Art. 36"],
	"exposure": null,
} if {
	ciio == true
	network_product
	agreement == false
}

findings contains {
	"rule": "security-agreement-unknown",
	"outcome": "advisory",
	"message": concat("", [
		"The record of contract ", text(["contract", "number"]),
		" with ", text(["vendor", "name"]),
		" does not say whether a security and confidentiality agreement with the provider is signed",
	]),
	"citations": ["CSL Art. 36"],
	"exposure": null,
} if {
	ciio == true
	network_product
	agreement == null
}

findings contains {
	"rule": "review-overdue",
	"outcome": "warn",
	"message": concat("", [
		"The ",
		text(["review", "period"]),
		" period of review case ",
		text(["review", "case_id"]),
		" for ",
		text(["product", "name"]),
		" ended on ",
		text(["review", "deadline"]),
		" (working days) without a decision on record",
	]),
	"citations": [
		"Measures 2020 Art. 8",
		"Measures 2020 Art. 10",
		"Measures 2020 Art. 11",
		"Measures 2020 Art. 13",
	],
	"exposure": null,
} if {
	get(["review", "overdue"]) == true
}

# -- actions and the decision --------------------------------------------------

actions contains {"type": "open_case", "kind": "assessment", "rule": "risk-anticipation"} if {
	some f in findings
	f.rule == "risk-anticipation"
}

actions contains {"type": "open_case", "kind": "review", "rule": "review-required"} if {
	some f in findings
	f.rule == "review-required"
	status == "none"
}

actions contains {"type": "open_case", "kind": "remediation", "rule": "in-use-without-review"} if {
	some f in findings
	f.rule == "in-use-without-review"
}

outcomes := {f.outcome | some f in findings}

decision := "block" if "block" in outcomes
else := "warn" if "warn" in outcomes
else := "allow"

result := {"decision": decision, "findings": findings, "actions": actions}
