"""Throughput of the ESM next to the same dummy broker on openbrokerapi and on the floor (a bare
ASGI app on the same uvicorn, bench/floor.py), in one run.

    python -m bench [--seconds 5] [--connections 16] [--stores memory sqlite mongodb]
                    [--sqlite-sync normal|full]

Needs wrk (Debian: apt-get install wrk) and, for the peer, `pip install openbrokerapi gunicorn`.
Starts on loopback: the ESM (runesm.py) on the memory store, on the default SQLite store and on
MongoDB (SecantusDB, the wire-protocol server the tests use), and the peer under gunicorn with
one worker; all with basic auth on. Each endpoint is driven by
wrk with the same load; prints req/s, p50/p99 latency and the ESM/peer ratio.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.mongo import MongoServer

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "bench", "bench"
AUTH = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
HEADERS = {"X-Broker-API-Version": "2.17", "Authorization": AUTH}
SERVICE_ID, PLAN_ID = "svc-bench", "plan-bench"
FIXED = "bench-fixed"
PROVISION_BODY = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
                  "space_guid": "s", "parameters": {"size": 1}}

ENDPOINTS = {
    "catalog": ("GET", "/v2/catalog", None),
    "provision": ("PUT", "/v2/service_instances/{unique}", PROVISION_BODY),
    "last_operation": ("GET", f"/v2/service_instances/{FIXED}/last_operation", None),
    "fetch": ("GET", f"/v2/service_instances/{FIXED}", None),
}


STARTED: dict[str, int] = {}  # url -> pid of the server answering there


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server at {url} exited with {proc.returncode}")
        try:
            httpx.get(f"{url}/v2/catalog", headers=HEADERS, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


@contextlib.contextmanager
def server(cmd: list[str], env: dict, cwd: str):
    port = free_port()
    full_env = {**{k: v for k, v in os.environ.items() if not k.startswith("ESM_")}, **env}
    full_env = {k: v.replace("{port}", str(port)) for k, v in full_env.items()}
    cmd = [c.replace("{port}", str(port)) for c in cmd]
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    STARTED[url] = proc.pid
    try:
        wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def esm(store: str, workdir: str, sqlite_sync: str):
    env = {"ESM_PORT": "{port}", "ESM_BROKER_USERNAME": USER, "ESM_BROKER_PASSWORD": PASSWORD,
           "ESM_LOG_LEVEL": "WARNING", "ESM_DATA_DIR": workdir, "ESM_SQLITE_SYNC": sqlite_sync}
    if store != "default":
        env["ESM_STORE"] = store
    return server([sys.executable, str(ROOT / "runesm.py")], env, workdir)


def peer(workdir: str):
    return server([sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:{port}",
                   "--log-level", "warning", "bench.peer_openbrokerapi:app"],
                  {"BENCH_USER": USER, "BENCH_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}, workdir)


def floor(workdir: str):
    """bench/floor.py: the same dummy broker as a bare ASGI app, on the same uvicorn."""
    return server([sys.executable, "-m", "uvicorn", "bench.floor:app", "--host", "127.0.0.1",
                   "--port", "{port}", "--log-level", "warning", "--no-access-log"],
                  {"BENCH_USER": USER, "BENCH_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}, workdir)


def prepare_esm(url: str) -> None:
    with httpx.Client(base_url=url, headers=HEADERS) as c:
        c.put("/v2/et/catalog", json={"id": SERVICE_ID, "name": "bench", "description": "benchmark",
                                      "bindable": True, "instances_retrievable": True,
                                      "plans": [{"id": PLAN_ID, "name": "default",
                                                 "description": "the plan"}]}).raise_for_status()
        c.put("/v2/et/manifest/bench", json={"service_id": SERVICE_ID, "plan_id": PLAN_ID,
                                             "manifest_type": "dummy",
                                             "manifest_content": "provision_seconds: 0"}).raise_for_status()


def provision_fixed(url: str) -> None:
    r = httpx.put(f"{url}/v2/service_instances/{FIXED}", headers=HEADERS, json=PROVISION_BODY)
    assert r.status_code in (200, 201), r.text


LUA = """
local counter = 0
local next_id = 0
function setup(thread) thread:set("tid", next_id); next_id = next_id + 1 end
wrk.method = %(method)s
wrk.headers["X-Broker-API-Version"] = "2.17"
wrk.headers["Authorization"] = %(auth)s
%(body)s
request = function()
  counter = counter + 1
  local path = string.gsub(%(path)s, "{unique}", "i-" .. tid .. "-" .. counter)
  return wrk.format(nil, path)
end
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
              + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %%f %%f %%f %%d %%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for our ASCII texts


def drive(url: str, endpoint: str, seconds: int, connections: int) -> dict:
    method, path, body = ENDPOINTS[endpoint]
    script = LUA % {
        "method": lua_string(method), "auth": lua_string(AUTH), "path": lua_string(path),
        "body": (f'wrk.body = {lua_string(json.dumps(body))}\n'
                 'wrk.headers["Content-Type"] = "application/json"') if body else "",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
                              "-s", f.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    rps, p50, p99, errors, total = line.split()[1:]
    return {"rps": float(rps), "p50_ms": float(p50), "p99_ms": float(p99),
            "errors": int(errors), "requests": int(total)}


def measure(target, prepare, seconds: int, connections: int) -> dict:
    results = {}
    for endpoint in ENDPOINTS:
        with target() as url:  # a fresh server per endpoint: no run warms or fills the next
            prepare(url)
            provision_fixed(url)
            drive(url, endpoint, 1, connections)  # warm-up
            results[endpoint] = drive(url, endpoint, seconds, connections)
    return results


def label(store: str, sqlite_sync: str) -> str:
    return f"esm {store}" + (f" {sqlite_sync}" if store == "sqlite" and sqlite_sync != "normal" else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--stores", nargs="+", default=["memory", "sqlite", "mongodb"],
                        choices=["memory", "sqlite", "mongodb"], help="the ESM stores to measure")
    parser.add_argument("--sqlite-sync", default="normal", choices=["normal", "full"],
                        help="ESM_SQLITE_SYNC of the SQLite runs (full: an fsync per commit)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench needs wrk: apt-get install wrk")
    workdir = tempfile.mkdtemp(prefix="esm-bench-")
    mongo = MongoServer().start() if "mongodb" in args.stores else None  # SecantusDB, as in the tests
    store_urls = {"memory": lambda: "memory", "sqlite": lambda: "default",
                  "mongodb": lambda: f"{mongo.uri}/bench{time.monotonic_ns()}"}
    try:
        runs = {label(store, args.sqlite_sync): measure(
                    lambda: esm(store_urls[store](), tempfile.mkdtemp(dir=workdir), args.sqlite_sync),
                    prepare_esm, args.seconds, args.connections)
                for store in args.stores}
        runs["openbrokerapi"] = measure(lambda: peer(workdir), lambda url: None, args.seconds,
                                        args.connections)
        runs["floor"] = measure(lambda: floor(workdir), lambda url: None, args.seconds,
                                args.connections)
    finally:
        if mongo is not None:
            mongo.remove()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{args.connections} connections, {args.seconds} s per endpoint, basic auth on, loopback, "
          f"{os.cpu_count()} cores")
    print(f"{'endpoint':<16}{'target':<16}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'vs peer':>9}{'vs floor':>10}")
    for endpoint in ENDPOINTS:
        base, bottom = runs["openbrokerapi"][endpoint]["rps"], runs["floor"][endpoint]["rps"]
        for target, results in runs.items():
            r = results[endpoint]
            print(f"{endpoint:<16}{target:<16}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                  f"{r['errors']:>8}{r['rps'] / base:>9.2f}{r['rps'] / bottom:>10.2f}")
    print("JSON " + json.dumps(runs))


if __name__ == "__main__":
    main()
