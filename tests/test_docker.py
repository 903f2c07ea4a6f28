"""The Docker backend against a real engine: compose manifests as containers, swarm manifests
as services; everything labelled, found again after a restart, removed on deprovision."""
import time

import docker
import httpx
import yaml

from adapters.backends.docker.naming import BROKER_LABEL, LABEL
from esm.config import Settings
from tests.docker_engine import IMAGE, ensure_swarm, new_instance_id
from tests.osb import (
    PLAN_ID,
    SERVICE_ID,
    assert_osb_error,
    bind,
    deprovision,
    dummy_service,
    poll,
    provision,
    unbind,
    update,
)
from tests.server import broker

I = "/v2/service_instances"
WEB_AND_DB = {
    "services": {
        "web": {"image": IMAGE, "command": ["httpd", "-f", "-p", "8080", "-h", "/www"],
                "ports": [8080], "depends_on": {"db": {"condition": "service_healthy"}},
                "environment": {"ROLE": "web"},
                "healthcheck": {"test": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
                                "interval": "1s", "timeout": "1s", "retries": 30},
                "volumes": ["data:/data", "/scratch"]},
        "db": {"image": IMAGE, "command": ["sleep", "3600"],
               "healthcheck": {"test": "true", "interval": "1s", "retries": 30}},
    },
    "volumes": {"data": {}},
}
ENDPOINTS = {"web": {"service": "web", "port": 8080, "protocol": "http", "path": "/"}}


def register(api, manifest, manifest_type="docker-compose", endpoints=None, **plan):
    entry = dummy_service()
    entry["plans"][0].update(plan)
    assert api.put("/v2/et/catalog", json=entry).status_code in (200, 201)
    response = api.put("/v2/et/manifest/m-docker", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": manifest_type,
        "manifest_content": yaml.safe_dump(manifest), "endpoints": endpoints or {},
        "config": {"FROM_CONFIG": "c1"}})
    assert response.status_code in (200, 201), response.text


def new_id():
    return new_instance_id()


def labelled(client, instance_id):
    """What the engine holds of the instance. Listed again when an object vanished between the
    engine's listing and the SDK's reading of it (a container on its way out)."""
    label = {"label": f"{LABEL}={instance_id}"}
    for _ in range(20):
        try:
            return {"containers": client.containers.list(all=True, filters=label),
                    "networks": client.networks.list(filters=label),
                    "volumes": client.volumes.list(filters=label),
                    "services": client.services.list(filters=label) if swarm_active(client) else []}
        except docker.errors.NotFound:
            time.sleep(0.1)
    raise AssertionError(f"the engine's objects of {instance_id} kept changing")


def swarm_active(client):
    return client.info().get("Swarm", {}).get("LocalNodeState") == "active"


def bind_and_fetch(api, instance_id, binding_id) -> dict:
    response = bind(api, instance_id, binding_id, accepts_incomplete=True)
    assert response.status_code == 202, response.text
    path = f"{I}/{instance_id}/service_bindings/{binding_id}"
    assert poll(api, path, response.json()["operation"], timeout=60)["state"] == "succeeded"
    return api.get(path).json()


def provision_and_wait(api, instance_id, **body):
    response = provision(api, instance_id, accepts_incomplete=True, **body)
    assert response.status_code == 202, response.text
    return poll(api, f"{I}/{instance_id}", response.json()["operation"], timeout=90)


def test_a_two_service_compose_instance_runs_binds_updates_and_goes_away(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, WEB_AND_DB, endpoints=ENDPOINTS)
    final = provision_and_wait(api, iid, parameters={"GREETING": "hello", "SIZE": 2})
    assert final["state"] == "succeeded", final

    objects = labelled(client, iid)
    assert sorted(c.labels["io.elastest.esm.service"] for c in objects["containers"]) == ["db", "web"]
    assert all(c.status == "running" for c in objects["containers"])
    assert len(objects["networks"]) == 1
    network = objects["networks"][0]
    network.reload()  # listing does not fill in the attached containers
    assert {c.name for c in network.containers} == {c.name for c in objects["containers"]}
    web = next(c for c in objects["containers"] if c.labels["io.elastest.esm.service"] == "web")
    env = web.attrs["Config"]["Env"]
    assert {"ROLE=web", "GREETING=hello", "SIZE=2", "FROM_CONFIG=c1"} <= set(env)

    sync = bind(api, iid, "b0")  # as a platform before OSB 2.14 binds: synchronously
    assert sync.status_code == 201, sync.text
    sync_port = sync.json()["credentials"]["web"]["port"]
    assert unbind(api, iid, "b0").status_code == 200
    bound = bind_and_fetch(api, iid, "b1")  # and asynchronously when the platform accepts it
    assert bound["credentials"]["web"]["port"] == sync_port
    credentials = bound["credentials"]["web"]
    assert credentials["uri"] == f"http://127.0.0.1:{credentials['port']}/"
    assert bound["endpoints"] == [{"host": "127.0.0.1", "ports": [str(credentials["port"])],
                                   "protocol": "tcp"}]
    assert httpx.get(credentials["uri"]).status_code in (200, 403, 404)  # httpd answers

    changed = update(api, iid, accepts_incomplete=True, parameters={"GREETING": "bye"})
    assert changed.status_code == 202
    assert poll(api, f"{I}/{iid}", changed.json()["operation"], timeout=90)["state"] == "succeeded"
    web = next(c for c in labelled(client, iid)["containers"] if c.labels["io.elastest.esm.service"] == "web")
    assert "GREETING=bye" in web.attrs["Config"]["Env"] and "SIZE=2" in web.attrs["Config"]["Env"]

    gone = deprovision(api, iid, accepts_incomplete=True)
    assert gone.status_code == 202
    assert poll(api, f"{I}/{iid}", gone.json()["operation"], timeout=90)["state"] == "succeeded"
    assert labelled(client, iid) == {"containers": [], "networks": [], "volumes": [], "services": []}


def test_a_missing_image_fails_with_a_readable_description_and_cleans_up(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {"web": {"image": "esm-test/does-not-exist:1"}}})
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed" and "esm-test/does-not-exist:1" in final["description"]
    assert deprovision(api, iid, accepts_incomplete=True).status_code == 202
    deadline = time.monotonic() + 30
    while any(labelled(client, iid).values()):
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_container_that_exits_fails_the_provision_with_its_exit_code(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {"job": {"image": IMAGE, "command": ["sh", "-c", "echo boom; exit 3"]}}})
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed"
    assert "exited with code 3" in final["description"] and "boom" in final["description"]
    op = deprovision(api, iid, accepts_incomplete=True).json()["operation"]
    assert poll(api, f"{I}/{iid}", op, timeout=60)["state"] == "succeeded"
    assert not any(labelled(client, iid).values())


def test_a_container_that_crashes_just_after_starting_is_not_reported_ready(docker_api, client):
    """It is `running` for a moment; the provision must still see it die, not succeed."""
    api, iid = docker_api, new_id()
    register(api, {"services": {"job": {"image": IMAGE, "command": ["sh", "-c", "sleep 0.1; exit 4"]}}})
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed" and "exited with code 4" in final["description"]
    op = deprovision(api, iid, accepts_incomplete=True).json()["operation"]
    assert poll(api, f"{I}/{iid}", op, timeout=60)["state"] == "succeeded"


def test_a_provision_past_its_deadline_fails_and_removes_what_it_made(docker_api, client):
    api, iid = docker_api, new_id()
    never_healthy = {"services": {"web": {"image": IMAGE, "command": ["sleep", "3600"],
                                          "healthcheck": {"test": "false", "interval": "1s"}}}}
    register(api, never_healthy, maximum_polling_duration=3)
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed" and "deadline" in final["description"]
    assert not labelled(client, iid)["containers"]


def test_instances_are_found_again_after_a_broker_restart(client, tmp_path):
    iid = new_id()
    settings = Settings(store_url=f"sqlite:///{tmp_path}/esm.db")
    with broker(settings) as api:
        register(api, WEB_AND_DB, endpoints=ENDPOINTS)
        assert provision_and_wait(api, iid)["state"] == "succeeded"
    with broker(settings) as api:  # a new process would see the same: no memory but the labels
        assert bind_and_fetch(api, iid, "b1")["credentials"]["web"]["port"] > 0
        op = deprovision(api, iid, accepts_incomplete=True).json()["operation"]
        assert poll(api, f"{I}/{iid}", op, timeout=60)["state"] == "succeeded"
    assert not any(labelled(client, iid).values())


def test_an_unreachable_engine_fails_the_provision_and_the_broker_keeps_serving(tmp_path, client):
    settings = Settings(store_url="memory", docker_host="unix:///nonexistent/docker.sock")
    with broker(settings) as api:
        register(api, {"services": {"web": {"image": IMAGE}}})
        final = provision_and_wait(api, new_id())
        assert final["state"] == "failed" and "unreachable" in final["description"]
        assert api.get("/v2/catalog").status_code == 200


def test_a_swarm_manifest_runs_its_replicas_binds_and_goes_away(docker_api, client):
    ensure_swarm(client)
    api, iid = docker_api, new_id()
    swarm = {"services": {"web": {"image": IMAGE, "command": ["httpd", "-f", "-p", "8080"],
                                  "ports": [8080], "deploy": {"replicas": 2}}}}
    register(api, swarm, "docker-swarm", endpoints=ENDPOINTS)
    final = provision_and_wait(api, iid, parameters={"P": "1"})
    assert final["state"] == "succeeded", final
    services = labelled(client, iid)["services"]
    assert len(services) == 1
    running = [t for t in services[0].tasks() if t["Status"]["State"] == "running"]
    assert len(running) == 2
    credentials = bind_and_fetch(api, iid, "b1")["credentials"]["web"]
    assert credentials["port"] >= 1
    op = deprovision(api, iid, accepts_incomplete=True).json()["operation"]
    assert poll(api, f"{I}/{iid}", op, timeout=90)["state"] == "succeeded"
    assert not any(labelled(client, iid).values())


def test_a_swarm_service_with_a_missing_image_fails_readably(docker_api, client):
    ensure_swarm(client)
    api, iid = docker_api, new_id()
    register(api, {"services": {"web": {"image": "esm-test/absent:2"}}}, "docker-swarm")
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed" and "esm-test/absent:2" in final["description"]
    op = deprovision(api, iid, accepts_incomplete=True).json()["operation"]
    assert poll(api, f"{I}/{iid}", op, timeout=60)["state"] == "succeeded"
    assert not any(labelled(client, iid).values())


def test_orphans_are_found_both_ways_and_cleaned_up(docker_api, client):
    api = docker_api
    stray = new_id()  # an object of this broker labelled with an instance its store never knew
    broker_id = api.get("/v2/et/orphans").json()["broker_id"]
    client.containers.create(IMAGE, ["sleep", "60"], labels={LABEL: stray, BROKER_LABEL: broker_id})
    lost = new_id()  # an instance whose objects vanish behind the broker's back
    register(api, {"services": {"web": {"image": IMAGE, "command": ["sleep", "3600"]}}})
    assert provision_and_wait(api, lost)["state"] == "succeeded"
    for container in labelled(client, lost)["containers"]:
        container.remove(force=True)

    found = api.get("/v2/et/orphans").json()
    assert stray in {o["instance_id"] for o in found["backend_objects"]}
    assert lost in {i["id"] for i in found["instances_without_objects"]}
    assert found["unavailable"] == {}

    cleaned = api.delete("/v2/et/orphans")
    assert cleaned.status_code == 200
    assert labelled(client, stray)["containers"] == []
    assert_osb_error(api.get(f"/v2/et/service_instances/{lost}"), 404)
    assert deprovision(api, lost, accepts_incomplete=True).status_code == 410
    after = api.get("/v2/et/orphans").json()
    assert stray not in {o["instance_id"] for o in after["backend_objects"]}
    assert lost not in {o["instance_id"] for o in after["backend_objects"]}  # its network went too


def test_force_delete_removes_the_docker_objects_of_a_failed_instance(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {"job": {"image": IMAGE, "command": ["sh", "-c", "exit 1"]}}})
    assert provision_and_wait(api, iid)["state"] == "failed"
    assert not any(labelled(client, iid).values())  # the failed provision removed what it made
    broker_id = api.get("/v2/et/orphans").json()["broker_id"]  # as if that removal had failed:
    client.containers.create(IMAGE, ["sleep", "60"], labels={LABEL: iid, BROKER_LABEL: broker_id})
    result = api.delete(f"/v2/et/service_instances/{iid}").json()
    assert result["backend"] == "removed"
    assert not any(labelled(client, iid).values())
