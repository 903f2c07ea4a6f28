"""What GET /health reports: does the store answer, and does each backend that some registered
manifest uses answer? (A backend no manifest uses, e.g. Docker on a dummy-only broker, does not
make the broker unhealthy.)"""
from __future__ import annotations

from adapters.datastore import Store, StoreError
from adapters.resources import EPM, BackendFailure
from esm.models import Manifest


def check(store: Store, epm: EPM) -> tuple[bool, dict]:
    checks = {}
    try:
        store.ping()
        checks["store"] = {"status": "ok", "store": store.describe()}
        used_types = {m.manifest_type for m in store.find(Manifest)}
    except StoreError as exc:
        checks["store"] = {"status": "failing", "reason": str(exc)}
        used_types = set()
    for backend in epm.backends:
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
