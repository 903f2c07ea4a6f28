"""/health latency while hostile provisions and registrations run.

    python -m bench.hostile [--seconds 20] [--attackers 8]

Starts the ESM (runesm.py, basic auth on, default SQLite store) on loopback, registers a plan
whose schema has the catastrophic-backtracking pattern `^(a+)+$`, then runs `attackers` threads
that send, round after round: a provision whose parameter is 60,000 `a`s and a `!` (Python's `re`
would take hours), a 250 kB compose manifest, a 250 kB dummy manifest nested 30 levels deep,
and a plan schema with a `$ref` loop. Meanwhile one client asks GET /health every 10 ms;
reports its p50/p99/max latency and how many hostile requests got which status.
"""
from __future__ import annotations

import argparse
import collections
import statistics
import tempfile
import threading
import time

import httpx
import yaml

from bench.__main__ import HEADERS, esm

SERVICE = {"id": "svc-hostile", "name": "hostile", "description": "hostile load", "bindable": False,
           "plans": [{"id": "plan-hostile", "name": "p", "description": "evil pattern",
                      "schemas": {"service_instance": {"create": {"parameters": {
                          "$schema": "http://json-schema.org/draft-07/schema#",
                          "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}}}}}]}
BIG_COMPOSE = yaml.safe_dump({"services": {f"s{i}": {
    "image": "x", "environment": {f"K{j}": "v" * 40 for j in range(100)}} for i in range(45)}})
DEEP_DUMMY = "credentials:\n" + "".join("  " * (d + 1) + f"k{d}:\n" for d in range(29)) + \
    "  " * 30 + "leaf: " + "x" * 240_000 + "\n"
LOOP_SCHEMA = {**SERVICE, "id": "svc-loop", "name": "loop", "plans": [{
    "id": "plan-loop", "name": "p", "description": "loop", "schemas": {"service_instance": {
        "create": {"parameters": {"$schema": "http://json-schema.org/draft-07/schema#",
                                  "$ref": "#"}}}}}]}


KINDS = [0, 1, 2, 3]  # which of the hostile requests to send (--only)


def attack(url: str, stop: threading.Event, counts: collections.Counter, lock: threading.Lock) -> None:
    with httpx.Client(base_url=url, headers=HEADERS, timeout=120) as api:
        n = 0
        while not stop.is_set():
            n += 1
            tid = threading.get_ident()
            requests = [
                lambda: api.put(f"/v2/service_instances/h-{tid}-{n}", json={
                    "service_id": "svc-hostile", "plan_id": "plan-hostile", "organization_guid": "o",
                    "space_guid": "s", "parameters": {"name": "a" * 60_000 + "!"}}),
                lambda: api.put(f"/v2/et/manifest/big-{tid}", json={
                    "service_id": "svc-hostile", "plan_id": "plan-hostile",
                    "manifest_type": "docker-compose", "manifest_content": BIG_COMPOSE + f"# {n}\n"}),
                lambda: api.put(f"/v2/et/manifest/deep-{tid}", json={
                    "service_id": "svc-hostile", "plan_id": "plan-hostile",
                    "manifest_type": "dummy", "manifest_content": DEEP_DUMMY + f"# {n}\n"}),
                lambda: api.put("/v2/et/catalog", json=LOOP_SCHEMA),
            ]
            for send in [requests[i] for i in KINDS]:
                if stop.is_set():
                    break
                status = send().status_code
                with lock:
                    counts[status] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--only", type=int, nargs="+", choices=KINDS, default=KINDS,
                        help="send only these hostile requests (0 provision, 1 compose, 2 deep "
                             "dummy, 3 schema loop)")
    args = parser.parse_args()
    KINDS[:] = args.only
    with esm("default", tempfile.mkdtemp(prefix="esm-hostile-")) as url:
        httpx.put(f"{url}/v2/et/catalog", headers=HEADERS, json=SERVICE).raise_for_status()
        stop, lock, counts = threading.Event(), threading.Lock(), collections.Counter()
        attackers = [threading.Thread(target=attack, args=(url, stop, counts, lock))
                     for _ in range(args.attackers)]
        for t in attackers:
            t.start()
        latencies, failures = [], 0
        with httpx.Client(base_url=url, timeout=30) as probe:
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                failures += probe.get("/health").status_code != 200
                latencies.append((time.perf_counter() - started) * 1000)
                time.sleep(0.01)
        stop.set()
        for t in attackers:
            t.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{args.attackers} attackers, {args.seconds} s: /health {len(latencies)} probes, "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms, "
          f"{failures} not 200")
    print("hostile requests by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
