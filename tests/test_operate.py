"""What an operator on call uses: health, metrics, structured logs, operation history,
force-delete and retry (orphans against Docker are in test_docker_orphans.py)."""
import base64
import json
import logging
import time

import httpx
import pytest

from esm.config import Settings
from esm.logs import JSONFormatter
from tests.osb import assert_osb_error, bind, deprovision, poll, provision, setup, unbind, update
from tests.server import VERSION, broker

I = "/v2/service_instances"


def test_health_needs_no_credentials_and_reports_store_and_backends():
    with broker(Settings(store_url="memory", username="u", password="p")) as api:
        response = httpx.get(f"{api.base_url}/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok" and body["checks"]["store"]["status"] == "ok"
        assert body["checks"]["DockerBackend"]["status"] == "unused"  # no docker manifest yet


def use_an_unreachable_docker_backend(api) -> None:
    """Plan b gets a Docker manifest: the broker's (unreachable) Docker backend is now in use."""
    response = api.put("/v2/et/manifest/m-plan-b", json={
        "service_id": "svc-dummy", "plan_id": "plan-b", "manifest_type": "docker-compose",
        "manifest_content": "services: {web: {image: x}}"})
    assert response.status_code in (200, 201), response.text


def test_readiness_follows_the_store_and_used_backends_and_liveness_asks_nothing(tmp_path):
    from tests.mongo import MongoServer
    server = MongoServer(storage=str(tmp_path / "db")).start()
    try:
        with broker(Settings(store_url=f"{server.uri}/esm",
                             docker_host="unix:///nonexistent/docker.sock")) as api:
            setup(api)
            use_an_unreachable_docker_backend(api)
            # an unreachable backend in use makes the broker unready, and it stays alive
            ready = httpx.get(f"{api.base_url}/health/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"]["DockerBackend"]["status"] == "failing"
            assert httpx.get(f"{api.base_url}/health/live").status_code == 200
            assert api.delete("/v2/et/manifest/m-plan-b").status_code == 200
            deadline = time.monotonic() + 15  # the types in use are re-read every 5 s
            while httpx.get(f"{api.base_url}/health/ready").status_code != 200:
                assert time.monotonic() < deadline, "still unready without the Docker manifest"
                time.sleep(0.5)
            server.stop()
            ready = httpx.get(f"{api.base_url}/health/ready", timeout=15)
            assert ready.status_code == 503 and ready.json()["checks"]["store"]["status"] == "failing"
            live = httpx.get(f"{api.base_url}/health/live")
            assert (live.status_code, live.json()) == (200, {"status": "ok"})
    finally:
        server.remove()


def test_health_is_503_naming_a_backend_in_use_that_does_not_answer(api):
    with broker(Settings(store_url="memory", docker_host="unix:///nonexistent/docker.sock")) as api:
        setup(api)
        use_an_unreachable_docker_backend(api)
        response = httpx.get(f"{api.base_url}/health")
        assert response.status_code == 503
        checks = response.json()["checks"]
        assert checks["DockerBackend"]["status"] == "failing" and checks["DockerBackend"]["reason"]
        assert checks["store"]["status"] == "ok" and checks["DummyBackend"]["status"] == "ok"


def test_metrics_count_requests_and_operations_and_need_credentials():
    with broker(Settings(store_url="memory", username="u", password="p"), auth=("u", "p")) as api:
        assert httpx.get(f"{api.base_url}/metrics").status_code == 401
        setup(api, {"provision_seconds": 0.2, "fail_on": ["update"]})
        op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
        poll(api, f"{I}/i1", op)
        update(api, "i1", parameters={"a": 1})
        text = api.get("/metrics").text
    assert 'esm_http_requests_total{method="PUT",route="instances.provision",status="202"} 1.0' in text
    assert ('esm_http_request_duration_seconds_bucket{le="0.5",method="GET",'
            'route="instances.instance_last_operation"}') in text
    assert ('esm_operations_started_total{kind="provision",plan_id="plan-a",service_id="svc-dummy"} 1.0'
            in text)
    assert ('esm_operations_finished_total{kind="provision",plan_id="plan-a",service_id="svc-dummy",'
            'state="succeeded"} 1.0') in text
    assert ('esm_operations_finished_total{kind="update",plan_id="plan-a",service_id="svc-dummy",'
            'state="failed"} 1.0') in text
    assert 'esm_operation_duration_seconds_count{kind="provision",state="succeeded"} 1.0' in text


def test_metrics_show_operations_in_progress(api):
    setup(api, {"provision_seconds": 5})
    provision(api, "i1", accepts_incomplete=True)
    assert 'esm_operations_in_progress{kind="provision"} 1.0' in httpx.get(f"{api.base_url}/metrics").text
    deprovision(api, "i1", accepts_incomplete=True)


def test_each_request_and_operation_transition_is_one_structured_log_line_without_secrets(api, caplog):
    setup(api, {"credentials": {"password": "s3cr3t-cred"}})
    identity = base64.b64encode(json.dumps({"user_id": "alice"}).encode()).decode()
    caplog.set_level(logging.INFO)
    api.put(f"{I}/i1", json={"service_id": "svc-dummy", "plan_id": "plan-a",
                             "organization_guid": "o", "space_guid": "s"},
            headers={"X-Broker-API-Originating-Identity": f"cloudfoundry {identity}",
                     "X-Broker-API-Request-Identity": "req-7"})
    bind(api, "i1", "b1")
    access = [r for r in caplog.records if r.name == "esm.access" and r.route == "instances.provision"]
    assert len(access) == 1
    line = json.loads(JSONFormatter().format(access[0]))
    assert (line["method"], line["status"], line["request_identity"], line["user"]) == \
        ("PUT", 201, "req-7", "alice")
    assert line["duration_ms"] >= 0
    transitions = [r for r in caplog.records if r.name == "esm.operations" and getattr(r, "state", None)]
    assert {(r.kind, r.state) for r in transitions} >= {("provision", "succeeded"), ("bind", "succeeded")}
    assert "s3cr3t-cred" not in caplog.text


def test_the_operation_history_lists_instance_and_binding_operations(api):
    setup(api)
    provision(api, "i1")
    bind(api, "i1", "b1")
    unbind(api, "i1", "b1")
    ops = api.get("/v2/et/service_instances/i1/operations").json()["operations"]
    assert [(o["kind"], o["binding_id"], o["state"]) for o in ops] == [
        ("provision", None, "succeeded"), ("bind", "b1", "succeeded"), ("unbind", "b1", "succeeded")]
    assert_osb_error(api.get("/v2/et/service_instances/ghost/operations"), 404)


def test_force_delete_removes_a_stuck_instance_and_its_records(api):
    setup(api, {"provision_seconds": 60})
    assert provision(api, "i1", accepts_incomplete=True).status_code == 202
    result = api.delete("/v2/et/service_instances/i1")
    assert result.status_code == 200
    assert result.json()["backend"] == "removed" and result.json()["records_removed"] == 2
    assert_osb_error(api.get("/v2/et/service_instances/i1"), 404)
    assert deprovision(api, "i1").status_code == 410  # the platform forgets it
    assert_osb_error(api.delete("/v2/et/service_instances/i1"), 404)


def test_a_failed_operation_can_be_retried_and_only_that(api):
    setup(api, {"fail_on": ["provision"]})
    assert provision(api, "i1").status_code == 502
    failed = poll(api, f"{I}/i1")
    assert failed["state"] == "failed"
    op_id = api.get("/v2/et/service_instances/i1/operations").json()["operations"][0]["id"]
    setup(api, {})  # the provider fixes the cause
    retried = api.post(f"/v2/et/service_instances/i1/operations/{op_id}/retry")
    assert retried.status_code == 202
    assert poll(api, f"{I}/i1", retried.json()["operation"])["state"] == "succeeded"
    assert api.get(f"{I}/i1").status_code == 200
    assert_osb_error(api.post(f"/v2/et/service_instances/i1/operations/{op_id}/retry"), 409)
    assert_osb_error(api.post("/v2/et/service_instances/i1/operations/nope/retry"), 404)


def test_a_retried_update_applies_its_target(api):
    setup(api, {"fail_on": ["update"]})
    provision(api, "i1", parameters={"a": 1})
    assert update(api, "i1", parameters={"a": 2}).status_code == 502
    op_id = api.get("/v2/et/service_instances/i1/operations").json()["operations"][-1]["id"]
    setup(api, {})
    retried = api.post(f"/v2/et/service_instances/i1/operations/{op_id}/retry").json()["operation"]
    assert poll(api, f"{I}/i1", retried)["state"] == "succeeded"
    assert api.get(f"{I}/i1").json()["parameters"] == {"a": 2}


@pytest.mark.parametrize("path", ["/v2/et/orphans", "/v2/et/service_instances/x/operations"])
def test_admin_routes_need_the_broker_credentials(path):
    with broker(Settings(store_url="memory", username="u", password="p")) as api:
        assert_osb_error(httpx.get(f"{api.base_url}{path}", headers=VERSION), 401)
