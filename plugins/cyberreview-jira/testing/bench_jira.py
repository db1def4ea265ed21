"""How long ``cases sync`` takes against the local Jira (not a test): N cases created,
then synced again with nothing changed, then with every case moved.

    python testing/bench_jira.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "tests")]

from fake_jira import FakeJira  # noqa: E402

from conftest import TOKEN, Setup  # noqa: E402


def main(count: int) -> None:
    home = Path(tempfile.mkdtemp())
    os.environ.update(CYBERREVIEW_HOME=str(home), JIRA_TOKEN=TOKEN)
    with FakeJira(users={"cyberreview@eastgrid.example": TOKEN}) as jira:
        setup = Setup(home, jira)
        ids = setup.open(count)
        for label, prepare in (
            ("first sync (creates)", lambda: None),
            ("second sync (nothing changed)", lambda: None),
            (
                "every case declared",
                lambda: [
                    setup.store.transition(i, "declared", on=dt.date(2026, 2, 2), actor="b")
                    for i in ids
                ],
            ),
        ):
            prepare()
            before, start = len(jira.requests), time.perf_counter()
            result = setup.sync()
            took = time.perf_counter() - start
            print(
                f"{label:<30} {took:6.2f} s  {count / took:7.0f} cases/s  "
                f"{len(jira.requests) - before:5d} requests  {result.line()}"
            )
        setup.store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
