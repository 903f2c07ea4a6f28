"""Docker operations for platforms that do not accept asynchronous ones, as the original ESM ran
them (issue 15, item 6): without accepts_incomplete=true (or with the seed's
accept_incomplete=false) provision, update and deprovision run inside the request and answer
once done, bounded by ESM_SYNC_OPERATION_TIMEOUT; past it the work is stopped, what it made is
removed (an update is put back) and the answer says to retry with accepts_incomplete=true."""
import copy
import time

import pytest

from esm.config import Settings
from tests.docker_engine import IMAGE
from tests.osb import PLAN_ID, SERVICE_ID, assert_osb_error, poll, provision_body
from tests.server import broker
from tests.test_docker import labelled, new_id, register

I = "/v2/service_instances"
SYNC_SECONDS = 8
# ready once its healthcheck passes, which it never does while MODE is "stuck"; `sleep` ignores
# SIGTERM, so an update stops the old container with a short grace period
WEB = {"services": {"web": {
    "image": IMAGE, "command": ["sleep", "3600"], "stop_grace_period": "1s",
    "healthcheck": {"test": ["CMD", "sh", "-c", 'test "$MODE" != stuck'],
                    "interval": "1s", "timeout": "1s", "retries": 600}}}}
SEED_SYNC = {"accept_incomplete": "false"}  # as the original ESM's clients sent it
IDS = {"service_id": SERVICE_ID, "plan_id": PLAN_ID}


@pytest.fixture
def sync_docker_api(client, tmp_path):
    settings = Settings(store_url=f"sqlite:///{tmp_path}/esm.db", sync_operation_timeout=SYNC_SECONDS)
    with broker(settings) as api:
        register(api, WEB)
        yield api


def web_container(client, instance_id):
    containers = labelled(client, instance_id)["containers"]
    assert len(containers) == 1, containers
    return containers[0]


def env_of(container) -> set:
    container.reload()
    return set(container.attrs["Config"]["Env"])


def test_provision_update_and_deprovision_run_in_the_request_without_accepts_incomplete(
        sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    created = api.put(f"{I}/{iid}", params=SEED_SYNC,
                      json=provision_body(parameters={"MODE": "one"}))
    assert created.status_code == 201, created.text
    assert "operation" not in created.json()
    first = web_container(client, iid)
    assert first.status == "running" and "MODE=one" in env_of(first)
    assert api.get(f"{I}/{iid}/last_operation").json()["state"] == "succeeded"

    updated = api.patch(f"{I}/{iid}", json={"service_id": SERVICE_ID, "parameters": {"MODE": "two"}})
    assert updated.status_code == 200, updated.text
    assert "MODE=two" in env_of(web_container(client, iid))

    deleted = api.delete(f"{I}/{iid}", params={**IDS, **SEED_SYNC})
    assert deleted.status_code == 200, deleted.text
    assert labelled(client, iid) == {"containers": [], "networks": [], "volumes": [], "services": []}
    assert api.delete(f"{I}/{iid}", params=IDS).status_code == 410


def test_a_synchronous_provision_past_the_timeout_is_removed_and_says_to_retry_asynchronously(
        sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    answer = api.put(f"{I}/{iid}", json=provision_body(parameters={"MODE": "stuck"}))
    body = assert_osb_error(answer, 422, "AsyncRequired")
    assert "accepts_incomplete=true" in body["description"]
    assert f"{SYNC_SECONDS} s" in body["description"]
    assert "ESM_SYNC_OPERATION_TIMEOUT" in body["description"]
    assert labelled(client, iid) == {"containers": [], "networks": [], "volumes": [], "services": []}
    assert api.get(f"{I}/{iid}/last_operation").json()["state"] == "failed"

    # the platform does as told: the same request, asynchronously, gets its own deadline
    again = api.put(f"{I}/{iid}", params={"accepts_incomplete": "true"},
                    json=provision_body(parameters={"MODE": "stuck"}))
    assert again.status_code == 202, again.text
    assert api.delete(f"{I}/{iid}", params={**IDS, "accepts_incomplete": "true"}).status_code == 202
    assert poll(api, f"{I}/{iid}", timeout=60)["state"] in ("succeeded", "failed")
    assert api.delete(f"{I}/{iid}", params=IDS).status_code in (200, 410)
    assert labelled(client, iid)["containers"] == []


def test_a_synchronous_update_past_the_timeout_puts_the_instance_back_as_it_was(sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    assert api.put(f"{I}/{iid}", json=provision_body(parameters={"MODE": "fine"})).status_code == 201
    before = web_container(client, iid)

    answer = api.patch(f"{I}/{iid}", json={"service_id": SERVICE_ID, "parameters": {"MODE": "stuck"}})
    body = assert_osb_error(answer, 422, "AsyncRequired")
    assert "rolled back" in body["description"] and "accepts_incomplete=true" in body["description"]
    after = web_container(client, iid)
    assert after.id == before.id and after.status == "running"
    assert "MODE=fine" in env_of(after)
    last = api.get(f"{I}/{iid}/last_operation").json()
    assert last["state"] == "failed" and last["instance_usable"] is True
    assert api.get(f"{I}/{iid}").json()["parameters"] == {"MODE": "fine"}

    assert api.delete(f"{I}/{iid}", params=IDS).status_code == 200
    assert labelled(client, iid)["containers"] == []


def test_with_accepts_incomplete_docker_operations_stay_asynchronous(sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    answer = api.put(f"{I}/{iid}", params={"accept_incomplete": "true"}, json=provision_body())
    assert answer.status_code == 202, answer.text
    assert poll(api, f"{I}/{iid}", answer.json()["operation"], timeout=60)["state"] == "succeeded"
    gone = api.delete(f"{I}/{iid}", params={**IDS, "accepts_incomplete": "true"})
    assert gone.status_code == 202
    assert poll(api, f"{I}/{iid}", gone.json()["operation"], timeout=60)["state"] == "succeeded"
    assert labelled(client, iid)["containers"] == []


def test_a_synchronous_update_does_not_wait_out_a_grace_period_longer_than_its_time(sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    slow_to_stop = copy.deepcopy(WEB)
    slow_to_stop["services"]["web"]["stop_grace_period"] = "40s"  # `sleep` ignores SIGTERM
    register(api, slow_to_stop)
    assert api.put(f"{I}/{iid}", json=provision_body(parameters={"MODE": "fine"})).status_code == 201
    started = time.monotonic()
    answer = api.patch(f"{I}/{iid}", json={"service_id": SERVICE_ID, "parameters": {"MODE": "x"}})
    assert time.monotonic() - started < 40  # the old container was killed at the deadline
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:  # it may not become ready in what was left: then put back
        assert "rolled back" in answer.json()["description"]
        assert "MODE=fine" in env_of(web_container(client, iid))
    assert web_container(client, iid).status == "running"
    assert api.delete(f"{I}/{iid}", params=IDS).status_code == 200
    assert labelled(client, iid)["containers"] == []


def test_a_plan_deadline_shorter_than_the_setting_is_not_answered_as_async_required(sync_docker_api, client):
    api, iid = sync_docker_api, new_id()
    register(api, WEB, maximum_polling_duration=2)  # asynchronously it would not have longer
    answer = api.put(f"{I}/{iid}", json=provision_body(parameters={"MODE": "stuck"}))
    body = assert_osb_error(answer, 502, "BackendError")
    assert "deadline" in body["description"]
    assert labelled(client, iid)["containers"] == []
