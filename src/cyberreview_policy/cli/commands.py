"""The subcommands of ``cyberreview`` and their one-line help: the table
``cyberreview --help`` prints without importing a single subcommand (each is
imported only when it runs)."""

COMMANDS: dict[str, str] = {
    "gate": "decide one record: allow, warn or block (exit 0, 1 with --fail-on-warn, 2, 3)",
    "sweep": "decide every record of files or configured sources, and summarise",
    "changes": (
        "decide a change request's affected CIs and approve, reject or note it where it lives"
    ),
    "sources": "list configured sources and source types; check that a source can be reached",
    "policy": "list, validate, test, explain and diff policy packs",
    "cases": "review cases: list, show, move through the procedure, attach material, sync",
    "waivers": "request, approve, reject, list, revoke, import and export waivers",
    "audit": "verify and export the tamper-evident audit trail",
    "init": "write a commented starter configuration (cyberreview.yaml)",
    "schema": (
        "print the JSON Schema of a record, decision, rule file, manifest, pack test or config"
    ),
    "plugins": "list plugins and what each registers (sources, packs, stores, change systems, ...)",
    "plugin": "start a plugin: write a ready distribution with its tests (plugin new)",
    "serve": "run the HTTP decision service (POST /v1/decisions, cases, metrics)",
    "tokens": "create, list and revoke the service's bearer tokens",
}
