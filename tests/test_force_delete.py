"""An operator's force-delete during a running Docker provision: it stops the operation, waits
until its worker has let go, then removes everything; nothing appears on the engine afterwards."""
import time

from tests.docker_engine import IMAGE
from tests.osb import provision
from tests.test_docker import labelled, new_id, register

NEVER_HEALTHY_THEN_ANOTHER = {"services": {
    "first": {"image": IMAGE, "command": ["sleep", "3600"],
              "healthcheck": {"test": ["CMD", "false"], "interval": "1s", "retries": 1000}},
    "second": {"image": IMAGE, "command": ["sleep", "3600"],
               "depends_on": {"first": {"condition": "service_healthy"}}},
}}


def test_force_delete_during_a_provision_stops_it_waits_for_it_and_leaves_nothing(docker_api, client):
    api, iid = docker_api, new_id()
    register(api, NEVER_HEALTHY_THEN_ANOTHER)
    assert provision(api, iid, accepts_incomplete=True).status_code == 202
    deadline = time.monotonic() + 30
    while not labelled(client, iid)["containers"]:  # the provision is making things
        assert time.monotonic() < deadline, "the provision made no container"
        time.sleep(0.1)
    started = time.monotonic()
    result = api.delete(f"/v2/et/service_instances/{iid}")
    assert result.status_code == 200, result.text
    assert result.json()["backend"] == "removed"
    assert time.monotonic() - started < 20  # it waited for the operation, not for a timeout
    assert not any(labelled(client, iid).values())
    time.sleep(2)  # the stopped provision makes nothing more
    assert not any(labelled(client, iid).values())
    assert api.get(f"/v2/et/service_instances/{iid}").status_code == 404
    counted = [line for line in api.get("/metrics").text.splitlines()
               if line.startswith("esm_operations_finished_total")]
    assert len(counted) == 1 and 'kind="provision"' in counted[0] and 'state="failed"' in counted[0] \
        and counted[0].endswith(" 1.0"), counted  # it ended once
