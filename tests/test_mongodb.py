"""The MongoDB store with real broker processes: several replicas behave as one broker, a dead
replica's operations are taken over, and a database outage is a clean 503 that heals itself."""
import concurrent.futures
import json
import time

import pymongo
import pytest

from esm.config import Settings
from tests.mongo import MongoServer, fresh_database_uri
from tests.osb import assert_osb_error, bind, deprovision, poll, provision, service, setup
from tests.process import BrokerProcess
from tests.server import broker

I = "/v2/service_instances"


def test_the_whole_lifecycle_works_on_mongodb():
    with broker(Settings(store_url=fresh_database_uri())) as api:
        setup(api, {"provision_seconds": 0.2, "credentials": {"k": "v"}})
        op = provision(api, "i1", accepts_incomplete=True, parameters={"a.b": {"$c": "x\ny"}}).json()["operation"]
        assert poll(api, f"{I}/i1", op)["state"] == "succeeded"
        assert api.get(f"{I}/i1").json()["parameters"] == {"a.b": {"$c": "x\ny"}}
        assert bind(api, "i1", "b1").json() == {"credentials": {"k": "v"}}
        assert deprovision(api, "i1").status_code == 200


@pytest.fixture
def two_replicas(tmp_path):
    uri = fresh_database_uri()
    env = {"ESM_STORE": uri, "ESM_OPERATION_LEASE": "2"}
    first = BrokerProcess(tmp_path, env)
    second = BrokerProcess(tmp_path, env)
    yield first.wait_ready(), second.wait_ready(), uri
    first.stop()
    second.stop()
    pymongo.MongoClient(uri).drop_database(uri.rsplit("/", 1)[1])


def operations(uri):
    db = pymongo.MongoClient(uri)[uri.rsplit("/", 1)[1]]
    return [json.loads(d["doc"]) for d in db.operations.find()]


def test_concurrent_puts_of_one_id_to_two_replicas_give_exactly_one_201(two_replicas):
    a, b, _ = two_replicas
    with a.client() as api_a, b.client() as api_b:
        setup(api_a)
        clients = [api_a, api_b] * 8
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda c: provision(c, "same", parameters={"x": 1}).status_code,
                                     clients))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 422}, statuses


def test_each_operation_is_run_by_one_replica_only(two_replicas):
    a, b, uri = two_replicas
    with a.client() as api_a, b.client() as api_b:
        setup(api_a, {"provision_seconds": 0.5})
        ops = {}
        for n in range(12):
            api = api_a if n % 2 else api_b
            ops[f"i{n}"] = provision(api, f"i{n}", accepts_incomplete=True).json()["operation"]
        for instance_id, op in ops.items():
            assert poll(api_a, f"{I}/{instance_id}", op)["state"] == "succeeded"
    # no replica ever took over an operation whose owner was alive
    assert all(o["attempts"] == 0 for o in operations(uri) if o["kind"] == "provision")


def test_a_killed_replicas_operation_is_taken_over_after_its_lease(two_replicas):
    a, b, uri = two_replicas
    with a.client() as api_a, b.client() as api_b:
        setup(api_a, {"provision_seconds": 3})
        op = provision(api_a, "i1", accepts_incomplete=True).json()["operation"]
        time.sleep(0.3)
        a.kill()
        final = poll(api_b, f"{I}/i1", op, timeout=20)
        assert final["state"] == "succeeded"
    taken = [o for o in operations(uri) if o["id"] == op][0]
    assert taken["attempts"] == 1


def test_a_database_outage_is_a_quick_503_and_the_broker_recovers_by_itself(tmp_path):
    server = MongoServer(storage=str(tmp_path / "db")).start()
    try:
        with broker(Settings(store_url=f"{server.uri}/esm")) as api:
            assert api.put("/v2/et/catalog", json=service()).status_code == 201
            server.stop()
            for call in (lambda: api.get("/v2/catalog"),
                         lambda: api.put("/v2/et/catalog", json=service(description="new")),
                         lambda: api.get(f"{I}/x/last_operation")):
                started = time.monotonic()
                response = call()
                assert time.monotonic() - started < 8
                assert_osb_error(response, 503, "ServiceUnavailable")
            server.start()  # same port and storage: the database comes back
            deadline = time.monotonic() + 20
            while api.get("/v2/catalog").status_code != 200:
                assert time.monotonic() < deadline, "the broker did not recover"
                time.sleep(0.2)
            assert api.get("/v2/catalog").json() == {"services": [service()]}
    finally:
        server.remove()


def test_the_start_up_log_names_the_store_without_its_password(tmp_path):
    uri = fresh_database_uri().replace("mongodb://", "mongodb://esm:hunter2secret@")
    process = BrokerProcess(tmp_path, {"ESM_STORE": uri})
    time.sleep(3)
    output = process.output()
    assert "MongoDB at mongodb://esm:***@" in output
    assert "hunter2secret" not in output


def test_a_replica_set_uri_with_credentials_is_redacted_not_crashed_on():
    from adapters.stores.mongo import redact
    uri = "mongodb://esm:pw@h1:27017,h2:27018/esm?replicaSet=rs0"
    assert redact(uri) == "mongodb://esm:***@h1:27017,h2:27018/esm?replicaSet=rs0"
    assert redact("mongodb://h1,h2/esm") == "mongodb://h1,h2/esm"
