"""Every setting is checked at start: a bad value is one line naming the setting and the value,
exit status 2, no traceback, and nothing is created. Every setting the code reads has its bad
values here."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from esm.config import ConfigError, Settings, is_loopback

ROOT = Path(__file__).resolve().parent.parent
READ = set(re.findall(r'"((?:ESM_|DOCKER_)[A-Z0-9_]+)"', (ROOT / "esm" / "config.py").read_text()))

BAD = {
    "ESM_PORT": ["0", "70000", "-1", "http", "80.5"],
    "ESM_IP": ["not an address", "999.1.1.1x", "-host", "127.0.0.256"],
    "ESM_BROKER_USERNAME": [None, "a:b"],  # alone, without the password; with a ':'
    "ESM_BROKER_PASSWORD": [None],  # alone, without the username
    "ESM_DATA_DIR": ["/proc/esm", "/dev/null/esm"],
    "ESM_STORE": ["postgres://x", "mongodb://", "mongodb:///esm", "sqlite:///", "mongodb://a,,b/esm",
                  "sqlite:////tmp", "sqlite:///x.db?mode=ro"],
    "ESM_MONGO_HOST": [","],
    "ESM_MAX_BODY_BYTES": ["0", "10", "2000000000", "1e6"],
    "ESM_MAX_MANIFEST_BYTES": ["0", "999999999999"],
    "ESM_MAX_PARAMETERS_BYTES": ["0", "-3"],
    "ESM_OPERATION_TIMEOUT": ["0", "-5", "99999999999"],
    "ESM_SYNC_OPERATION_TIMEOUT": ["0", "3601", "fifty"],
    "ESM_OPERATION_LEASE": ["1", "100000", "soon"],
    "ESM_WORKER_THREADS": ["0", "100000"],
    "ESM_LOG_LEVEL": ["LOUD"],
    "ESM_LOG_FORMAT": ["xml"],
    "ESM_BROKER_ID": ["UPPER", "a" * 17, "with space", "-lead"],
    "ESM_SQLITE_SYNC": ["off", "2"],
    "ESM_MONGODB_WRITE_CONCERN": ["0", "-1", "most"],
    "ESM_MONGODB_JOURNAL": ["yes", "1"],
    "DOCKER_HOST": ["/var/run/docker.sock", "ftp://x"],
    "ESM_DOCKER_HOST_ADDRESS": ["has space", "a/b"],
    "ESM_DOCKER_ALLOW_PRIVILEGED": ["yes"],
    "ESM_DOCKER_ALLOWED_BIND_PATHS": ["relative/path", "/", "/srv/../etc"],
    "ESM_DOCKER_MAX_SERVICES": ["0", "5000"],
    "ESM_DOCKER_MAX_REPLICAS": ["0", "5000"],
    "ESM_DOCKER_MAX_PORTS": ["0", "5000"],
    "ESM_DOCKER_DEFAULT_MEMORY": ["1k", "lots"],
    "ESM_DOCKER_MAX_MEMORY": ["1", "-1g"],
    "ESM_DOCKER_MAX_CPUS": ["0", "many", "-1"],
    "ESM_DOCKER_PIDS_LIMIT": ["0", "1", "99999999"],
    "ESM_DOCKER_EXTERNAL_NETWORKS": ["has space", "-lead", "a/b", "x" * 64],
}


def env_for(name, value) -> dict:
    if value is None:
        return {name: "x"}
    if name == "ESM_BROKER_USERNAME":
        return {name: value, "ESM_BROKER_PASSWORD": "p"}
    env = {name: value}
    if name == "ESM_MONGO_HOST":
        env["ESM_STORE"] = ""
    return env


def test_every_setting_the_code_reads_has_its_bad_values_tested():
    assert READ - set(BAD) == set(), "settings without bad values in this test"


@pytest.mark.parametrize("name,value", [(n, v) for n, values in BAD.items() for v in values])
def test_a_bad_value_is_refused_naming_the_setting(name, value):
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env_for(name, value))
    message = str(refused.value)
    partner = {"ESM_BROKER_USERNAME": "ESM_BROKER_PASSWORD", "ESM_BROKER_PASSWORD": "ESM_BROKER_USERNAME"}
    assert name in message or partner.get(name, "") in message or (
        name == "ESM_MONGO_HOST" and "ESM_STORE" in message), message
    assert "\n" not in message


@pytest.mark.parametrize("env", [{"ESM_PORT": "70000"}, {"ESM_DATA_DIR": "/proc/esm"},
                                 {"ESM_STORE": "mongodb://"}, {"ESM_OPERATION_LEASE": "1"},
                                 {"ESM_STORE": "mongodb://h/e$m"}, {"ESM_STORE": "mongodb://h:99999/esm"},
                                 {"ESM_STORE": "mongodb+srv://nonexistent.invalid/esm"}])
def test_runesm_exits_2_with_one_line_and_no_traceback(tmp_path, env):
    done = subprocess.run([sys.executable, str(ROOT / "runesm.py")], cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("esm: ") and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "esm-data").exists()


@pytest.mark.parametrize("address,loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("LOCALHOST", True),
    ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False), ("10.0.0.1", False),
    ("example.org", False)])
def test_loopback_is_localhost_and_all_of_127_8_and_the_ipv6_one(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize("address", ["localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_need_no_credentials(address):
    assert Settings.from_env({"ESM_IP": address}).ip == address.strip("[]")


def test_a_read_only_file_system_is_a_disk_fault_not_a_wrong_setting(tmp_path):
    """It starts (and answers 503 until the disk heals); a folder without write permission for
    this user is refused. Needs root for the mount; skipped elsewhere, failed under CI."""
    import os
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs: {mounted.stderr!r}")
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        assert Settings.from_env({"ESM_DATA_DIR": str(folder)}).data_dir == str(folder)
    finally:
        subprocess.run(["umount", str(folder)], check=True)
