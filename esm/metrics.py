"""Prometheus metrics of one ESM process (GET /metrics): requests by route and status with
latency histograms, operations by kind, service and plan with their durations, and the
operations in progress (read from the store at scrape time, so it is right across replicas)."""
from __future__ import annotations

import datetime as _dt
from typing import Optional

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from adapters.datastore import Store, StoreError
from esm.models import IN_PROGRESS, Operation

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
OPERATION_BUCKETS = (0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def _seconds_between(start_iso: str, end_iso: Optional[str]) -> Optional[float]:
    if not start_iso or not end_iso:
        return None
    start = _dt.datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
    end = _dt.datetime.fromisoformat(end_iso.replace("Z", "+00:00"))
    return max(0.0, (end - start).total_seconds())


class _InProgress:
    """A collector: operations in progress by kind, counted in the store when scraped."""

    def __init__(self, store: Store):
        self.store = store

    def collect(self):
        gauge = GaugeMetricFamily("esm_operations_in_progress", "Operations in progress, by kind",
                                  labels=["kind"])
        counts: dict[str, int] = {}
        try:
            for op in self.store.find(Operation, state=IN_PROGRESS):
                counts[op.kind] = counts.get(op.kind, 0) + 1
        except StoreError:
            return  # /health says why; a scrape must not fail for it
        for kind, count in sorted(counts.items()):
            gauge.add_metric([kind], count)
        yield gauge


class Metrics:
    # the samples of each (route, method, status), looked up once: prometheus_client's labels()
    # takes a lock and builds the label tuple on every call (a tenth of a catalog request's
    # own time); the client picks the method, so the cache is bounded
    MAX_CACHED_CHILDREN = 1024

    def __init__(self, store: Store):
        self._request_children: dict[tuple, tuple] = {}
        self._children: dict[tuple, object] = {}
        self.registry = CollectorRegistry()
        self.requests = Counter("esm_http_requests_total", "HTTP requests answered",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("esm_http_request_duration_seconds", "HTTP request latency",
                                 ["route", "method"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.started = Counter("esm_operations_started_total", "Operations accepted",
                               ["kind", "service_id", "plan_id"], registry=self.registry)
        self.finished = Counter("esm_operations_finished_total", "Operations finished, by outcome",
                                ["kind", "service_id", "plan_id", "state"], registry=self.registry)
        self.durations = Histogram("esm_operation_duration_seconds", "Operation durations",
                                   ["kind", "state"], buckets=OPERATION_BUCKETS, registry=self.registry)
        self.registry.register(_InProgress(store))

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = (self.requests.labels(route, method, str(status)),
                        self.latency.labels(route, method))
            if len(self._request_children) < self.MAX_CACHED_CHILDREN:
                self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def _child(self, metric, *labels):
        """metric.labels(*labels), looked up once per label values (bounded, as above)."""
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = metric.labels(*labels)
            if len(self._children) < self.MAX_CACHED_CHILDREN:
                self._children[key] = child
        return child

    def operation_started(self, op: Operation) -> None:
        self._child(self.started, op.kind, op.service_id or "", op.plan_id or "").inc()

    def operation_finished(self, op: Operation) -> None:
        self._child(self.finished, op.kind, op.service_id or "", op.plan_id or "", op.state).inc()
        seconds = _seconds_between(op.started_at, op.finished_at)
        if seconds is not None:
            self._child(self.durations, op.kind, op.state).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
