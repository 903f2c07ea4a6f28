"""Faults other than kill -9, with the real parts: two broker processes on a real MongoDB
wire-protocol server (SecantusDB), a replica frozen with SIGSTOP past its lease, a database
outage of twice the lease while asynchronous operations run, retries of operations whose
instance is gone, and the MongoDB write concern."""
import os
import re
import signal
import time

import httpx
import pymongo
import pytest

from adapters.stores.mongo import MongoDB
from esm.config import ConfigError, Settings
from tests.mongo import MongoServer, fresh_database_uri
from tests.osb import (
    PLAN_ID,
    assert_osb_error,
    bind,
    binding_path,
    deprovision,
    poll,
    provision,
    setup,
    update,
)
from tests.process import BrokerProcess
from tests.server import broker

I = "/v2/service_instances"
LEASE = 2


def finished_count(process: BrokerProcess) -> int:
    """esm_operations_finished_total summed over kinds and outcomes, as one replica counts it."""
    text = httpx.get(f"{process.url}/metrics", timeout=10).text
    return int(sum(float(v) for v in re.findall(
        r"^esm_operations_finished_total\{[^}]*\} ([0-9.e+]+)$", text, re.M)))


def stored_operation(uri: str, op_id: str) -> dict:
    import json
    db = pymongo.MongoClient(uri)[uri.rsplit("/", 1)[1]]
    return json.loads(db.operations.find_one({"_id": op_id})["doc"])


def poll_through_outage(api, path: str, op: str, timeout: float = 60) -> dict:
    """last_operation until it leaves 'in progress', waiting out 503s (the store coming back)."""
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(f"{path}/last_operation", params={"operation": op})
        if response.status_code == 200 and response.json()["state"] != "in progress":
            return response.json()
        assert response.status_code in (200, 503), response.text
        assert time.monotonic() < deadline, f"{path} still in progress: {response.text}"
        time.sleep(0.2)


@pytest.fixture
def replicas(tmp_path):
    """Two broker processes (lease 2 s) on a MongoDB server of their own, which tests may stop."""
    server = MongoServer(storage=str(tmp_path / "db")).start()
    uri = f"{server.uri}/esm"
    env = {"ESM_STORE": uri, "ESM_OPERATION_LEASE": str(LEASE)}
    first, second = BrokerProcess(tmp_path, env), BrokerProcess(tmp_path, env)
    first.wait_ready(), second.wait_ready()
    yield first, second, server, uri
    for process in (first, second):
        try:
            os.kill(process.proc.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
        process.stop()
    server.remove()


def test_a_replica_frozen_past_its_lease_neither_runs_on_nor_settles_what_was_taken_over(replicas):
    a, b, _, uri = replicas
    with a.client() as api_a, b.client() as api_b:
        setup(api_a, {"provision_seconds": 5})
        op = provision(api_a, "i1", accepts_incomplete=True).json()["operation"]
        time.sleep(0.5)
        os.kill(a.proc.pid, signal.SIGSTOP)  # a GC pause, a slow disk, a stopped VM
        deadline = time.monotonic() + 15
        while stored_operation(uri, op)["epoch"] < 2:  # b takes it over
            assert time.monotonic() < deadline, "the frozen replica's operation was not taken over"
            time.sleep(0.2)
        os.kill(a.proc.pid, signal.SIGCONT)  # a wakes while b runs the operation
        assert poll(api_b, f"{I}/i1", op, timeout=30)["state"] == "succeeded"
        time.sleep(LEASE)  # give a every chance to settle it too
        stored = stored_operation(uri, op)
        assert (stored["state"], stored["epoch"], stored["attempts"]) == ("succeeded", 2, 1)
        assert api_a.get(f"{I}/i1").status_code == 200
        # it ended exactly once: one count, on the replica that took it over
        assert (finished_count(a), finished_count(b)) == (0, 1)
    assert "is no longer this worker's" in a.output()


def test_an_outage_of_twice_the_lease_ends_every_acknowledged_operation_as_without_it(replicas):
    a, b, server, uri = replicas
    seconds = {f"{k}_seconds": 2 for k in ("provision", "update", "deprovision", "bind")}
    with a.client() as api_a, b.client() as api_b:
        setup(api_a, {**seconds, "credentials": {"k": "v"}})
        for instance_id in ("ready1", "ready2", "ready3"):
            op = provision(api_a, instance_id, accepts_incomplete=True).json()["operation"]
            assert poll(api_a, f"{I}/{instance_id}", op)["state"] == "succeeded"
        counted = finished_count(a) + finished_count(b)
        started = {
            f"{I}/p1": provision(api_a, "p1", accepts_incomplete=True),
            f"{I}/p2": provision(api_b, "p2", accepts_incomplete=True),
            f"{I}/ready2": deprovision(api_a, "ready2", accepts_incomplete=True),
            f"{I}/ready3": update(api_b, "ready3", accepts_incomplete=True, parameters={"x": 1}),
            binding_path("ready1", "b1"): bind(api_a, "ready1", "b1", accepts_incomplete=True),
        }
        assert all(r.status_code == 202 for r in started.values()), [r.text for r in started.values()]
        server.stop()
        outage_began = time.monotonic()
        refused = api_b.get(f"{I}/p1/last_operation")
        assert_osb_error(refused, 503, "ServiceUnavailable")
        assert refused.headers["Retry-After"]
        time.sleep(max(0.0, 2 * LEASE - (time.monotonic() - outage_began)))
        server.start()  # same port and storage
        for path, response in started.items():
            final = poll_through_outage(api_a, path, response.json()["operation"])
            assert final["state"] == "succeeded", (path, final)
        assert deprovision(api_a, "ready2", accepts_incomplete=True).status_code == 410
        assert api_b.get(f"{I}/ready3").json()["parameters"] == {"x": 1}
        assert api_b.get(binding_path("ready1", "b1")).json()["credentials"] == {"k": "v"}
        # each ended once: one count per operation across both replicas
        assert finished_count(a) + finished_count(b) - counted == len(started)


def test_retrying_an_operation_of_a_deleted_instance_is_409_and_brings_nothing_back():
    with broker(Settings(store_url="memory")) as api:
        setup(api, {"fail_on": ["provision", "bind"]})
        provision(api, "gone")
        failed_provision = api.get(f"{I}/gone/last_operation").json()
        assert failed_provision["state"] == "failed"
        operation = api.get("/v2/et/service_instances/gone/operations").json()["operations"][0]["id"]
        assert deprovision(api, "gone").status_code == 200
        retried = api.post(f"/v2/et/service_instances/gone/operations/{operation}/retry")
        assert_osb_error(retried, 409)
        assert api.get(f"{I}/gone").status_code == 404


def test_retrying_a_failed_bind_after_its_instance_was_deleted_is_409_and_serves_no_credentials():
    with broker(Settings(store_url="memory")) as api:
        setup(api, {"fail_on": ["bind"], "credentials": {"secret": "s"}})
        assert provision(api, "i1").status_code == 201
        assert bind(api, "i1", "b1").status_code == 502
        operations = api.get("/v2/et/service_instances/i1/operations").json()["operations"]
        failed_bind = next(o["id"] for o in operations if o["kind"] == "bind")
        assert deprovision(api, "i1").status_code == 200
        retried = api.post(f"/v2/et/service_instances/i1/operations/{failed_bind}/retry")
        assert_osb_error(retried, 409)
        assert api.get(binding_path("i1", "b1")).status_code == 404


def test_mongodb_writes_are_acknowledged_by_a_majority_from_the_journal_and_retried_on_failover():
    store = MongoDB(fresh_database_uri())
    assert store.client.write_concern.document == {"w": "majority", "j": True, "wtimeout": 6000}
    assert store.client.options.retry_writes is True
    configured = MongoDB(fresh_database_uri(), write_concern="2", journal=False)
    assert configured.client.write_concern.document["w"] == 2
    assert configured.client.write_concern.document["j"] is False


@pytest.mark.parametrize("value", ["0", "-1", "most", ""])
def test_a_write_concern_that_would_acknowledge_unstored_writes_is_refused_at_start(value):
    if value == "":
        assert Settings.from_env({"ESM_MONGODB_WRITE_CONCERN": ""}).mongodb_write_concern == "majority"
        return
    with pytest.raises(ConfigError, match="ESM_MONGODB_WRITE_CONCERN"):
        Settings.from_env({"ESM_MONGODB_WRITE_CONCERN": value})


def test_a_worker_whose_operation_was_taken_over_writes_nothing_even_inside_its_lease_window():
    """The narrowest case: the old holder believes its lease fresh (it renewed just before a
    pause) while another worker already took the operation over and stamped the instance."""
    from adapters.datastore import InMemoryStore
    from adapters.resources import BackendRegistry, DummyBackend
    from esm.catalog import Catalog
    from esm.metrics import Metrics
    from esm.models import Operation, ServiceInstance
    from esm.operations import Held, Settlement, Worker, fence_of

    store = InMemoryStore()
    backends = BackendRegistry([DummyBackend()])
    worker = Worker(store, backends, Catalog(store, backends), Settings(store_url="memory"), Metrics(store))
    op = store.insert(Operation("provision-1", kind="provision", instance_id="i1",
                                **worker.lease_fields()))
    store.insert(ServiceInstance("i1", state="provisioning", operation_id=op.id))
    taken = store.get(Operation, op.id)
    taken.owner, taken.epoch = "another-replica", 2
    store.update(taken)
    stamped = store.get(ServiceInstance, "i1")
    stamped.fence = fence_of(op.id, 2)
    store.update(stamped)

    worker._settle(op, Held(epoch=1), Settlement(False, "provision failed: stale view"))
    assert store.get(ServiceInstance, "i1").state == "provisioning"  # the subject did not move
    after = store.get(Operation, op.id)
    assert (after.state, after.owner, after.epoch) == ("in progress", "another-replica", 2)


def test_two_concurrent_force_deletes_end_the_running_operation_once(replicas):
    import concurrent.futures
    a, b, _, uri = replicas
    with a.client() as api_a, b.client() as api_b:
        setup(api_a, {"provision_seconds": 5})
        for n in range(3):
            assert provision(api_a, f"fd{n}", accepts_incomplete=True).status_code == 202
            time.sleep(0.5)
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda api: api.delete(f"/v2/et/service_instances/fd{n}"),
                                        (api_a, api_b)))
            assert {r.status_code for r in answers} <= {200, 404}, [r.text for r in answers]
        time.sleep(1)
        assert finished_count(a) + finished_count(b) == 3  # one end per provision


def test_no_operation_starts_on_an_instance_while_an_operator_force_deletes_it():
    import threading
    with broker(Settings(store_url="memory")) as api:
        # the dummy's deprovision takes 2 s: the force-delete is that long in the backend
        setup(api, {"deprovision_seconds": 2, "bind_seconds": 1, "update_seconds": 1,
                    "credentials": {"k": "v"}})
        assert provision(api, "i1").status_code == 201
        force = threading.Thread(target=lambda: api.delete("/v2/et/service_instances/i1"))
        force.start()
        time.sleep(0.4)
        during = [bind(api, "i1", "b1", accepts_incomplete=True),
                  update(api, "i1", accepts_incomplete=True, parameters={"x": 1}),
                  provision(api, "i1", accepts_incomplete=True),
                  deprovision(api, "i1", accepts_incomplete=True)]
        force.join(30)
        for refused in during:  # 422 ConcurrencyError: no 202, no credentials
            assert_osb_error(refused, 422, "ConcurrencyError")
        time.sleep(1.5)  # anything accepted would have ended by now
        text = api.get("/metrics").text
        assert 'kind="bind"' not in text and 'kind="update"' not in text
        assert api.get(binding_path("i1", "b1")).status_code == 404


def test_a_deadline_passing_during_an_outage_ends_the_operation_once(replicas):
    a, b, server, _ = replicas
    with a.client() as api_a:
        setup(api_a, {"provision_seconds": 40}, plans=[
            {"id": PLAN_ID, "name": "a", "description": "Plan A", "maximum_polling_duration": 8},
            {"id": "plan-b", "name": "b", "description": "Plan B"}])
        op = provision(api_a, "late", accepts_incomplete=True).json()["operation"]
        time.sleep(5)
        server.stop()
        time.sleep(7)  # the deadline passes while the database is away
        server.start()
        final = poll_through_outage(api_a, f"{I}/late", op)
        assert final["state"] == "failed" and "deadline" in final["description"]
        time.sleep(2)
        assert finished_count(a) + finished_count(b) == 1  # it ended once


def test_an_instance_whose_deprovision_failed_is_still_fetched_and_says_it_is_unusable():
    with broker(Settings(store_url="memory")) as api:
        setup(api, {"fail_on": ["deprovision"]})
        assert provision(api, "i1").status_code == 201
        assert deprovision(api, "i1").status_code == 502
        assert api.get(f"{I}/i1").status_code == 200  # it exists: a 404 would say it is gone
        last = api.get(f"{I}/i1/last_operation").json()
        assert (last["state"], last["instance_usable"]) == ("failed", False)
