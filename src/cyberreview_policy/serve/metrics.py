"""Prometheus metrics: decisions by outcome (and failure code), request latency,
source and store errors.

One registry per process; with ``--workers N`` each worker counts its own, so
set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) to
have one scrape add them up, or run one process per replica.
"""

from __future__ import annotations

import os
from typing import Any

#: seconds; the service aims at p99 under 50 ms
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        self._decisions = Counter(
            "cyberreview_decisions",
            "Decisions answered, by outcome and, when the service failed closed, error code.",
            ["decision", "code"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "cyberreview_request_seconds",
            "Time to answer a request, by route and status.",
            ["route", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._source_errors = Counter(
            "cyberreview_source_errors",
            "Records a configured source could not give.",
            ["source"],
            registry=self.registry,
        )
        self._store_errors = Counter(
            "cyberreview_store_errors",
            "Decisions refused because the case store could not be reached.",
            registry=self.registry,
        )

    def decided(self, decision: str, error: Any) -> None:
        code = error["code"] if error else ""
        self._decisions.labels(decision, code).inc()

    def observe(self, route: str, status: int, seconds: float) -> None:
        self._latency.labels(route, str(status)).observe(seconds)

    def source_error(self, source: str) -> None:
        self._source_errors.labels(source).inc()

    def store_error(self) -> None:
        self._store_errors.inc()

    def exposition(self) -> tuple[bytes, str]:
        """The text format for ``GET /metrics`` (all workers' in multiprocess mode)."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
