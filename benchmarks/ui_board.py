"""The case board's page weight: ``/ui/cases`` with 500 cases, rendered server-side.

    python benchmarks/ui_board.py                 # 500 cases, 20 renders
    python benchmarks/ui_board.py --cases 2000 --runs 10

Fills a fresh SQLite store with ``--cases`` review cases spread over the columns
of the board (open, declared, under review, special review, supplementing, a
tenth closed), signs in as a reviewer, and times ``GET /ui/cases`` through the
whole app in-process (session lookup, selection with clocks, columns, Jinja2
rendering; no network), and the selection and the rendering alone.  Prints the
median and the slowest run, and the ratio of the median to the 200 ms target
of issue 15.  Not a test: nothing fails; exit 1 only when the median misses
the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0

#: the steps each case takes, by its place in the cycle (a tenth of each)
PATHS: tuple[tuple[str, ...], ...] = (
    (),
    ("declared",),
    ("declared", "under_review"),
    ("declared", "under_review", "special_review"),
    ("declared", "supplementing"),
    ("declared", "under_review", "supplementing"),
    ("declared", "under_review"),
    ("declared",),
    (),
    ("declared", "under_review", "passed"),
)


def fill(store: Any, count: int) -> None:
    from cyberreview_policy.cases.base import CaseRequest

    start = dt.date.today() - dt.timedelta(days=120)
    for n in range(count):
        summary = {
            "kind": "purchase",
            "operator": f"Operator {n % 7}",
            "product": f"Router model {n}",
            "system": f"System {n % 11}",
            "vendor": f"Vendor {n % 13}",
            "cii": n % 2 == 0,
            "materials": ["declaration"],
            "planned_date": (start + dt.timedelta(days=60 + n % 90)).isoformat(),
        }
        case, _ = store.open_case(
            CaseRequest(
                record_key=f"bench:PO-{n}",
                record_id=f"PO-{n}/1",
                kind="review",
                rule="review-required",
                pack="cn-csr-2022@2.0.0",
                opened_on=start,
                summary=summary,
            ),
            "bench",
        )
        on = start
        for to in PATHS[n % len(PATHS)]:
            on += dt.timedelta(days=5)
            store.transition(case.id, to, on=on, actor="bench", note="bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="ui-board-"))
    os.environ["CYBERREVIEW_HOME"] = str(home)
    from fastapi.testclient import TestClient

    from cyberreview_policy.cases.query import CaseQuery
    from cyberreview_policy.runtime import Runtime
    from cyberreview_policy.serve.app import create_app
    from cyberreview_policy.serve.auth import Principal
    from cyberreview_policy.serve.settings import Settings
    from cyberreview_policy.serve.ui.board import load_board
    from cyberreview_policy.serve.ui.render import page

    url = f"sqlite:///{home / 'cases.db'}"
    rt = Runtime(store_url=url)
    store = rt.store()
    began = time.perf_counter()
    fill(store, args.cases)
    token = store.create_token("bench", "reviewer", "bench")[1]  # type: ignore[attr-defined]
    print(f"{args.cases} cases in the store ({time.perf_counter() - began:.1f} s to make)")

    with TestClient(create_app(Settings(store=url))) as client:
        login = client.get("/ui/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text)
        assert csrf is not None
        client.post("/ui/login", data={"csrf": csrf.group(1), "token": token})
        first = client.get("/ui/cases")
        assert first.status_code == 200
        assert first.text.count('class="card') >= args.cases
        whole = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            answer = client.get("/ui/cases")
            whole.append((time.perf_counter() - t0) * 1000)
            assert answer.status_code == 200
        size = len(answer.content)

    today = dt.date.today()
    query = CaseQuery(include_closed=True)
    select_ms, render_ms = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        board = load_board(store, query, rt.calendar, today)
        t1 = time.perf_counter()
        page(
            "board.html",
            lang="zh-CN",
            me=Principal("bench", "reviewer", "tok-bench"),
            can_act=True,
            csrf="x",
            here="/ui/cases",
            board=board,
            chosen={},
            today=today.isoformat(),
        )
        render_ms.append((time.perf_counter() - t1) * 1000)
        select_ms.append((t1 - t0) * 1000)
    store.close()
    median = statistics.median(whole)
    print(f"GET /ui/cases, {args.cases} cases, {size / 1024:.0f} KiB of HTML, {args.runs} runs:")
    print(f"  whole request   median {median:.1f} ms, slowest {max(whole):.1f} ms")
    print(f"  selection+clocks median {statistics.median(select_ms):.1f} ms")
    print(f"  template alone   median {statistics.median(render_ms):.1f} ms")
    print(
        f"  target {TARGET_MS:.0f} ms: ratio {median / TARGET_MS:.2f} "
        f"({'met' if median <= TARGET_MS else 'MISSED'})"
    )
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
