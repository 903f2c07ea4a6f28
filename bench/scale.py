"""Scale: provision 10,000 instances, then list and fetch them; memory growth and latency.

    python -m bench.scale [--instances 10000] [--store default|memory]

Starts the ESM (runesm.py, basic auth on) on loopback, provisions the instances through the OSB
API with 16 concurrent clients, and reports the broker's resident memory before and after,
the latency of GET /v2/et/service_instances (whole listing, and one page) and of fetches.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.__main__ import HEADERS, PROVISION_BODY, STARTED, esm, prepare_esm


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--store", default="default")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="esm-scale-")
    with esm(args.store, workdir) as url, httpx.Client(base_url=url, headers=HEADERS, timeout=120) as api:
        pid = STARTED[url]
        prepare_esm(url)
        before = rss_mb(pid)
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(
                lambda n: api.put(f"/v2/service_instances/scale-{n:05d}", json=PROVISION_BODY).status_code,
                range(args.instances)))
        provision_seconds = time.perf_counter() - started
        assert statuses.count(201) == args.instances, {s: statuses.count(s) for s in set(statuses)}
        after = rss_mb(pid)
        listing = timed(lambda: api.get("/v2/et/service_instances").raise_for_status(), 5)
        count = len(api.get("/v2/et/service_instances").json())
        page = timed(lambda: api.get("/v2/et/service_instances", params={"limit": 100}).raise_for_status(), 20)
        fetches = timed(lambda: api.get("/v2/service_instances/scale-04242").raise_for_status(), 500)
    fetches.sort()
    print(f"store {args.store}: {args.instances} instances provisioned in {provision_seconds:.1f} s "
          f"({args.instances / provision_seconds:.0f}/s)")
    print(f"broker memory: {before:.0f} MB before, {after:.0f} MB after "
          f"({(after - before) * 1024 / args.instances:.1f} kB per instance)")
    print(f"GET /v2/et/service_instances ({count} instances): median {statistics.median(listing):.3f} s")
    print(f"GET /v2/et/service_instances?limit=100: median {1000 * statistics.median(page):.1f} ms")
    print(f"fetch one instance: p50 {1000 * fetches[len(fetches) // 2]:.1f} ms, "
          f"p99 {1000 * fetches[int(len(fetches) * 0.99)]:.1f} ms")


if __name__ == "__main__":
    main()
