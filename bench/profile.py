"""CPU cost per request of the real ESM, in-process and by stage: what the wall-clock bench
cannot tell on a shared machine.

    python -m bench.profile [--requests 3000] [--store sqlite|memory] [--log-level INFO|WARNING]
                            [--endpoints provision fetch ...] [--repeats 3] [--top 0]
                            [--app esm|floor]

The app is built as runesm.py builds it (default SQLite store in a temporary folder, basic auth
on, the same logging set-up and collector tuning) and served by uvicorn's own HTTP protocol
(httptools) over an in-memory transport: every request is parsed, routed, validated, answered,
logged and counted exactly as on a socket, but no client shares the CPU and no kernel is in the
measure. Requests go one at a time on one keep-alive connection.

For each endpoint it prints the CPU microseconds per request (time.process_time, the best of
--repeats rounds, no profiler attached), then a profile of the same requests under cProfile with
each function's own time put in a stage by the module it is in (built-ins and the standard
library by the module that called them), scaled to the unprofiled total; the time of the
bench's own client (writing requests, reading answers) is measured the same way and left out:

    server       uvicorn, httptools, asyncio (the event loop)
    middlewares  esm/protocol.py, esm/_connexion/routing.py, starlette, Connexion's middleware plumbing
    validation   esm/_connexion/validation.py, esm/validation_errors.py, Connexion's validators,
                 jsonschema, fastjsonschema
    views        esm/_connexion/app.py, the controllers, esm/versions.py
    broker       esm/broker.py, catalog, models, views (the domain)
    store        adapters/ (the stores, and the dummy backend) and the sqlite3 calls (commits included)
    json         json / orjson encoding and decoding
    logging      the logging package and esm/logs.py
    metrics      prometheus_client and esm/metrics.py
    other        anything else
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import gc
import logging
import os
import pstats
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from uvicorn.config import Config  # noqa: E402
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: E402
from uvicorn.server import ServerState  # noqa: E402

from esm.app import create_app  # noqa: E402
from esm.config import Settings  # noqa: E402
from esm.logs import configure as configure_logging  # noqa: E402

USER, PASSWORD = "bench", "bench"
AUTH = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
SERVICE = (b'{"id": "svc-bench", "name": "bench", "description": "benchmark", "bindable": true, '
           b'"instances_retrievable": true, "plans": [{"id": "plan-bench", "name": "default", '
           b'"description": "the plan"}]}')
MANIFEST = (b'{"service_id": "svc-bench", "plan_id": "plan-bench", "manifest_type": "dummy", '
            b'"manifest_content": "provision_seconds: 0"}')
PROVISION = (b'{"service_id": "svc-bench", "plan_id": "plan-bench", "organization_guid": "o", '
             b'"space_guid": "s", "parameters": {"size": 1}}')
FIXED = "bench-fixed"
# the same requests as `python -m bench` sends
ENDPOINTS = {
    "catalog": ("GET", "/v2/catalog", None),
    "provision": ("PUT", "/v2/service_instances/{unique}", PROVISION),
    "last_operation": ("GET", f"/v2/service_instances/{FIXED}/last_operation", None),
    "fetch": ("GET", f"/v2/service_instances/{FIXED}", None),
}

STAGES = ("server", "middlewares", "validation", "views", "broker", "store", "json", "logging",
          "metrics", "other")
_STAGE_OF_PATH = (  # first match wins; matched against the code file's path
    ("/esm/protocol.py", "middlewares"), ("/esm/_connexion/routing.py", "middlewares"),
    ("/esm/app.py", "middlewares"), ("/esm/_connexion/validation.py", "validation"),
    ("/esm/validation_errors.py", "validation"),
    ("/esm/_connexion/app.py", "views"), ("/esm/controllers/", "views"), ("/esm/versions.py", "views"),
    ("/esm/metrics.py", "metrics"), ("/esm/logs.py", "logging"), ("/esm/access_log.py", "logging"),
    ("/esm/", "broker"), ("/adapters/", "store"),
    ("/connexion/validators/", "validation"), ("/connexion/json_schema", "validation"),
    ("/jsonschema/", "validation"), ("/fastjsonschema/", "validation"),
    ("/connexion/middleware/request_validation", "validation"),
    ("/connexion/middleware/response_validation", "validation"),
    ("/connexion/", "middlewares"), ("/starlette/", "middlewares"),
    ("/uvicorn/", "server"), ("/httptools/", "server"), ("/asyncio/", "server"), ("/uvloop/", "server"),
    ("/prometheus_client/", "metrics"), ("/logging/", "logging"),
    ("/json/", "json"), ("/orjson", "json"),
)
_STAGE_OF_BUILTIN = (("sqlite3", "store"), ("orjson", "json"), ("_json", "json"),
                     ("json", "json"), ("uvloop", "server"), ("httptools", "server"))


def stage_of(filename: str, function: str) -> str:
    if filename == "~":  # a built-in: "<method 'execute' of 'sqlite3.Connection' objects>"
        for needle, stage in _STAGE_OF_BUILTIN:
            if needle in function:
                return stage
        return "other"
    path = filename.replace(os.sep, "/")
    for needle, stage in _STAGE_OF_PATH:
        if needle in path:
            return stage
    return "other"


class MemoryTransport(asyncio.Transport):
    """What uvicorn writes, kept; a response is complete when its body is (content-length)."""

    def __init__(self):
        super().__init__()
        self.buffer = bytearray()
        self.closed = False

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8080)}.get(name, default)

    def write(self, data):
        self.buffer += data

    def is_closing(self):
        return self.closed

    def close(self):
        self.closed = True

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass

    def take_response(self):
        """(status, body) of the first complete response in the buffer, or None."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = bytes(self.buffer[:head_end]).decode("latin-1").split("\r\n")
        length = next(int(line.split(":", 1)[1]) for line in head[1:]
                      if line.lower().startswith("content-length:"))
        end = head_end + 4 + length
        if len(self.buffer) < end:
            return None
        body = bytes(self.buffer[head_end + 4:end])
        del self.buffer[:end]
        return int(head[0].split()[1]), body


def raw_request(method: str, path: str, body: bytes | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8080", "X-Broker-API-Version: 2.17",
             f"Authorization: {AUTH}", "User-Agent: bench.profile"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class Connection:
    """One keep-alive connection into uvicorn's HTTP protocol for the app."""

    def __init__(self, app, loop):
        config = Config(app, lifespan="off", access_log=False, log_config=None, http="httptools")
        config.load()
        self.loop = loop
        self.transport = MemoryTransport()
        self.protocol = HttpToolsProtocol(config, ServerState(), {}, loop)
        self.protocol.connection_made(self.transport)

    async def request(self, method: str, path: str, body: bytes | None = None):
        self.protocol.data_received(raw_request(method, path, body))
        while True:
            answer = self.transport.take_response()
            if answer is not None:
                return answer
            await asyncio.sleep(0)


async def lifespan(app, phase: str) -> None:
    """Runs the app's lifespan startup (phase 'startup'); returns a shutdown coroutine."""
    queue: asyncio.Queue = asyncio.Queue()
    done: asyncio.Queue = asyncio.Queue()

    async def receive():
        return await queue.get()

    async def send(message):
        await done.put(message)
    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                     receive, send))
    await queue.put({"type": "lifespan.startup"})
    message = await done.get()
    assert message["type"] == "lifespan.startup.complete", message

    async def shutdown():
        await queue.put({"type": "lifespan.shutdown"})
        await done.get()
        await task
    return shutdown


class Driver:
    def __init__(self, connection: Connection):
        self.connection = connection
        self.counter = 0

    async def run(self, endpoint: str, count: int) -> None:
        method, path, body = ENDPOINTS[endpoint]
        for _ in range(count):
            self.counter += 1
            status, answer = await self.connection.request(
                method, path.replace("{unique}", f"p-{self.counter}"), body)
            if status >= 300:
                raise SystemExit(f"{endpoint}: {status} {answer[:300]!r}")


def by_stage(profile: cProfile.Profile) -> dict[str, float]:
    """Each function's own time in its stage. A function of no stage of its own (a built-in
    such as dict.get, the standard library) counts for the stages of its callers, in the
    shares of its time each caller's calls took; the bench's client counts as `client`."""
    stats = pstats.Stats(profile).stats
    shares: dict = {}

    def stage_shares(key, seen=()) -> dict[str, float]:
        if key in shares:
            return shares[key]
        filename, _line, function = key
        if "/bench/profile.py" in filename:
            found = {"client": 1.0}
        else:
            stage = stage_of(filename, function)
            found = {stage: 1.0}
            callers = stats.get(key, (0, 0, 0, 0, {}))[4]
            total = sum(c[2] for c in callers.values())
            if stage == "other" and total > 0 and key not in seen:
                found = {}
                for caller, (_cc, _nc, tottime, _ct) in callers.items():
                    for name, share in stage_shares(caller, (*seen, key)).items():
                        found[name] = found.get(name, 0.0) + share * tottime / total
        shares[key] = found
        return found

    own = dict.fromkeys((*STAGES, "client"), 0.0)
    for key, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for stage, share in stage_shares(key).items():
            own[stage] += tottime * share
    return own


def top_functions(profile: cProfile.Profile, count: int) -> None:
    pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(count)


async def main_async(args) -> None:
    folder = tempfile.mkdtemp(prefix="esm-profile-")
    env = {"ESM_DATA_DIR": folder, "ESM_BROKER_USERNAME": USER, "ESM_BROKER_PASSWORD": PASSWORD,
           "ESM_LOG_LEVEL": args.log_level}
    if args.store == "memory":
        env["ESM_STORE"] = "memory"
    settings = Settings.from_env(env)
    configure_logging(settings.log_level, settings.log_format)
    logging.getLogger().handlers[0].stream = open(os.devnull, "w")  # formatted, then dropped
    if args.app == "floor":
        os.environ.update(BENCH_USER=USER, BENCH_PASSWORD=PASSWORD)
        from bench.floor import app

        async def shutdown():
            pass
        setup = [("PUT", f"/v2/service_instances/{FIXED}", PROVISION)]
    else:
        app = create_app(settings)
        shutdown = await lifespan(app, "startup")
        setup = [("PUT", "/v2/et/catalog", SERVICE), ("PUT", "/v2/et/manifest/bench", MANIFEST),
                 ("PUT", f"/v2/service_instances/{FIXED}", PROVISION)]
    connection = Connection(app, asyncio.get_running_loop())
    for method, path, body in setup:
        status, answer = await connection.request(method, path, body)
        assert status in (200, 201), (status, answer)
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)  # as runesm.py
    driver = Driver(connection)
    print(f"{args.app}: store {args.store}, log level {args.log_level}, {args.requests} requests per round, "
          f"best of {args.repeats}, CPU us per request")
    print(f"{'endpoint':<16}{'total':>7}  " + "".join(f"{s:>12}" for s in STAGES))
    for endpoint in args.endpoints:
        await driver.run(endpoint, 200)  # warm-up
        rounds = []
        for _ in range(args.repeats):
            started = time.process_time()
            await driver.run(endpoint, args.requests)
            rounds.append((time.process_time() - started) / args.requests * 1e6)
        total = min(rounds)
        profile = cProfile.Profile()
        profile.enable()
        await driver.run(endpoint, args.requests)
        profile.disable()
        own = by_stage(profile)
        profiled = sum(own.values())
        total *= 1 - own.pop("client") / profiled  # the bench's own request writing and reading
        profiled = sum(own.values())
        print(f"{endpoint:<16}{total:>7.1f}  " +
              "".join(f"{own[s] / profiled * total:>12.1f}" for s in STAGES))
        if args.top:
            top_functions(profile, args.top)
    await shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--store", default="sqlite", choices=["sqlite", "memory"])
    parser.add_argument("--log-level", default="INFO", choices=["INFO", "WARNING"],
                        help="INFO: every request's access line is formatted (the default of "
                             "ESM_LOG_LEVEL); WARNING: as python -m bench runs it")
    parser.add_argument("--endpoints", nargs="+", default=list(ENDPOINTS), choices=list(ENDPOINTS))
    parser.add_argument("--app", default="esm", choices=["esm", "floor"],
                        help="floor: bench/floor.py through the same server, for scale")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    args = parser.parse_args()
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
