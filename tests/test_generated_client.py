"""gen_api_skels.sh: the spec validates, the committed typed client is what the script makes
of api.yaml today, and that client really talks to the broker."""
import filecmp
import subprocess
import sys
from pathlib import Path

from esm.config import Settings
from tests.osb import SERVICE_ID, setup
from tests.server import broker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "clients" / "python"))

from esm_client import AuthenticatedClient  # noqa: E402
from esm_client.api.catalog import get_catalog  # noqa: E402
from esm_client.api.instances import instance_last_operation, provision  # noqa: E402
from esm_client.models import ProvisionRequest  # noqa: E402


def differences(left: Path, right: Path) -> list:
    cmp = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [str(left / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for sub in cmp.common_dirs:
        found += differences(left / sub, right / sub)
    return found


def test_the_committed_client_is_current(tmp_path):
    done = subprocess.run([str(ROOT / "gen_api_skels.sh"), str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "api.yaml: OK" in done.stdout
    stale = differences(ROOT / "clients" / "python" / "esm_client", tmp_path / "esm_client")
    assert stale == [], f"run ./gen_api_skels.sh and commit: {stale}"


def test_the_generated_client_provisions_and_polls():
    settings = Settings(store_url="memory", username="u", password="p")
    with broker(settings, auth=("u", "p")) as api:
        setup(api)
        token = "dTpw"  # base64("u:p")
        client = AuthenticatedClient(base_url=f"{api.base_url}/v2", token=token, prefix="Basic")
        catalog = get_catalog.sync(client=client, x_broker_api_version="2.17")
        assert [s.id for s in catalog.services] == [SERVICE_ID]
        created = provision.sync_detailed(
            "c1", client=client, x_broker_api_version="2.17",
            body=ProvisionRequest(service_id=SERVICE_ID, plan_id="plan-a", organization_guid="o",
                                  space_guid="s"))
        assert created.status_code == 201
        state = instance_last_operation.sync("c1", client=client, x_broker_api_version="2.17")
        assert state.state == "succeeded"


def test_the_readme_client_example_runs_as_written_from_the_installed_package(tmp_path):
    """pip install ./clients/python into a fresh virtualenv, then the README's example, with basic
    auth, against a live broker."""
    import re
    import shutil
    import subprocess
    import sys

    from tests.osb import setup
    from tests.process import BrokerProcess

    readme = (ROOT / "README.md").read_text()
    example = re.search(r"## The Python client.*?```python\n(.*?)```", readme, re.S).group(1)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    package = tmp_path / "client"  # a copy: the build leaves its files beside the sources
    shutil.copytree(ROOT / "clients" / "python", package, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    subprocess.run([python, "-m", "pip", "install", "-q", str(package)], check=True, cwd=tmp_path)
    broker = BrokerProcess(tmp_path, {"ESM_BROKER_USERNAME": "broker",
                                      "ESM_BROKER_PASSWORD": "secret"}).wait_ready()
    try:
        with broker.client(auth=("broker", "secret")) as api:
            setup(api, {"credentials": {"uri": "dummy://x"}})
        script = example.replace(":8080", f":{broker.port}")
        done = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=60,
                              cwd=tmp_path)  # not the checkout: the installed package
        assert done.returncode == 0, done.stderr
        assert "succeeded" in done.stdout and "dummy://x" in done.stdout, done.stdout
    finally:
        broker.stop()
