"""`python3 runesm.py` as a newcomer runs it: defaults, refusals, persistence across a kill."""
import subprocess
import sys

import pytest

from esm.config import ConfigError, Settings
from esm.wiring import store_from_url
from tests.osb import service
from tests.process import RUNESM, BrokerProcess


def test_with_no_configuration_it_serves_on_loopback_and_persists_to_esm_data(tmp_path):
    broker = BrokerProcess(tmp_path).wait_ready()
    try:
        with broker.client() as api:
            assert api.get("/v2/catalog").json() == {"services": []}
            assert api.put("/v2/et/catalog", json=service()).status_code == 201
    finally:
        broker.stop()
    output = broker.output()
    assert "127.0.0.1" in output and "without authentication" in output
    assert (tmp_path / "esm-data" / "esm.db").exists()


def test_acknowledged_registrations_survive_sigkill(tmp_path):
    first = BrokerProcess(tmp_path).wait_ready()
    with first.client() as api:
        assert api.put("/v2/et/catalog", json=service()).status_code == 201
    first.kill()
    second = BrokerProcess(tmp_path, port=first.port).wait_ready()
    try:
        with second.client() as api:
            assert api.get("/v2/catalog").json() == {"services": [service()]}
    finally:
        second.stop()


def run_and_fail(tmp_path, env):
    full = {"PATH": "/usr/bin:/bin", **env}
    done = subprocess.run([sys.executable, str(RUNESM)], cwd=tmp_path, env=full,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    return done.stderr


def test_it_refuses_to_listen_beyond_loopback_without_credentials(tmp_path):
    message = run_and_fail(tmp_path, {"ESM_IP": "0.0.0.0"})
    assert "ESM_BROKER_USERNAME" in message and "ESM_BROKER_PASSWORD" in message
    assert not (tmp_path / "esm-data").exists()


def test_it_refuses_half_configured_credentials(tmp_path):
    message = run_and_fail(tmp_path, {"ESM_BROKER_USERNAME": "only-user"})
    assert "ESM_BROKER_PASSWORD" in message


def test_it_refuses_an_unsupported_store(tmp_path):
    assert "ESM_STORE" in run_and_fail(tmp_path, {"ESM_STORE": "postgres://x"})


def test_with_credentials_it_may_listen_on_other_addresses_and_requires_them(tmp_path):
    env = {"ESM_IP": "0.0.0.0", "ESM_BROKER_USERNAME": "u", "ESM_BROKER_PASSWORD": "p4ss"}
    broker = BrokerProcess(tmp_path, env).wait_ready()
    try:
        with broker.client() as anonymous:
            assert anonymous.get("/v2/catalog").status_code == 401
        with broker.client(auth=("u", "p4ss")) as api:
            assert api.get("/v2/catalog").status_code == 200
    finally:
        broker.stop()
    assert "p4ss" not in broker.output()


@pytest.mark.parametrize("env, says", [
    ({"ESM_PORT": "http"}, "ESM_PORT"),
    ({"ESM_MAX_BODY_BYTES": "0"}, "ESM_MAX_BODY_BYTES"),
    ({"ESM_OPERATION_TIMEOUT": "-5"}, "ESM_OPERATION_TIMEOUT"),
    ({"ESM_LOG_LEVEL": "LOUD"}, "ESM_LOG_LEVEL"),
    ({"ESM_SQLITE_SYNC": "off"}, "ESM_SQLITE_SYNC must be normal or full, got 'off'"),
])
def test_malformed_settings_are_refused_by_name(env, says):
    with pytest.raises(ConfigError, match=says):
        Settings.from_env(env)


def test_settings_defaults_and_the_password_never_shows_in_repr():
    settings = Settings.from_env({"ESM_BROKER_USERNAME": "u", "ESM_BROKER_PASSWORD": "hunter2"})
    assert (settings.port, settings.store_url) == (8080, "sqlite:///esm-data/esm.db")
    assert "hunter2" not in repr(settings)
    custom = Settings.from_env({"ESM_DATA_DIR": "/var/lib/esm", "ESM_PORT": "9000"})
    assert custom.store_url == "sqlite:////var/lib/esm/esm.db" and custom.port == 9000


@pytest.mark.parametrize("value, pragma", [(None, 1), ("normal", 1), ("FULL", 2)])
def test_esm_sqlite_sync_sets_how_sqlite_syncs_each_commit(tmp_path, value, pragma):
    """1 is NORMAL (durable across a crash of the process), 2 FULL (across a power loss too)."""
    env = {"ESM_STORE": f"sqlite:///{tmp_path}/esm.db", **({"ESM_SQLITE_SYNC": value} if value else {})}
    settings = Settings.from_env(env)
    store = store_from_url(settings.store_url, settings)
    try:
        assert store._conn().execute("PRAGMA synchronous").fetchone() == (pragma,)
    finally:
        store.close()
