"""Generate realistic canonical records (record-v1) of CII operators' purchases, 2020-2021.

Seeded and deterministic: the same seed and count give byte-identical output,
and the first K records of a larger run equal a run of K records.  Standard
library only, so it runs anywhere (it does not import cyberreview_policy).
Records come in chunks of :data:`CHUNK`, each drawn from its own random stream
(seed and chunk number), so the command line encodes chunks in several
processes (``--jobs``) and still writes the same bytes, streaming, in flat memory.

Every record is drawn from an explicit *scenario* (a situation under the 2020
Measures, decided as decision table v2 says: a passed review, a purchase
awaiting declaration, an asset in use without review, ...).  Scenarios are dealt
from shuffled decks of :data:`DECK_SIZE` cards holding each scenario ``weight`` times, so every run
of whole decks holds them in exactly those proportions, and every rule of the
cn-csr-2020 pack fires on some records and not on others by construction.
Everything else (operator, product, vendor, amounts, dates) is random noise
that cannot change the decision.  The vendor's country never decides anything.

    python examples/generate.py                      # 240 records -> examples/procurement.jsonl
    python examples/generate.py --count 1000000 --output - | cyberreview sweep - ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, TypeVar

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

T = TypeVar("T")
DEFAULT_OUTPUT = Path(__file__).with_name("procurement.jsonl")
SNAPSHOT = dt.date(2021, 5, 31).toordinal()  # export date; the README sweeps --as-of 2021-06-01
EARLIEST_DECLARATION = dt.date(2020, 7, 15).toordinal()  # the Measures are in force from 2020-06-01
# days from declaration to the Office's decision; days a pending declaration has waited
DECIDED_AFTER = {"not_required": (10, 25), "passed": (45, 140), "failed": (60, 160)}
PENDING_SINCE = {"declared": (1, 12), "under_review": (15, 70), "special_review": (70, 240)}
ANY = "any"  # a scenario field that does not matter to the decision: drawn at random
COMMITMENTS = (
    "cooperate_with_review",
    "no_illegal_data_acquisition",
    "no_illegal_control",
    "no_unjustified_supply_interruption",
)
# Art. 9 factors as record-v1 holds them (compliance_issues goes to vendor), with the values
# they take when nothing is flagged (repeats weight them; None is "not recorded")
CLEAR_VALUES: dict[str, tuple[Any, ...]] = {
    "remote_access": (False, False, None),
    "important_data": (False, False, None),
    "single_source": (False, False, False),
    "transparency_concerns": (False, False, None),
    "political_trade_exposure": (False, False, None),
    "supply_disruption_risk": ("low", "low", "medium", None),
    "compliance_issues": (False, False, None),
}
CLEAR_FACTORS = tuple(
    dict(zip(CLEAR_VALUES, values, strict=True))
    for values in itertools.product(*CLEAR_VALUES.values())
)
# what a "flagged" record raises: one factor (most often), two or three
FLAG_SETS = tuple(
    flags
    for k, repeat in ((1, 4), (2, 2), (3, 1))
    for flags in itertools.combinations(CLEAR_VALUES, k)
    for _ in range(repeat)
)
MATERIALS = ("declaration", "impact_analysis", "procurement_documents")


Fact = bool | str | tuple[bool | None, ...] | None  # a value, ANY, or values to choose from


class Scenario(NamedTuple):
    """A situation under the 2020 Measures, and the decision cn-csr-2020 gives it."""

    name: str
    weight: int  # cards in each deck of DECK_SIZE
    decision: str  # expected decision under cn-csr-2020 as of 2021-06-01
    ciio: Fact = True  # operator.ciio (ANY: any operator)
    covered: bool | str = True  # listed by Art. 20 (2020 list); "unlisted": another network product
    cii: Fact = True  # deployment.cii
    affects: Fact = True  # risk.may_affect_national_security
    statuses: tuple[str, ...] = ("none",)
    commitments: str = "full"  # full | gap | any
    materials: str = "full"  # full | partial | none | any
    factors: str = "flagged"  # flagged | clear | any (ignored when not assessed)
    in_use: bool | str = ANY
    assets: float = 0.0  # share of CMDB assets (always in use) among the records
    overdue: bool = False  # the ERP tracks the statutory period, and it has run out
    agreement: Fact = (True, True, True, None)  # contract.security_agreement (CSL Art. 36)


SCENARIOS: tuple[Scenario, ...] = (
    # allow
    Scenario("review-passed", 6, "allow", statuses=("passed",), assets=0.25),
    Scenario("no-review-needed", 4, "allow", statuses=("not_required",)),
    Scenario("low-risk", 6, "allow", affects=False, factors="clear", commitments=ANY,
             materials=ANY, assets=0.25),
    Scenario("non-cii-system", 4, "allow", cii=False, affects=(False, None), factors=ANY,
             commitments=ANY, materials=ANY, assets=0.25),
    Scenario("not-a-ciio", 4, "allow", ciio=False, affects=ANY, factors=ANY,
             commitments=ANY, materials=ANY),
    Scenario("not-a-network-product", 4, "allow", ciio=ANY, covered=False, affects=ANY,
             factors=ANY, commitments=ANY, materials=ANY),
    Scenario("listing-abroad", 1, "allow"),
    # warn
    Scenario("passed-commitments-gap", 5, "warn", statuses=("passed",), commitments="gap"),
    Scenario("no-security-agreement", 2, "warn", statuses=("passed",), agreement=False),
    Scenario("factors-contradict", 6, "warn", affects=False, commitments=ANY, materials=ANY),
    Scenario("ciio-unknown", 4, "warn", ciio=None, cii=ANY, affects=ANY, factors=ANY,
             commitments=ANY, materials=ANY),
    Scenario("cii-unknown-low-risk", 3, "warn", cii=None, affects=False, factors="clear",
             commitments=ANY, materials=ANY),
    Scenario("cii-unknown-passed", 2, "warn", cii=None, statuses=("passed",)),
    # block
    Scenario("awaiting-declaration", 4, "block", commitments=ANY, materials="partial",
             in_use=False),
    Scenario("ready-to-declare", 2, "block", commitments=ANY, in_use=False),
    Scenario("in-review", 4, "block", statuses=("declared", "under_review", "special_review"),
             commitments=ANY, in_use=False),
    Scenario("office-review-despite-no-effect", 2, "block", affects=False,
             statuses=("declared", "under_review"), commitments=ANY, in_use=False),
    Scenario("unlisted-network-product", 2, "block", covered="unlisted", commitments=ANY,
             in_use=False),
    Scenario("review-overdue", 2, "block", statuses=("under_review", "special_review"),
             commitments=ANY, in_use=False, overdue=True),
    Scenario("risk-not-assessed", 6, "block", cii=(True, True, None), affects=None,
             commitments=ANY, materials=ANY, in_use=False),
    Scenario("in-use-without-review", 4, "block", statuses=("none", "declared", "under_review"),
             commitments=ANY, materials=ANY, in_use=True, assets=0.6),
    Scenario("review-failed", 3, "block", statuses=("failed",), commitments=ANY, assets=0.3),
)  # fmt: skip
DECK_SIZE = sum(s.weight for s in SCENARIOS)
CHUNK = 50 * DECK_SIZE  # records drawn from one random stream: whole decks

# name, code (in ids and contract numbers), sector, operator.ciio
OPERATORS: tuple[tuple[str, str, str, bool | None], ...] = (
    ("East China Provincial Grid Co., Ltd.", "ECG", "energy", True),
    ("Jinghai Mobile Communications Co., Ltd.", "JHM", "telecom", True),
    ("Xiangjiang Rural Commercial Bank", "XRB", "finance", True),
    ("Southwest Railway Administration", "SWR", "railway", True),
    ("Pearl River Water Supply Group", "PRW", "water", True),
    ("Zhongyuan Airport Group", "ZAG", "civil_aviation", True),
    ("Provincial Big Data Administration", "PBD", "e_government", True),
    ("Hexi Radio and Television Network Co.", "HRT", "radio_tv", True),
    ("Binhai Municipal Social Insurance Centre", "BSI", "social_security", True),
    ("Qinghe Securities Co., Ltd.", "QSC", "finance", False),
    ("Lanshan Coastal Shipping Co.", "LCS", "road_waterway_transport", False),
    ("Yunling Provincial People's Hospital", "YPH", "health", None),
    ("Rongcheng Gas Group", "RGG", "energy", None),
)
CII_SYSTEMS: dict[str, tuple[str, ...]] = {  # operator code -> its CII systems
    "ECG": ("Dispatch automation system", "Power marketing and billing", "Substation monitoring"),
    "JHM": ("IP backbone network", "5G core network", "Business support system (BSS)"),
    "XRB": ("Core banking system", "Online and mobile banking", "Payment clearing system"),
    "SWR": ("Train dispatching system (CTC)", "Ticketing and reservation system"),
    "PRW": ("Water supply SCADA", "Reservoir monitoring and dispatch"),
    "ZAG": ("Departure control system", "Airport operational database (AODB)"),
    "PBD": ("Government cloud platform", "Unified online service portal"),
    "HRT": ("Broadcast control system", "Cable TV headend"),
    "BSI": ("Social insurance core business system", "Pension payment platform"),
    "QSC": ("Securities trading system", "Market data distribution"),
    "LCS": ("Vessel traffic monitoring", "Port terminal operating system"),
    "YPH": ("Hospital information system (HIS)", "Electronic medical records"),
    "RGG": ("Gas pipeline SCADA", "Gas metering and billing"),
}
OTHER_SYSTEMS = ("Office automation (OA)", "Staff training portal", "Internal e-mail", "Test lab")
DEPARTMENTS = ("信息中心", "信息技术部", "网络运维中心", "数据中心", "科技部", "安全保卫部")
PLATFORMS = (  # listing abroad: name, sector, ciio, users, exchange, venue
    ("Xingchen Mobility Technology Co., Ltd.", "other", None, 420_000_000, "NYSE", "foreign"),
    ("Mingyi Online Health Co., Ltd.", "health", False, 62_000_000, "HKEX", "hong_kong"),
    ("Kuaipin Social Commerce Ltd.", "other", None, 850_000, "NASDAQ", "foreign"),
)

# fmt: off
# vendor pools: (name, ISO country), the first one the most common supplier
Vendors = tuple[tuple[str, str], ...]
NETWORK: Vendors = (
    ("Huaxin Networks Co., Ltd.", "CN"), ("Zhongtong Data Communication Co.", "CN"),
    ("Ruiteng Networks Co., Ltd.", "CN"), ("Northbridge Systems Inc.", "US"),
    ("Aalto Networks Oy", "FI"),
)
COMPUTE: Vendors = (
    ("Kunlun Server Technology Co.", "CN"), ("Haiyue Computing Co., Ltd.", "CN"),
    ("Pacific Compute Corp.", "US"), ("Sakura Computing K.K.", "JP"),
)
STORAGE: Vendors = (("Hongyun Storage Co., Ltd.", "CN"), ("Kestrel Storage Inc.", "US"))
SOFTWARE: Vendors = (
    ("Jinlian Data Software Co.", "CN"), ("Yunshu Software Co., Ltd.", "CN"),
    ("Oakline Software Corp.", "US"), ("Nordhaus Software AG", "DE"),
)
SECURITY: Vendors = (
    ("Qingdun Security Co., Ltd.", "CN"), ("Lanshield Information Security Co.", "CN"),
    ("Hanbit Security Co.", "KR"), ("Carmel Cyber Ltd.", "IL"),
)
CLOUD: Vendors = (
    ("Xiyun Cloud Computing Co.", "CN"), ("Jiangnan Cloud Services Co.", "CN"),
    ("Cirrus Harbour Cloud Ltd.", "HK"),
)
COMMS: Vendors = (NETWORK[0], NETWORK[1], ("Nordvik Radio AB", "SE"), NETWORK[4])
INDUSTRIAL: Vendors = (
    ("Hezhong Automation Co., Ltd.", "CN"), ("Rheinwerk Automation GmbH", "DE"),
    ("Tokai Controls Co.", "JP"),
)
OFFICE: Vendors = (
    ("Lianchuang Computer Co.", "CN"), ("Xinghe Office Equipment Co.", "CN"), COMPUTE[2],
)
# fmt: on

# category -> (name, catalogue type, model prefix, spec variants, vendors, price range in CNY)
Template = tuple[str, str | None, str, tuple[dict[str, float], ...], Vendors, tuple[int, int]]
PRODUCTS: dict[str, tuple[Template, ...]] = {
    "core_network_equipment": (
        ("Backbone core router", "router", "NR-X",
         ({"throughput_tbps": 16.0, "routing_entries": 4_000_000, "forwarding_gpps": 12.0},
          {"throughput_tbps": 25.6, "routing_entries": 8_000_000, "forwarding_gpps": 19.2}),
         NETWORK, (3_000_000, 40_000_000)),
        ("Metro aggregation router", "router", "NR-M",
         ({"throughput_tbps": 3.2, "routing_entries": 2_000_000, "forwarding_gpps": 2.4},
          {"throughput_tbps": 6.4, "routing_entries": 1_000_000, "forwarding_gpps": 4.8}),
         NETWORK, (400_000, 6_000_000)),
        ("Data-centre core switch", "switch", "CE-16",
         ({"throughput_tbps": 51.2, "forwarding_gpps": 19.2},
          {"throughput_tbps": 38.4, "forwarding_gpps": 14.4}),
         NETWORK, (1_500_000, 20_000_000)),
        ("Campus aggregation switch", "switch", "S-57",
         ({"throughput_tbps": 2.56, "forwarding_gpps": 0.95},
          {"throughput_tbps": 12.8, "forwarding_gpps": 4.8}),
         NETWORK, (80_000, 1_500_000)),
    ),
    "hpc_server": (
        ("8-socket rack server", "rack_server", "KS-8",
         ({"cpus": 8, "cores_per_cpu": 28, "memory_gb": 6144},
          {"cpus": 8, "cores_per_cpu": 24, "memory_gb": 3072}),
         COMPUTE, (1_200_000, 12_000_000)),
        ("2-socket rack servers", "rack_server", "KS-2",
         ({"cpus": 2, "cores_per_cpu": 28, "memory_gb": 512},
          {"cpus": 2, "cores_per_cpu": 20, "memory_gb": 256}),
         COMPUTE, (150_000, 4_000_000)),
        ("HPC compute cluster", "rack_server", "HC-4",
         ({"cpus": 4, "cores_per_cpu": 32, "memory_gb": 1024},),
         COMPUTE, (5_000_000, 50_000_000)),
    ),
    "mass_storage": (
        ("All-flash storage array", None, "AF-5", ({},), STORAGE, (800_000, 15_000_000)),
        ("Distributed object storage", None, "OS-9", ({},), STORAGE, (1_000_000, 20_000_000)),
    ),
    "large_database": (
        ("Distributed relational database licence", None, "DB-V8", ({},), SOFTWARE,
         (600_000, 12_000_000)),
        ("Time-series database cluster", None, "TS-3", ({},), SOFTWARE, (300_000, 5_000_000)),
    ),
    "application_software": (
        ("Core business system upgrade", None, "CBS-", ({},), SOFTWARE, (2_000_000, 30_000_000)),
        ("Billing and customer care system", None, "BCC-", ({},), SOFTWARE,
         (1_000_000, 20_000_000)),
        ("Dispatch management software", None, "DMS-", ({},), SOFTWARE, (500_000, 8_000_000)),
    ),
    "network_security_equipment": (
        ("Next-generation firewall", "firewall", "NGF-", ({},), SECURITY, (120_000, 3_000_000)),
        ("Intrusion prevention system", "ips", "IPS-", ({},), SECURITY, (100_000, 2_000_000)),
        ("Network intrusion detection sensors", "ids", "IDS-", ({},), SECURITY,
         (80_000, 1_500_000)),
        ("Data backup and recovery appliance", "data_backup", "DBR-", ({},), SECURITY,
         (200_000, 4_000_000)),
        ("Unidirectional network isolation gateway", "isolation", "GAP-", ({},), SECURITY,
         (150_000, 1_200_000)),
    ),
    "cloud_service": (
        ("Private cloud platform (IaaS)", None, "PCP-", ({},), CLOUD, (3_000_000, 45_000_000)),
        ("Government cloud hosting, 3 years", None, "GCH-", ({},), CLOUD,
         (1_000_000, 20_000_000)),
        ("Disaster-recovery cloud service", None, "DRC-", ({},), CLOUD, (500_000, 8_000_000)),
    ),
    "important_communication_product": (
        ("5G base stations (BBU and AAU)", None, "BTS-5", ({},), COMMS, (2_000_000, 40_000_000)),
        ("OTN optical transport platform", None, "OTN-", ({},), COMMS, (1_000_000, 15_000_000)),
        ("Broadband trunking radio system", None, "TR-", ({},), COMMS, (600_000, 9_000_000)),
    ),
    "other_important": (
        ("Distributed control system controllers", "plc", "DCS-",
         ({"instruction_time_us": 0.02}, {"instruction_time_us": 0.06}),
         INDUSTRIAL, (500_000, 10_000_000)),
        ("Programmable logic controllers", "plc", "PLC-",
         ({"instruction_time_us": 0.08}, {"instruction_time_us": 0.12}),
         INDUSTRIAL, (100_000, 2_000_000)),
        ("Smart-meter head-end system", None, "HES-", ({},), SOFTWARE, (800_000, 9_000_000)),
        ("Unified operations monitoring platform", None, "UOM-", ({},), SOFTWARE,
         (300_000, 6_000_000)),
    ),
    "other": (
        ("Office desktop computers", None, "D-", ({},), OFFICE, (50_000, 2_000_000)),
        ("Network laser printers", None, "LP-", ({},), OFFICE, (50_000, 400_000)),
        ("Video-conference terminals", None, "VC-", ({},), OFFICE, (60_000, 900_000)),
        ("UPS and power distribution units", None, "UPS-", ({},), OFFICE, (80_000, 1_500_000)),
    ),
}  # fmt: skip
SECTOR_ONLY: dict[str, tuple[str, ...]] = {  # products only some sectors buy
    "5G base stations (BBU and AAU)": ("telecom",),
    "OTN optical transport platform": ("telecom", "radio_tv", "railway", "energy"),
    "Distributed control system controllers": ("energy", "water"),
    "Programmable logic controllers": ("energy", "water", "railway", "road_waterway_transport"),
    "Smart-meter head-end system": ("energy", "water"),
}
COVERED = tuple(c for c in PRODUCTS if c not in ("important_communication_product", "other"))
# not listed by the 2020 Measures, but a network product: its "may affect" conclusion binds
UNLISTED = ("important_communication_product",)
UNCOVERED = ("other",)  # not a network product at all
BY_CIIO = {v: tuple(o for o in OPERATORS if o[3] is v) for v in (True, False, None)}


@cache
def templates(category: str, sector: str) -> tuple[Template, ...]:
    """The products of a category that an operator of this sector buys."""
    return tuple(t for t in PRODUCTS[category] if sector in SECTOR_ONLY.get(t[0], (sector,)))


@cache
def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


class _Generator:
    """Draws the records of one chunk from one random stream.

    Only ``random()`` is used (through :meth:`choice` and :meth:`randint`): it is
    several times faster than ``Random.choice``, and stable across Python versions.
    Document numbers grow by 1 to 4 a record, from a range of their own per chunk.
    """

    def __init__(self, seed: int, chunk: int) -> None:
        # a str seed is hashed with SHA-512: the same stream on every run and platform
        self.random = random.Random(f"{seed}/{chunk}").random
        base = chunk * 5 * CHUNK
        self.seq = {"PO": 4100 + base, "AS": 20500 + base, "HT": 300 + base, "CS": 100 + base}
        self.seq["LS"] = chunk * CHUNK

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        pool = list(seq)
        return [pool.pop(int(self.random() * len(pool))) for _ in range(k)]

    def pick(self, value: Any, choices: tuple[Any, ...]) -> Any:
        """``value`` unless it is ANY (or a tuple to choose from)."""
        if value == ANY:
            return self.choice(choices)
        return self.choice(value) if isinstance(value, tuple) else value

    def next_no(self, key: str) -> int:
        self.seq[key] += 1 if key == "LS" else self.randint(1, 4)
        return self.seq[key]

    def record(self, sc: Scenario) -> dict[str, Any]:
        if sc.name == "listing-abroad":
            return self.listing()
        choice = self.choice
        ciio = self.pick(sc.ciio, (True, True, False, None))
        operator, code, sector, _ = choice(BY_CIIO[ciio])
        category = choice(COVERED if sc.covered is True else UNLISTED if sc.covered else UNCOVERED)
        name, ptype, prefix, specs, vendors, (low, high) = choice(templates(category, sector))
        asset = self.random() < sc.assets
        in_use = True if asset else self.pick(sc.in_use, (False, False, True))
        cii = self.pick(sc.cii, (True, None))
        affects = self.pick(sc.affects, (True, False, None))
        status = choice(sc.statuses)
        factors = self.factors(
            "clear" if affects is None else self.pick(sc.factors, ("clear", "flagged"))
        )
        vendor, country = choice(vendors) if self.random() < 0.3 else vendors[0]
        dates = self.dates(status, affects, in_use)
        year = dates["signed"][:4]
        if asset:
            record_id = f"AS-{code}-{self.next_no('AS'):06d}"
        else:
            record_id = f"PO-{year}-{self.next_no('PO'):06d}/{choice((1, 1, 1, 2, 3, 4))}"
        product: dict[str, Any] = {
            "name": name,
            "category": category,
            "model": f"{prefix}{self.randint(1, 99) * 100}",
            "type": ptype,
        }
        spec = choice(specs)
        if spec:
            product["specs"] = spec
        if ptype is not None:  # catalogue types are sold certified (CSL Art. 23): noise, too
            product["certification"] = self.certification(dates["signed"])
        systems = OTHER_SYSTEMS if cii is False else CII_SYSTEMS[code]
        commitments = self.pick(sc.commitments, ("full", "full", "full", "full", "gap"))
        materials = self.pick(sc.materials, ("none", "none", "partial", "full"))
        return {
            "id": record_id,
            "kind": "asset" if asset else "purchase",
            "operator": {"name": operator, "ciio": ciio, "sector": sector},
            "product": product,
            "vendor": {
                "name": vendor,
                "country": country,
                "compliance_issues": factors.pop("compliance_issues"),
            },
            "deployment": {
                "system": choice(systems),
                "cii": cii,
                "planned_date": dates["planned"],
                "in_use": in_use,
            },
            "contract": {
                "number": f"{code}-CG-{year}-{self.next_no('HT'):04d}",
                "amount": self.amount(low, high),
                "currency": "CNY",
                "signed_date": dates["signed"],
                "commitments": self.commitments(commitments),
                "security_agreement": self.pick(sc.agreement, ()),
            },
            "risk": {
                "may_affect_national_security": affects,
                "assessed_on": dates["assessed"],
                "factors": factors,
            },
            "review": {
                "status": status,
                "case_id": dates["case"],
                "declared_on": dates["declared"],
                "decided_on": dates["decided"],
            },
            "materials": self.materials(status, materials),
            "attributes": {"department": choice(DEPARTMENTS)},
        } | ({"review": self.overdue_review(status, dates["case"])} if sc.overdue else {})

    def overdue_review(self, status: str, case: str | None) -> dict[str, Any]:
        """A review the ERP tracks, declared long ago, whose current period has run out."""
        declared = SNAPSHOT - self.randint(150, 230)
        deadline = declared + self.randint(110, 140)
        return {
            "status": status,
            "case_id": case,
            "declared_on": dt.date.fromordinal(declared).isoformat(),
            "decided_on": None,
            "period": "member opinions" if status == "under_review" else "special review",
            "deadline": dt.date.fromordinal(deadline).isoformat(),
            "overdue": True,
        }

    def dates(self, status: str, affects: bool | None, in_use: bool) -> dict[str, Any]:
        """The chronology: assessed -> signed -> declared -> decided -> planned (ISO strings)."""
        r = self.randint
        declared = decided = None
        if status in DECIDED_AFTER:
            took = r(*DECIDED_AFTER[status])
            declared = r(EARLIEST_DECLARATION, SNAPSHOT - took - 3)
            decided = declared + took
        elif status != "none":
            declared = SNAPSHOT - r(*PENDING_SINCE[status])
        signed = (declared - r(0, 25)) if declared else SNAPSHOT - r(5, 320)
        assessed = None if affects is None else signed - r(5, 40)
        ready = max(signed, decided or 0)
        if in_use:
            planned = min(ready + r(10, 60), SNAPSHOT - 1)
        else:
            planned = max(ready, SNAPSHOT) + r(15, 200)
        return {
            "assessed": assessed and iso(assessed),
            "signed": iso(signed),
            "declared": declared and iso(declared),
            "decided": decided and iso(decided),
            "planned": iso(planned),
            "case": declared and f"CSRO-{iso(declared)[:4]}-{self.next_no('CS'):04d}",
        }

    def factors(self, mode: str) -> dict[str, Any]:
        """Art. 9 factors (and vendor.compliance_issues): 'clear' or 'flagged' (1 to 3 flags)."""
        out = dict(self.choice(CLEAR_FACTORS))
        if mode == "flagged":
            for flag in self.choice(FLAG_SETS):
                out[flag] = "high" if flag == "supply_disruption_risk" else True
        return out

    def commitments(self, mode: str) -> dict[str, bool | None]:
        """The four Art. 6 commitments: all true, or one or two false or unknown."""
        out: dict[str, bool | None] = dict.fromkeys(COMMITMENTS, True)
        if mode == "gap":
            for name in self.sample(COMMITMENTS, self.choice((1, 1, 1, 2))):
                out[name] = self.choice((False, False, None))
        return out

    def materials(self, status: str, mode: str) -> list[str]:
        """Art. 7 materials on file: all of them once declared, else as the mode says."""
        if status != "none":
            return [*MATERIALS, "other"] if self.random() < 0.2 else list(MATERIALS)
        if mode == "full":
            return list(MATERIALS)
        if mode == "none":
            return []
        return [m for m in MATERIALS if self.random() < 0.4][:2]  # at least one missing

    def amount(self, low: int, high: int) -> int:
        """Log-uniform in CNY, rounded to 100 (1,000 from a million), 50,000 to 50,000,000."""
        value = low * math.exp(self.random() * math.log(high / low))
        step = 1000 if value >= 1_000_000 else 100
        return max(50_000, min(50_000_000, round(value / step) * step))

    def certification(self, signed: str) -> dict[str, Any]:
        issued = int(signed[:4]) - self.randint(0, 2)  # valid on the snapshot date
        return {
            "kind": self.choice(("certification", "certification", "security_testing")),
            "id": f"CCRC-{issued}-NE-{self.randint(1, 9999):04d}",
            "issuer": "China Cybersecurity Review Technology and Certification Center",
            "valid_until": f"{issued + 5}-{self.randint(1, 12):02d}-28",
        }

    def listing(self) -> dict[str, Any]:
        name, sector, ciio, users, exchange, venue = self.choice(PLATFORMS)
        operator = {"name": name, "ciio": ciio, "sector": sector, "platform_users": users}
        return {
            "id": f"LS-2021-{self.next_no('LS'):04d}",
            "kind": "listing",
            "operator": operator | {"platform": True},
            "listing": {"venue": venue, "exchange": exchange},
            "review": {"status": "none"},
            "materials": ["listing_documents"],
            "attributes": {"planned_listing": iso(SNAPSHOT + self.randint(20, 120))},
        }


def generate(count: int, seed: int = 2021) -> Iterator[dict[str, Any]]:
    """Yield ``count`` records: chunk after chunk of CHUNK, each from its own random stream."""
    for job in _jobs(count, seed):
        yield from _chunk(*job)


def _jobs(count: int, seed: int) -> Iterator[tuple[int, int, int]]:
    """(seed, chunk number, records) of every chunk of a run."""
    for chunk in range(math.ceil(count / CHUNK)):
        yield seed, chunk, min(CHUNK, count - chunk * CHUNK)


def _chunk(seed: int, chunk: int, count: int) -> Iterator[dict[str, Any]]:
    """The first ``count`` records of a chunk, scenarios dealt from shuffled decks."""
    gen = _Generator(seed, chunk)
    deck: list[Scenario] = []
    for _ in range(count):
        if not deck:
            deck = gen.sample([s for s in SCENARIOS for _ in range(s.weight)], DECK_SIZE)
        yield gen.record(deck.pop())


def _lines(job: tuple[int, int, int]) -> bytes:
    """A chunk as JSON Lines: ``json.dumps(record, ensure_ascii=False)`` byte for byte.

    One encoder, without the circular-reference check: a third faster, the same text.
    """
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    return "".join([encode(record) + "\n" for record in _chunk(*job)]).encode()


def write(count: int, seed: int, out: BinaryIO, jobs: int = 1) -> None:
    """Write ``generate(count, seed)`` as UTF-8 JSON Lines, chunks made by ``jobs`` processes.

    The text does not depend on ``jobs``.  At most ``2 * jobs + 1`` chunks are held
    at a time, so memory stays flat however slowly ``out`` is read.  With ``jobs > 1``
    under the spawn or forkserver start methods this module must be importable
    (or run as a script), as multiprocessing requires.
    """
    chunks = _jobs(count, seed)
    if jobs <= 1 or count <= CHUNK:
        for job in chunks:
            out.write(_lines(job))
        return
    with multiprocessing.Pool(jobs) as pool:
        pending: deque[AsyncResult[bytes]] = deque()
        for job in chunks:
            pending.append(pool.apply_async(_lines, (job,)))
            if len(pending) > 2 * jobs:
                out.write(pending.popleft().get())
        while pending:
            out.write(pending.popleft().get())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=240, help="records (default 240)")
    parser.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="file, or - for stdout")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes encoding chunks (default: CPUs, at most 4); the output is the same",
    )
    args = parser.parse_args(argv)
    if args.output == "-":
        try:
            write(args.count, args.seed, sys.stdout.buffer, args.jobs)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the reader has had enough (| head)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    else:
        with open(args.output, "wb") as out:
            write(args.count, args.seed, out, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
