"""The benchmark's targets and its report.  Standard library only.  Used by ``run.py``."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from _bench import AS_OF, CEL_ENGINES, MB, PACK

# The targets (issue 17).
MIN_VS_BASELINE = 1.0  # sweep records/s over the hand-written baseline's
MIN_VS_REGO = 40.0  # sweep records/s over regopy's
MIN_VS_CEL = 1.0  # sweep records/s over the fastest CEL's
MIN_WORKERS = 1.6  # sweep --workers 2 over one process, on 2 CPUs
MAX_RSS_BYTES = 100 * MB  # sweep peak RSS at --rss-records, one process and --workers 2
MAX_GATE_RATIO = 8.0  # gate cold start over `python -c pass`
MIN_SERVE = {"sqlite": 2000.0, "postgresql": 1000.0}  # decisions/s, flat out
MAX_SERVE_P99_MS = 20.0  # p99 at the offered rate, SQLite
MIN_VS_PREVIOUS = 1.0  # sweep records/s over the --previous install's (no slower)

CEL_NAMES = {"cel-expr": "cel-expr-python (C++)", "cel": "cel (Rust)", "celpy": "cel-python"}


@dataclass
class Target:
    name: str
    measured: str
    reference: str
    ratio: str
    target: str
    passed: bool | None  # None: not measured in this run, or information

    @property
    def status(self) -> str:
        return "SKIP" if self.passed is None else "PASS" if self.passed else "FAIL"


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns, a rule under the first (the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _faster(name: str, ours: float, theirs: float, least: float, unit: str = "rec/s") -> Target:
    return Target(
        name,
        f"{ours:,.0f} {unit}",
        f"{theirs:,.0f} {unit}",
        f"{ours / theirs:.2f}x",
        f">= {least:g}x",
        ours / theirs >= least,
    )


def sweep_targets(results: dict[str, Any]) -> list[Target]:
    ours = results["sweep"]["records_per_second"]
    fastest = max(CEL_ENGINES, key=lambda e: results[e]["records_per_second"])
    rows = [
        _faster(
            "sweep vs hand-written baseline",
            ours,
            results["baseline"]["records_per_second"],
            MIN_VS_BASELINE,
        ),
        _faster(
            "sweep vs regopy (extrapolated)",
            ours,
            results["rego"]["records_per_second"],
            MIN_VS_REGO,
        ),
        _faster(
            f"sweep vs the fastest CEL, {CEL_NAMES[fastest]}",
            ours,
            results[fastest]["records_per_second"],
            MIN_VS_CEL,
        ),
    ]
    workers = results.get("workers")
    if workers is not None:
        one, two = workers["one_seconds"], workers["two_seconds"]
        rows.append(
            Target(
                f"sweep --workers 2 vs one process ({results['records']:,} records, same output)",
                f"{two:.2f} s",
                f"{one:.2f} s",
                f"{one / two:.2f}x",
                f">= {MIN_WORKERS:g}x",
                one / two >= MIN_WORKERS and workers["identical"],
            )
        )
    return rows


def rss_targets(big: dict[str, Any] | None) -> list[Target]:
    limit = f"<= {MAX_RSS_BYTES // MB} MB"
    if big is None:
        return [Target("sweep peak RSS", "not run (--rss-records 0)", "-", "-", limit, None)]
    rows = []
    for name, key in (
        ("one process", "max_rss_bytes"),
        ("--workers 2, process tree (PSS)", "workers_tree_pss_bytes"),
    ):
        rss = big[key]
        rows.append(
            Target(
                f"sweep peak RSS at {big['records']:,} records, {name}",
                f"{rss / MB:.1f} MB",
                "-",
                f"{rss / MAX_RSS_BYTES:.2f} of limit",
                limit,
                rss <= MAX_RSS_BYTES,
            )
        )
    return rows


def gate_target(gate: dict[str, Any]) -> Target:
    return Target(
        f"gate cold start (median of {gate['runs']})",
        f"{gate['gate_median'] * 1000:.0f} ms",
        f"python -c pass {gate['python_median'] * 1000:.0f} ms",
        f"{gate['ratio']:.1f}x",
        f"<= {MAX_GATE_RATIO:.0f}x",
        gate["ratio"] <= MAX_GATE_RATIO,
    )


def serve_targets(serve: dict[str, Any] | None) -> list[Target]:
    if serve is None:
        return [Target("serve decisions/s", "not run (--serve-seconds 0)", "-", "-", "-", None)]
    rows = []
    for store, least in MIN_SERVE.items():
        top = serve[store]["max"]["per_second"]
        rows.append(
            Target(
                f"serve on {store}, flat out (50 clients)",
                f"{top:,.0f}/s",
                f"{least:,.0f}/s",
                f"{top / least:.2f}x",
                f">= {least:,.0f}/s",
                top >= least and not serve[store]["max"]["errors"],
            )
        )
    fixed = serve["sqlite"]["fixed"]
    rows.insert(
        1,
        Target(
            f"serve on sqlite, p99 at {fixed['offered']:,.0f}/s offered",
            f"{fixed['p99_ms']:.1f} ms",
            f"{fixed['per_second']:,.0f}/s done",
            f"{fixed['p99_ms'] / MAX_SERVE_P99_MS:.2f} of limit",
            f"<= {MAX_SERVE_P99_MS:g} ms",
            fixed["p99_ms"] <= MAX_SERVE_P99_MS
            and fixed["per_second"] >= 0.98 * fixed["offered"]
            and not fixed["errors"],
        ),
    )
    return rows


def previous_targets(results: dict[str, Any]) -> list[Target]:
    previous = results.get("previous")
    if previous is None:
        return []
    ours = results["sweep"]["records_per_second"]
    rows = [
        _faster(
            "sweep vs the --previous install",
            ours,
            previous["sweep"]["records_per_second"],
            MIN_VS_PREVIOUS,
        )
    ]
    if "gate" not in previous:
        return rows
    gate, theirs = results["gate"], previous["gate"]
    rows.append(
        Target(
            "gate cold start vs the --previous install",
            f"{gate['gate_median'] * 1000:.0f} ms ({gate['ratio']:.1f}x)",
            f"{theirs['gate_median'] * 1000:.0f} ms ({theirs['ratio']:.1f}x)",
            f"{gate['gate_median'] / theirs['gate_median']:.2f}x",
            "(information)",
            None,
        )
    )
    return rows


def targets(results: dict[str, Any]) -> list[Target]:
    """The targets of the parts run (``--only``)."""
    found: list[Target] = []
    if "sweep" in results:
        found += [*sweep_targets(results), *rss_targets(results["rss_run"])]
    if "gate" in results:
        found.append(gate_target(results["gate"]))
    if "serve" in results.get("only", ("serve",)):
        found += serve_targets(results["serve"])
    return [*found, *previous_targets(results)]


def _run_row(name: str, records: int, run: dict[str, Any], seconds: str = "seconds") -> list[str]:
    return [
        name,
        f"{records:,}",
        f"{run[seconds]:.2f}",
        f"{run['records_per_second']:,.0f}",
        f"{run['max_rss_bytes'] / MB:.1f} MB",
    ]


def _sweep_details(results: dict[str, Any]) -> None:
    records = results["records"]
    details = [["run", "records", "seconds", "records/s", "peak RSS"]]
    details.append(_run_row("cyberreview sweep", records, results["sweep"]))
    details.append(_run_row("baseline.py (json + if)", records, results["baseline"]))
    for name, label in (("rego", "regopy"), *CEL_NAMES.items()):
        run = results[name]
        details.append(_run_row(f"{label}, eval loop only", run["records"], run, "eval_seconds"))
    if results["rss_run"]:
        details.append(
            _run_row(
                "cyberreview sweep (RSS run)", results["rss_run"]["records"], results["rss_run"]
            )
        )
    if results.get("previous"):
        details.append(_run_row("previous install", records, results["previous"]["sweep"]))
    print(table(details))
    print()
    print(
        "regopy and CEL: evaluation loops only (setup excluded), extrapolated; "
        f"cel-python over {results['celpy']['records']:,} records"
    )
    check = results["cross_check"]
    agreed = "all agree" if not check["mismatches"] else f"{len(check['mismatches'])} MISMATCHES"
    differ = ", ".join(f"{name} {n}" for name, n in check["message_differences"].items())
    print(
        f"cross-check: {check['records']:,} records, sweep / baseline / regopy / CEL: {agreed} "
        f"(decision and fired rule ids); records whose messages differ from the sweep's "
        f"(informational): {differ}"
    )
    fired = ", ".join(f"{rule} {count}" for rule, count in check["rules_fired"].items())
    print(f"rules fired in the cross-check sample: {fired}")


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    info = results["environment"]
    rows = [["target", "measured", "reference", "ratio", "goal", "status"]]
    rows += [
        [t["name"], t["measured"], t["reference"], t["ratio"], t["target"], t["status"]]
        for t in results["targets"]
    ]
    print()
    records = ""
    if "sweep" in results:
        records = f", {results['records']:,} records (seed {results['seed']})"
    print(
        f"cyberreview-policy {info['tool_version']} on Python {info['python']} "
        f"({info['executable']}{', EDITABLE install' if info['editable'] else ''}), "
        f"pack {PACK}, --as-of {AS_OF}{records}, "
        f"load average {results['load_before']:.2f} before, {results['load_after']:.2f} after"
    )
    print()
    print(table(rows))
    print()
    if "sweep" in results:
        _sweep_details(results)
    if "gate" in results:
        gate = results["gate"]
        print(
            f"gate: median {gate['gate_median'] * 1000:.1f} ms "
            f"(min {gate['gate_min'] * 1000:.1f}), "
            f"python -c pass: median {gate['python_median'] * 1000:.1f} ms "
            f"(min {gate['python_min'] * 1000:.1f}), {gate['runs']} interleaved runs each"
        )
    if results["serve"]:
        serve = results["serve"]
        print(
            f"serve: --workers {serve['workers']}, "
            f"load average {serve['load_average']:.2f} at its start"
        )
    print(f"whole benchmark: {results['total_seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        print(f"results written to {args.json}")
