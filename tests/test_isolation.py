"""Tenant isolation against the real engine: no bind mount reaches a host path outside the
allowed folders (through `..`, or a symlink made after registration), namespaces stay the
instance's own, resource limits apply to every container, and two brokers on one engine never
see, adopt or delete each other's objects."""
import json
import os

import pytest
import yaml

from adapters.backends.docker.naming import BROKER_LABEL, LABEL, SERVICE_LABEL
from esm.config import Settings
from tests.docker_engine import IMAGE
from tests.osb import PLAN_ID, SERVICE_ID, assert_osb_error, deprovision, dummy_service, poll
from tests.server import broker
from tests.test_docker import new_id, provision_and_wait

SLEEPER = {"image": IMAGE, "command": ["sleep", "3600"]}


@pytest.fixture
def host(tmp_path):
    """An allowed folder with a readable file, and a secret beside it, outside it."""
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    (allowed / "data").mkdir(parents=True)
    outside.mkdir()
    (allowed / "data" / "public.txt").write_text("public\n")
    (outside / "secret.txt").write_text("secret\n")
    return allowed, outside


def register(api, services: dict, manifest_type="docker-compose"):
    assert api.put("/v2/et/catalog", json=dummy_service()).status_code in (200, 201)
    return api.put("/v2/et/manifest/m-iso", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": manifest_type,
        "manifest_content": yaml.safe_dump(json.loads(json.dumps({"services": services})))})  # no aliases


def broker_allowing(allowed, tmp_path):
    """A broker on SQLite that lets manifests bind-mount the `allowed` folder."""
    return broker(Settings(store_url=f"sqlite:///{tmp_path}/esm.db",
                           docker_allowed_bind_paths=(str(allowed),)))


def containers(client, instance_id, broker_id=None):
    labels = [f"{LABEL}={instance_id}"] + ([f"{BROKER_LABEL}={broker_id}"] if broker_id else [])
    return client.containers.list(all=True, filters={"label": labels})


def run_in(container, *command) -> tuple[int, str]:
    code, output = container.exec_run(list(command))
    return code, output.decode(errors="replace")


def remove(api, instance_id):
    response = deprovision(api, instance_id, accepts_incomplete=True)
    if response.status_code == 202:
        assert poll(api, f"/v2/service_instances/{instance_id}", response.json()["operation"],
                    timeout=60)["state"] == "succeeded"


def test_a_bind_source_with_dotdot_is_refused_at_registration(host):
    allowed, outside = host
    with broker(Settings(store_url="memory", docker_allowed_bind_paths=(str(allowed),))) as api:
        for source in (f"{allowed}/../outside", f"{allowed}/data/../../outside/secret.txt",
                       f"{allowed}/../../", f"{allowed}/./data/..", "~/data", "./data"):
            body = assert_osb_error(register(api, {"web": {**SLEEPER, "volumes": [f"{source}:/x:ro"]}}), 400)
            assert "refused" in body["description"], body
        assert register(api, {"web": {**SLEEPER, "volumes": [f"{allowed}//data/./:/x:ro"]}}).status_code == 201


def test_an_allowed_bind_is_read_only_so_no_instance_can_plant_a_symlink(client, host, tmp_path):
    allowed, outside = host
    with broker_allowing(allowed, tmp_path) as api:
        writable = register(api, {"web": {**SLEEPER, "volumes": [f"{allowed}/data:/data"]}})
        assert "read-only" in assert_osb_error(writable, 400)["description"]
        assert register(api, {"web": {**SLEEPER, "volumes": [f"{allowed}/data:/data:ro"]}}).status_code == 201
        iid = new_id()
        try:
            assert provision_and_wait(api, iid)["state"] == "succeeded"
            (web,) = containers(client, iid)
            assert run_in(web, "cat", "/data/public.txt") == (0, "public\n")
            code, _ = run_in(web, "sh", "-c", f"ln -s {outside} /data/link")
            assert code != 0 and not os.path.lexists(allowed / "data" / "link")
        finally:
            remove(api, iid)


def test_a_symlink_that_appears_after_registration_does_not_lead_outside(client, host, tmp_path):
    allowed, outside = host
    with broker_allowing(allowed, tmp_path) as api:
        # registered while `data/later` is an ordinary (absent) path inside the allowed folder
        assert register(api, {"web": {**SLEEPER, "volumes": [
            f"{allowed}/data/later:/later:ro", f"{allowed}/data:/data:ro"]}}).status_code == 201
        os.symlink(outside, allowed / "data" / "later")  # e.g. made by another tenant's service
        iid = new_id()
        try:
            final = provision_and_wait(api, iid)
            assert final["state"] == "failed", final
            assert "outside the allowed host paths" in final["description"]
            assert not [c for c in containers(client, iid) if c.status == "running"]
        finally:
            remove(api, iid)


def test_a_bind_through_a_folder_others_may_write_is_refused_before_mounting(client, host, tmp_path):
    allowed, _ = host
    with broker_allowing(allowed, tmp_path) as api:
        assert register(api, {"web": {**SLEEPER, "volumes": [f"{allowed}/data:/data:ro"]}}).status_code == 201
        os.chmod(allowed, 0o777)  # anyone could now swap a symlink in after the check
        iid = new_id()
        try:
            final = provision_and_wait(api, iid)
            assert final["state"] == "failed" and "may be changed by other users" in final["description"]
        finally:
            os.chmod(allowed, 0o755)
            remove(api, iid)


def test_namespace_modes_are_applied_and_sharing_is_refused(client, tmp_path):
    with broker(Settings(store_url=f"sqlite:///{tmp_path}/esm.db")) as api:
        for key, value in (("pid", "container:other"), ("ipc", "host"), ("ipc", "service:web"),
                           ("network_mode", "host"), ("network_mode", "container:x"),
                           ("userns_mode", "host"), ("uts", "host"), ("cgroup", "host"),
                           ("cgroup_parent", "/other")):
            body = assert_osb_error(register(api, {"web": {**SLEEPER, key: value}}), 400)
            assert f"{key}: {value}" in body["description"]
        assert register(api, {"web": {**SLEEPER, "ipc": "private", "network_mode": "none",
                                      "cgroup": "private"}}).status_code == 201
        iid = new_id()
        try:
            assert provision_and_wait(api, iid)["state"] == "succeeded"
            (web,) = containers(client, iid)
            config = web.attrs["HostConfig"]
            assert (config["IpcMode"], config["NetworkMode"], config["CgroupnsMode"]) == \
                ("private", "none", "private")
        finally:
            remove(api, iid)
        assert register(api, {"web": SLEEPER}).status_code == 200
        plain = new_id()
        try:  # without a cgroup key: private too (cgroup v1 engines default to the host's)
            assert provision_and_wait(api, plain)["state"] == "succeeded"
            (web,) = containers(client, plain)
            assert web.attrs["HostConfig"]["CgroupnsMode"] == "private"
        finally:
            remove(api, plain)


def test_every_container_gets_the_operator_limits_and_a_manifest_may_ask_for_less(client, tmp_path):
    settings = Settings(store_url=f"sqlite:///{tmp_path}/esm.db", docker_default_memory=256 * 2 ** 20,
                        docker_max_memory=512 * 2 ** 20, docker_max_cpus=1.5, docker_pids_limit=200)
    with broker(settings) as api:
        for asked in ({"mem_limit": "1g"}, {"cpus": 2}, {"pids_limit": 500}, {"memswap_limit": "2g"},
                      {"deploy": {"resources": {"limits": {"memory": "600m"}}}}):
            assert "refused" in assert_osb_error(register(api, {"web": {**SLEEPER, **asked}}), 400)["description"]
        assert register(api, {"plain": SLEEPER, "small": {**SLEEPER, "mem_limit": "64m", "cpus": 0.5,
                                                          "pids_limit": 20}}).status_code == 201
        iid = new_id()
        try:
            assert provision_and_wait(api, iid)["state"] == "succeeded"
            got = {c.labels[SERVICE_LABEL]: c.attrs["HostConfig"] for c in containers(client, iid)}
            limits = {name: (h["Memory"], h["MemorySwap"], h["NanoCpus"], h["PidsLimit"])
                      for name, h in got.items()}
            assert limits == {"plain": (256 * 2 ** 20, 256 * 2 ** 20, 1_500_000_000, 200),
                              "small": (64 * 2 ** 20, 64 * 2 ** 20, 500_000_000, 20)}
        finally:
            remove(api, iid)


def test_two_brokers_on_one_engine_never_touch_each_others_objects(client, tmp_path):
    iid = new_id()  # the same instance id on both brokers
    first = broker(Settings(store_url=f"sqlite:///{tmp_path}/one.db"))
    second = broker(Settings(store_url=f"sqlite:///{tmp_path}/two.db"))
    with first as one, second as two:
        ids = {api.get("/v2/et/orphans").json()["broker_id"] for api in (one, two)}
        assert len(ids) == 2, "two brokers with separate stores got the same id"
        for api in (one, two):
            assert register(api, {"web": SLEEPER}).status_code == 201
        try:
            assert provision_and_wait(one, iid)["state"] == "succeeded"
            (mine,) = containers(client, iid)
            assert mine.labels[BROKER_LABEL] in mine.name

            assert two.get("/v2/et/orphans").json()["backend_objects"] == []
            assert two.delete("/v2/et/orphans").status_code == 200
            assert provision_and_wait(two, iid)["state"] == "succeeded"  # its own, not adopted
            assert len(containers(client, iid)) == 2
            remove(two, iid)
            mine.reload()
            assert mine.status == "running" and containers(client, iid) == [mine]
        finally:
            remove(one, iid)
            remove(two, iid)
