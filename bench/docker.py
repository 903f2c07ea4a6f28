"""Provisioning latency of the Docker backend next to plain `docker run`, in one run.

    python -m bench.docker [--rounds 5] [--concurrent 20]

Needs a running Docker engine (as the tests do; the test image is built the same way). For a
two-container manifest, measures the time from PUT to last_operation `succeeded`, next to the
time the same network and two containers take with the Docker CLI, with and without the check
the ESM makes before it says succeeded (the containers still run STEADY_SECONDS later); then N
instances provisioned concurrently.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import yaml

from adapters.docker_backend import STEADY_SECONDS
from bench.__main__ import HEADERS, esm
from tests.docker_engine import IMAGE, engine, ensure_test_image

SERVICE = {"id": "svc-docker-bench", "name": "docker-bench", "description": "bench", "bindable": True,
           "plans": [{"id": "plan-docker-bench", "name": "two", "description": "two containers"}]}
MANIFEST = {"services": {"a": {"image": IMAGE, "command": ["sleep", "3600"]},
                         "b": {"image": IMAGE, "command": ["sleep", "3600"], "depends_on": ["a"]}}}


def provision_seconds(api: httpx.Client, instance_id: str) -> float:
    started = time.perf_counter()
    body = {"service_id": SERVICE["id"], "plan_id": SERVICE["plans"][0]["id"]}
    op = api.put(f"/v2/service_instances/{instance_id}?accepts_incomplete=true", json=body).json()["operation"]
    while True:
        state = api.get(f"/v2/service_instances/{instance_id}/last_operation",
                        params={"operation": op}).json()["state"]
        if state != "in progress":
            assert state == "succeeded", state
            return time.perf_counter() - started
        time.sleep(0.02)


def deprovision(api: httpx.Client, instance_id: str) -> None:
    params = {"service_id": SERVICE["id"], "plan_id": SERVICE["plans"][0]["id"],
              "accepts_incomplete": "true"}
    op = api.delete(f"/v2/service_instances/{instance_id}", params=params).json()["operation"]
    while api.get(f"/v2/service_instances/{instance_id}/last_operation",
                  params={"operation": op}).json()["state"] == "in progress":
        time.sleep(0.05)


def docker_cli_seconds(check_steady: bool) -> float:
    """The same network and containers with the CLI; with check_steady, also what the ESM checks
    before it says succeeded: both containers still run STEADY_SECONDS after starting."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    subprocess.run(["docker", "network", "create", name], check=True, capture_output=True)
    for svc in ("a", "b"):
        subprocess.run(["docker", "run", "-d", "--name", f"{name}-{svc}", "--network", name,
                        IMAGE, "sleep", "3600"], check=True, capture_output=True)
    if check_steady:
        time.sleep(STEADY_SECONDS)
        running = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", f"{name}-a", f"{name}-b"],
                                 check=True, capture_output=True, text=True).stdout.split()
        assert running == ["true", "true"], running
    elapsed = time.perf_counter() - started
    subprocess.run(["docker", "rm", "-f", f"{name}-a", f"{name}-b"], check=True, capture_output=True)
    subprocess.run(["docker", "network", "rm", name], check=True, capture_output=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args()
    ensure_test_image(engine())
    cli = [docker_cli_seconds(False) for _ in range(args.rounds)]
    cli_checked = [docker_cli_seconds(True) for _ in range(args.rounds)]
    with esm("memory", tempfile.mkdtemp(prefix="esm-bench-")) as url, \
            httpx.Client(base_url=url, headers=HEADERS, timeout=60) as api:
        api.put("/v2/et/catalog", json=SERVICE).raise_for_status()
        api.put("/v2/et/manifest/docker-bench", json={
            "service_id": SERVICE["id"], "plan_id": SERVICE["plans"][0]["id"],
            "manifest_type": "docker-compose", "manifest_content": yaml.safe_dump(MANIFEST)}).raise_for_status()
        ids = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(args.rounds)]
        esm_times = []
        for instance_id in ids:
            esm_times.append(provision_seconds(api, instance_id))
            deprovision(api, instance_id)
        many = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(args.concurrent)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrent) as pool:
            list(pool.map(lambda i: provision_seconds(api, i), many))
        concurrent_total = time.perf_counter() - started
        with ThreadPoolExecutor(args.concurrent) as pool:
            list(pool.map(lambda i: deprovision(api, i), many))
    cli_median, checked_median = statistics.median(cli), statistics.median(cli_checked)
    esm_median = statistics.median(esm_times)
    print(f"two containers + network, median of {args.rounds}:")
    print(f"  {'docker CLI':36}{cli_median:6.2f} s")
    print(f"  {f'docker CLI, then {STEADY_SECONDS} s steady check':36}{checked_median:6.2f} s")
    print(f"  {'ESM PUT -> succeeded':36}{esm_median:6.2f} s   "
          f"({100 * (esm_median / cli_median - 1):+.0f}% over the CLI, "
          f"{100 * (esm_median / checked_median - 1):+.0f}% over the checked CLI)")
    print(f"{args.concurrent} instances provisioned concurrently: {concurrent_total:.2f} s in all")


if __name__ == "__main__":
    sys.exit(main())
