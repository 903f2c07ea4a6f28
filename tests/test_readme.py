"""The README's curl walkthrough works as written against a fresh broker, so it cannot rot."""
import os
import re
import subprocess
import uuid
from pathlib import Path

from adapters.backends.docker.naming import BROKER_LABEL, LABEL
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
    # its own broker id: another run of the walkthrough on the shared engine makes a web-1 too
    broker_id = f"readme-{uuid.uuid4().hex[:8]}"
    broker = BrokerProcess(tmp_path, env={"ESM_BROKER_ID": broker_id}).wait_ready()
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
    ours = {"label": [f"{LABEL}=web-1", f"{BROKER_LABEL}={broker_id}"]}
    assert client.containers.list(all=True, filters=ours) == []
    assert client.networks.list(filters=ours) == []


def _table_rows(heading: str) -> list:
    """The first cells of the table under the line starting `heading`."""
    text = README.read_text().split(heading, 1)[1]
    table = re.search(r"\n(\|.*\|\n)+", text).group(0)
    return [line.split("|")[1] for line in table.strip().splitlines()[2:]]


def test_every_setting_is_in_the_settings_table():
    from tests.test_shipping import SETTINGS
    documented = {n for cell in _table_rows("## Settings") for n in re.findall(r"`(\w+)`", cell)}
    assert SETTINGS <= documented, SETTINGS - documented


def test_the_readme_says_what_happens_to_every_compose_service_key():
    from adapters.backends.docker.compose import SERVICE_KEYS
    from adapters.backends.docker.policy import IGNORED_KEYS, REFUSED_KEYS
    listed = {k for cell in _table_rows("Every service key of the Compose Specification")
              for k in re.findall(r"`(\w+)`", cell)}
    assert SERVICE_KEYS | set(REFUSED_KEYS) | IGNORED_KEYS <= listed
    assert listed <= SERVICE_KEYS | set(REFUSED_KEYS) | IGNORED_KEYS | {"driver_opts"}
