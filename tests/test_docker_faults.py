"""The Docker backend when things go wrong, against a real engine: containers and swarm services
removed by hand while an operation waits for them, containers that crash, updates that fail (and
are rolled back) or are interrupted, and a second worker creating the same container."""
import threading
import time
import uuid

import httpx
import pytest
import yaml
from docker.models.containers import ContainerCollection

from adapters.backends.docker.backend import DockerBackend
from adapters.backends.docker.naming import ASIDE_MARK, SERVICE_LABEL
from adapters.resources import BackendFailure, OperationCancelled, OperationContext
from esm.models import Manifest, ServiceInstance
from tests.docker_engine import IMAGE, ensure_swarm
from tests.osb import bind, deprovision, poll, provision, update
from tests.server import free_port
from tests.test_docker import ENDPOINTS, I, bind_and_fetch, labelled, new_id, provision_and_wait, register

DEADLINE = 600  # the plan's maximum_polling_duration: every "noticed" bound is far below it
# Healthy only 3 s after it starts, so an operation is still waiting for it meanwhile.
SLOW_HEALTHY = {"image": IMAGE,
                "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 3; echo ok > /tmp/ready; "
                            "while true; do sleep 1; done"],
                "healthcheck": {"test": ["CMD", "cat", "/tmp/ready"], "interval": "1s",
                                "retries": 60}}


def web(port: int = None) -> dict:
    """A web server that stops at once; with MODE `bad` it exits at once with code 3, with MODE
    `late` it exits so 2 s after it starts, never healthy."""
    script = ('[ "$MODE" = bad ] && { echo broken; exit 3; }; [ "$MODE" = late ] && '
              '{ sleep 2; exit 3; }; echo ok > /tmp/ready; trap "exit 0" TERM; '
              'httpd -f -p 8080 -h /www & wait')
    return {"services": {"web": {"image": IMAGE, "command": ["sh", "-c", script],
                                 "ports": [f"{port}:8080" if port else 8080],
                                 "healthcheck": {"test": ["CMD", "cat", "/tmp/ready"],
                                                 "interval": "1s", "retries": 60}}}}


def start_provision(api, instance_id):
    response = provision(api, instance_id, accepts_incomplete=True)
    assert response.status_code == 202, response.text
    return response.json()["operation"]


def wait_for(find, seconds=30.0):
    """Poll `find()` until it returns something true; that value."""
    deadline = time.monotonic() + seconds
    while not (found := find()):
        assert time.monotonic() < deadline, "the engine never showed it"
        time.sleep(0.05)
    return found


def current_container(client, instance_id, service="web"):
    return next((c for c in labelled(client, instance_id)["containers"]
                 if c.labels[SERVICE_LABEL] == service and ASIDE_MARK not in c.name), None)


def set_aside(client, instance_id):
    return [c for c in labelled(client, instance_id)["containers"] if ASIDE_MARK in c.name]


def env_of(container) -> set:
    container.reload()
    return set(container.attrs["Config"]["Env"])


def delete_and_wait(api, instance_id):
    response = deprovision(api, instance_id, accepts_incomplete=True)
    assert response.status_code == 202, response.text
    assert poll(api, f"{I}/{instance_id}", response.json()["operation"], timeout=90)["state"] == "succeeded"


# -- vanished containers and services ------------------------------------------------------------

def test_a_container_removed_while_its_provision_waits_is_recreated_and_the_provision_succeeds(
        docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {"db": SLOW_HEALTHY}}, maximum_polling_duration=DEADLINE)
    op = start_provision(api, iid)
    removed = wait_for(lambda: current_container(client, iid, "db"))
    removed.remove(force=True)
    since = time.monotonic()
    final = poll(api, f"{I}/{iid}", op, timeout=60)
    assert time.monotonic() - since < 30  # noticed at once: the recreated one is healthy in ~4 s
    assert final["state"] == "succeeded", final
    again = current_container(client, iid, "db")
    assert again.id != removed.id and again.status == "running"
    delete_and_wait(api, iid)


def test_a_container_removed_twice_during_its_provision_fails_it_naming_the_service_and_leaves_nothing(
        docker_api, client):
    api, iid = docker_api, new_id()
    chain = {"services": {"db": SLOW_HEALTHY,  # web waits for db to be healthy
                          "web": {"image": IMAGE, "command": ["sleep", "3600"],
                                  "depends_on": {"db": {"condition": "service_healthy"}}}}}
    register(api, chain, maximum_polling_duration=DEADLINE)
    op = start_provision(api, iid)
    first = wait_for(lambda: current_container(client, iid, "db"))
    first.remove(force=True)
    second = wait_for(lambda: (c := current_container(client, iid, "db")) and c.id != first.id and c)
    second.remove(force=True)
    since = time.monotonic()
    final = poll(api, f"{I}/{iid}", op, timeout=60)
    assert time.monotonic() - since < 30
    assert final["state"] == "failed"
    assert "service 'db'" in final["description"] and "vanished" in final["description"], final
    assert not any(labelled(client, iid).values())
    delete_and_wait(api, iid)


def test_a_swarm_service_removed_while_its_provision_waits_is_recreated_and_the_provision_succeeds(
        docker_api, client):
    ensure_swarm(client)
    api, iid = docker_api, new_id()
    register(api, {"services": {"db": SLOW_HEALTHY}}, "docker-swarm",
             maximum_polling_duration=DEADLINE)
    op = start_provision(api, iid)
    removed = wait_for(lambda: labelled(client, iid)["services"])[0]
    removed.remove()
    since = time.monotonic()
    final = poll(api, f"{I}/{iid}", op, timeout=90)
    assert time.monotonic() - since < 45  # a swarm task starts more slowly than a container
    assert final["state"] == "succeeded", final
    assert [s.id for s in labelled(client, iid)["services"]] != [removed.id]
    delete_and_wait(api, iid)


# -- failed provisions ----------------------------------------------------------------------------

def test_a_crashing_container_fails_the_provision_and_leaves_nothing_of_the_instance_on_the_engine(
        docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {
        "db": {"image": IMAGE, "command": ["sleep", "3600"], "volumes": ["data:/data"]},
        "job": {"image": IMAGE, "command": ["sh", "-c", "exit 3"], "depends_on": ["db"],
                "volumes": ["/scratch"]}},
        "volumes": {"data": {}}})
    final = provision_and_wait(api, iid)
    assert final["state"] == "failed" and "service 'job' exited with code 3" in final["description"]
    assert labelled(client, iid) == {"containers": [], "networks": [], "volumes": [], "services": []}
    delete_and_wait(api, iid)  # the platform's orphan mitigation: accepted, nothing to remove
    assert deprovision(api, iid, accepts_incomplete=True).status_code == 410  # the records went
    assert api.get(f"{I}/{iid}").status_code == 404


# -- failed updates -------------------------------------------------------------------------------

def test_a_failing_update_is_rolled_back_the_old_container_runs_again_and_binds(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, web(free_port()), endpoints=ENDPOINTS)  # a fixed host port the old one holds
    assert provision_and_wait(api, iid, parameters={"MODE": "good"})["state"] == "succeeded"
    before = current_container(client, iid)
    port = bind_and_fetch(api, iid, "b1")["credentials"]["web"]["port"]

    failing = update(api, iid, accepts_incomplete=True, parameters={"MODE": "bad"})
    assert failing.status_code == 202, failing.text
    final = poll(api, f"{I}/{iid}", failing.json()["operation"], timeout=90)
    assert final["state"] == "failed" and final["instance_usable"] is True, final
    assert "rolled back" in final["description"] and "exited with code 3" in final["description"]
    after = current_container(client, iid)
    assert after.id == before.id and after.status == "running" and "MODE=good" in env_of(after)
    assert set_aside(client, iid) == []
    assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    assert bind(api, iid, "b2").json()["credentials"]["web"]["port"] == port

    good = update(api, iid, accepts_incomplete=True, parameters={"MODE": "better"})
    assert poll(api, f"{I}/{iid}", good.json()["operation"], timeout=90)["state"] == "succeeded"
    changed = current_container(client, iid)
    assert changed.id != before.id and "MODE=better" in env_of(changed)
    assert set_aside(client, iid) == []
    assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    delete_and_wait(api, iid)


def test_a_failing_update_that_drops_and_adds_services_is_rolled_back_to_the_old_set(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, {"services": {"web": web()["services"]["web"],
                                "old": {"image": IMAGE, "command": ["sleep", "3600"]}}})
    assert provision_and_wait(api, iid, parameters={"MODE": "good"})["state"] == "succeeded"
    kept = {c.labels[SERVICE_LABEL]: c.id for c in labelled(client, iid)["containers"]}
    register(api, {"services": {"web": web()["services"]["web"],
                                "new": {"image": IMAGE, "command": ["sleep", "3600"]}}})
    failing = update(api, iid, accepts_incomplete=True, parameters={"MODE": "bad"})
    final = poll(api, f"{I}/{iid}", failing.json()["operation"], timeout=90)
    assert final["state"] == "failed" and "rolled back" in final["description"], final
    containers = labelled(client, iid)["containers"]
    assert {c.labels[SERVICE_LABEL]: c.id for c in containers} == kept
    assert all(c.status == "running" for c in containers)
    delete_and_wait(api, iid)


# -- the backend itself: interrupted updates, rollbacks that cannot work, a second worker ----------

@pytest.fixture
def backend():
    """A Docker backend of a broker id of its own (nothing else on the engine is its)."""
    return DockerBackend(broker_id=f"faults{uuid.uuid4().hex[:6]}")


def realized(backend, manifest_content: dict, mode: str):
    """A provisioned instance of `web`-like content with MODE=`mode`, and its manifest."""
    manifest = Manifest("m-faults", manifest_type="docker-compose",
                        manifest_content=yaml.safe_dump(manifest_content))
    instance = ServiceInstance(new_id(), parameters={"MODE": mode})
    backend.provision(instance, manifest, OperationContext())
    return instance, manifest


def with_mode(instance, mode: str) -> ServiceInstance:
    return ServiceInstance.from_doc({**instance.to_doc(), "parameters": {"MODE": mode}}, 0)


def stopping_when(condition) -> OperationContext:
    """A context that stops the operation (as a crash or a handover would) once `condition()`."""
    return OperationContext(should_stop=condition)


def test_an_update_whose_set_aside_container_vanishes_cannot_roll_back_and_says_not_usable(
        backend, client):
    instance, manifest = realized(backend, web(), "good")

    def remove_set_aside() -> bool:  # the operator's `docker rm -f` while the update runs
        for container in set_aside(client, instance.id):
            container.remove(force=True)
        return False
    with pytest.raises(BackendFailure) as failure:
        backend.update(with_mode(instance, "bad"), manifest, stopping_when(remove_set_aside))
    assert failure.value.instance_usable is False
    assert "rolling it back failed" in str(failure.value) and "service 'web'" in str(failure.value)
    backend.deprovision(instance, manifest, OperationContext())


def test_an_update_interrupted_after_setting_aside_runs_again_to_completion(backend, client):
    instance, manifest = realized(backend, web(), "good")
    target = with_mode(instance, "better")
    with pytest.raises(OperationCancelled):  # stopped before the new container was made
        backend.update(target, manifest, stopping_when(lambda: set_aside(client, instance.id)))
    assert current_container(client, instance.id) is None and set_aside(client, instance.id)
    backend.update(target, manifest, OperationContext())
    assert "MODE=better" in env_of(current_container(client, instance.id))
    assert set_aside(client, instance.id) == []
    backend.deprovision(instance, manifest, OperationContext())


def test_a_failing_update_run_again_after_an_interruption_rolls_back_to_what_ran_before(
        backend, client):
    instance, manifest = realized(backend, web(), "good")
    before = current_container(client, instance.id)
    target = with_mode(instance, "late")
    with pytest.raises(OperationCancelled):  # stopped while it waits for the new container
        backend.update(target, manifest,
                       stopping_when(lambda: set_aside(client, instance.id)
                                     and current_container(client, instance.id)))
    assert set_aside(client, instance.id)[0].id == before.id
    with pytest.raises(BackendFailure) as failure:
        backend.update(target, manifest, OperationContext())
    assert failure.value.instance_usable is True and "rolled back" in str(failure.value)
    after = current_container(client, instance.id)
    assert after.id == before.id and after.status == "running" and "MODE=good" in env_of(after)
    assert set_aside(client, instance.id) == []
    backend.deprovision(instance, manifest, OperationContext())


def test_a_failing_swarm_update_says_the_instance_is_not_usable(backend, client):
    ensure_swarm(client)
    manifest = Manifest("m-faults", manifest_type="docker-swarm",
                        manifest_content=yaml.safe_dump(web()))
    instance = ServiceInstance(new_id(), parameters={"MODE": "good"})
    backend.provision(instance, manifest, OperationContext())
    with pytest.raises(BackendFailure) as failure:
        backend.update(with_mode(instance, "bad"), manifest, OperationContext())
    assert failure.value.instance_usable is False and "cannot be rolled back" in str(failure.value)
    backend.deprovision(instance, manifest, OperationContext())


def test_a_container_another_worker_created_meanwhile_is_adopted_not_a_failure(
        backend, client, monkeypatch):
    create = ContainerCollection.create
    raced = threading.Event()

    def racing_create(self, *args, **kwargs):  # the other worker wins the race for each name
        if not raced.is_set():
            raced.set()
            create(self, *args, **kwargs)
        return create(self, *args, **kwargs)  # the engine answers 409 Conflict
    monkeypatch.setattr(ContainerCollection, "create", racing_create)
    instance, manifest = realized(backend, web(), "good")
    assert raced.is_set()
    containers = labelled(client, instance.id)["containers"]
    assert len(containers) == 1 and containers[0].status == "running"
    backend.deprovision(instance, manifest, OperationContext())
