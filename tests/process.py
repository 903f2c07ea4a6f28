"""Start runesm.py as a real process (as a newcomer would) and wait until it answers."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server import VERSION, free_port

RUNESM = Path(__file__).resolve().parent.parent / "runesm.py"


class BrokerProcess:
    def __init__(self, cwd, env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("ESM_")}
        full_env.update({"ESM_PORT": str(self.port), **(env or {})})
        self.proc = subprocess.Popen([sys.executable, str(RUNESM)], cwd=cwd, env=full_env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait_ready(self, timeout=20.0) -> "BrokerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker exited {self.proc.returncode}: {self.output()}")
            try:
                httpx.get(f"{self.url}/v2/openapi.json", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("broker did not answer in time")

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=VERSION, timeout=30, **kwargs)

    def output(self) -> str:
        if self.proc.poll() is None:
            self.stop()
        return self.proc.stdout.read()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
