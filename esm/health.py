"""What GET /health and /health/ready (readiness) report: does the store answer (reads and
writes), and does each backend that some registered manifest uses answer? (A backend no manifest
uses, e.g. Docker on a dummy-only broker, does not make the broker unready.) GET /health/live
(liveness) asks nothing: restarting the broker would help neither case."""
from __future__ import annotations

import threading
import time
from typing import Optional

from adapters.datastore import Store, StoreError
from adapters.resources import BackendFailure, BackendRegistry
from esm.models import Manifest

USED_TYPES_SECONDS = 5.0  # how long the manifest types in use are remembered


class Health:
    """Probes cheap enough to be asked every second: the store is pinged each time, but which
    manifest types are in use (reading every manifest, which may be large) is read once, then
    re-read in the background at most every USED_TYPES_SECONDS while probes get the last answer."""

    def __init__(self, store: Store, backends: BackendRegistry):
        self.store, self.backends = store, backends
        self._used: Optional[tuple[float, frozenset]] = None
        self._refreshing = threading.Lock()

    def _read_used_types(self) -> frozenset:
        types = frozenset(m.manifest_type for m in self.store.find(Manifest))
        self._used = (time.monotonic(), types)
        return types

    def _refresh(self) -> None:
        try:
            self._read_used_types()
        except StoreError:
            pass  # the next probe's ping reports it
        finally:
            self._refreshing.release()

    def _used_types(self) -> frozenset:
        if self._used is None:
            return self._read_used_types()
        read_at, types = self._used
        if time.monotonic() - read_at >= USED_TYPES_SECONDS and self._refreshing.acquire(blocking=False):
            threading.Thread(target=self._refresh, name="esm-health-refresh", daemon=True).start()
        return types

    def _store_check(self) -> dict:
        try:
            self.store.ping()
            return {"status": "ok", "store": self.store.describe()}
        except StoreError as exc:
            return {"status": "failing", "reason": str(exc)}

    def check(self) -> tuple[bool, dict]:
        checks = {"store": self._store_check()}
        used_types: frozenset[str] = frozenset()
        if checks["store"]["status"] == "ok":
            try:
                used_types = self._used_types()
            except StoreError as exc:
                checks["store"] = {"status": "failing", "reason": str(exc)}
        for backend in self.backends:
            name = type(backend).__name__
            types = sorted(set(backend.manifest_types) & used_types)
            if not types:
                checks[name] = {"status": "unused"}
                continue
            try:
                backend.ping()
                checks[name] = {"status": "ok", "manifest_types": types}
            except (BackendFailure, OSError) as exc:
                checks[name] = {"status": "failing", "manifest_types": types, "reason": str(exc)}
        healthy = all(c["status"] != "failing" for c in checks.values())
        return healthy, checks
