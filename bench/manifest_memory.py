"""Memory of the broker while 1,000 distinct 200 kB manifests are registered and used.

    python -m bench.manifest_memory [--manifests 1000] [--kb 200]

Starts the ESM (runesm.py, basic auth on, default SQLite store) on loopback, registers service
types with one plan per manifest, then each manifest (a dummy manifest whose `credentials`
mapping makes it `kb` kB), provisions one instance of each plan (every provision reads and
parses its plan's manifest), and reports the broker's resident memory before, after
registering, after provisioning, and its peak. Parsed manifests are cached by the bytes of
their text (adapters/parse_cache.py), so the growth stays bounded instead of pinning every one.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.__main__ import HEADERS, STARTED, esm

PLANS_PER_SERVICE = 100


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def manifest_content(n: int, kb: int) -> str:
    lines = ["credentials:"]
    size, i = 0, 0
    while size < kb * 1024:
        line = f"  key_{n}_{i}: value-{n}-{i}-{'x' * 24}"
        lines.append(line)
        size += len(line) + 1
        i += 1
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=200)
    args = parser.parse_args()
    with esm("default", tempfile.mkdtemp(prefix="esm-memory-")) as url, \
            httpx.Client(base_url=url, headers=HEADERS, timeout=120) as api:
        pid = STARTED[url]
        start = memory_mb(pid)[0]
        plans = [(f"svc-{n // PLANS_PER_SERVICE}", f"plan-{n}") for n in range(args.manifests)]
        for s in range(0, args.manifests, PLANS_PER_SERVICE):
            service = f"svc-{s // PLANS_PER_SERVICE}"
            api.put("/v2/et/catalog", json={
                "id": service, "name": service, "description": "memory bench", "bindable": False,
                "plans": [{"id": p, "name": p, "description": "one manifest"}
                          for sid, p in plans if sid == service]}).raise_for_status()
        started = time.perf_counter()

        def register(n: int) -> None:
            service, plan = plans[n]
            api.put(f"/v2/et/manifest/m-{n}", json={
                "service_id": service, "plan_id": plan, "manifest_type": "dummy",
                "manifest_content": manifest_content(n, args.kb)}).raise_for_status()

        def provision(n: int) -> None:
            service, plan = plans[n]
            response = api.put(f"/v2/service_instances/i-{n}", json={
                "service_id": service, "plan_id": plan, "organization_guid": "o", "space_guid": "s"})
            assert response.status_code == 201, response.text

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(register, range(args.manifests)))
        registered, seconds = memory_mb(pid)[0], time.perf_counter() - started
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(provision, range(args.manifests)))
        provisioned, peak = memory_mb(pid)
    print(f"{args.manifests} manifests of {args.kb} kB ({args.manifests * args.kb / 1024:.0f} MB of "
          f"YAML) registered in {seconds:.0f} s")
    print(f"broker RSS: {start:.0f} MB at start, {registered:.0f} MB after registering, "
          f"{provisioned:.0f} MB after provisioning each plan once, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
