"""A real MongoDB wire-protocol server for the tests: ESM_TEST_MONGODB_URI when set, otherwise
SecantusDB (PyPI secantusdb) started once per test session on a free loopback port. It fails,
never skips, when the server cannot start."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pymongo

from tests.server import free_port

_server: dict = {}


class MongoServer:
    """A SecantusDB process of our own (so tests can stop and restart it)."""

    def __init__(self, port: int | None = None, storage: str | None = None):
        self.port = port or free_port()
        self.storage = storage or tempfile.mkdtemp(prefix="esm-secantus-")
        self.uri = f"mongodb://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> "MongoServer":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(self.port),
             "--storage-path", self.storage],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500).admin.command("ping")
                return self
            except pymongo.errors.PyMongoError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the MongoDB wire-protocol server (secantus) did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.storage, ignore_errors=True)


def mongodb_uri() -> str:
    """The session's MongoDB server address (started on first use)."""
    if os.environ.get("ESM_TEST_MONGODB_URI"):
        return os.environ["ESM_TEST_MONGODB_URI"].rstrip("/")
    if "server" not in _server:
        _server["server"] = MongoServer().start()
        atexit.register(_server["server"].remove)
    return _server["server"].uri


def fresh_database_uri() -> str:
    """A URI naming a database no other test uses."""
    return f"{mongodb_uri()}/esm_test_{uuid.uuid4().hex[:12]}"
