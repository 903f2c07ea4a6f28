"""Run the real ESM app under uvicorn on a free loopback port, in a thread of the test process."""
from __future__ import annotations

import contextlib
import socket
import threading
import time

import httpx
import uvicorn

from esm.app import create_app
from esm.config import Settings

VERSION = {"X-Broker-API-Version": "2.17"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(app):
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test broker did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def broker(settings: Settings | None = None, store=None, backends=None, auth=None):
    """A client (httpx) for a live broker; every request carries the API version header."""
    app = create_app(settings or Settings(store_url="memory"), store=store, backends=backends,
                     validate_responses=True)
    with running_app(app) as url:
        with httpx.Client(base_url=url, headers=VERSION, auth=auth, timeout=30) as client:
            client.app = app
            yield client
