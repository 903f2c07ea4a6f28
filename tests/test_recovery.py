"""kill -9 at any moment loses nothing acknowledged; in-flight operations are resumed or settled
at the next start (a real broker process, SIGKILLed and started again on the same SQLite file)."""
import concurrent.futures
import time

from tests.osb import OTHER_PLAN_ID, PLAN_ID, poll, provision, setup
from tests.process import BrokerProcess


def test_an_async_provision_in_flight_at_sigkill_is_resumed_after_restart(tmp_path):
    first = BrokerProcess(tmp_path).wait_ready()
    with first.client() as api:
        setup(api, {"provision_seconds": 2})
        op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
        assert api.get("/v2/service_instances/i1/last_operation").json()["state"] == "in progress"
    first.kill()
    second = BrokerProcess(tmp_path, port=first.port).wait_ready()
    try:
        with second.client() as api:
            assert poll(api, "/v2/service_instances/i1", op, timeout=15)["state"] == "succeeded"
            assert api.get("/v2/service_instances/i1").status_code == 200
    finally:
        second.stop()


def test_an_operation_whose_deadline_passed_while_down_is_failed_at_start(tmp_path):
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "maximum_polling_duration": 1},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    first = BrokerProcess(tmp_path).wait_ready()
    with first.client() as api:
        setup(api, {"provision_seconds": 60}, plans=plans)
        op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
    first.kill()
    time.sleep(1.5)
    second = BrokerProcess(tmp_path, port=first.port).wait_ready()
    try:
        with second.client() as api:
            final = poll(api, "/v2/service_instances/i1", op, timeout=10)
            assert final["state"] == "failed" and "deadline" in final["description"]
    finally:
        second.stop()


def test_a_kill_during_a_burst_loses_no_acknowledged_instance_and_strands_none(tmp_path):
    first = BrokerProcess(tmp_path).wait_ready()
    acknowledged = {}
    with first.client() as api:
        setup(api, {"provision_seconds": 0.5})

        def put(n):
            try:
                response = provision(api, f"i{n}", accepts_incomplete=True)
            except Exception:  # the broker died under us: not acknowledged
                return
            if response.status_code == 202:
                acknowledged[f"i{n}"] = response.json()["operation"]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(put, n) for n in range(300)]
            while len(acknowledged) < 40:
                time.sleep(0.01)
            first.kill()
            concurrent.futures.wait(futures)
    assert len(acknowledged) >= 40
    second = BrokerProcess(tmp_path, port=first.port).wait_ready()
    try:
        with second.client() as api:
            for instance_id, op in acknowledged.items():
                final = poll(api, f"/v2/service_instances/{instance_id}", op, timeout=30)
                assert final["state"] == "succeeded", (instance_id, final)
            views = api.get("/v2/et/service_instances").json()
            assert all(v["state"] == "ready" for v in views), [v for v in views if v["state"] != "ready"]
            assert all(o["state"] != "in progress" for v in views for o in v["operations"])
    finally:
        second.stop()
