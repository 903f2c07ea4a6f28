"""The README's curl walkthrough works as written against a fresh broker, so it cannot rot."""
import os
import re
import subprocess
from pathlib import Path

from adapters.docker_backend import LABEL
from tests.docker_engine import IMAGE, engine, ensure_test_image
from tests.process import BrokerProcess

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough() -> str:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    return "\n".join(b for b in blocks if "curl" in b)


def test_the_readme_curl_walkthrough_succeeds_step_by_step(tmp_path):
    """Dummy and Docker parts alike, with the locally built test image standing in for a
    pulled one (no registry is reachable here)."""
    client = engine()
    ensure_test_image(client)
    broker = BrokerProcess(tmp_path).wait_ready()
    try:
        # -f: any HTTP error fails the step; the port is the test broker's
        script = walkthrough().replace("curl -s", "curl -sSf").replace(":8080", f":{broker.port}")
        assert script.count("curl") >= 20
        done = subprocess.run(["bash", "-euc", script], capture_output=True, text=True, timeout=180,
                              env={**os.environ, "IMAGE": IMAGE})
        assert done.returncode == 0, done.stderr + done.stdout
        assert '"state": "succeeded"' in done.stdout
        assert "dummy://user:pass@host" in done.stdout
        # the operator's listing shows the live instance, and the deleted one when asked
        assert '"id": "inst-1"' in done.stdout and '"state": "deleted"' in done.stdout
        assert re.search(r'"uri": "http://127\.0\.0\.1:\d+/"', done.stdout), done.stdout
    finally:
        broker.stop()
    assert client.containers.list(all=True, filters={"label": f"{LABEL}=web-1"}) == []
    assert client.networks.list(filters={"label": f"{LABEL}=web-1"}) == []
