"""The whole OSB lifecycle once per API version, 2.12 to 2.17, sent as a platform of that version
sends it (the OSB project's conformance checkers do the same): old platforms bind synchronously,
a 2.14 generated client sends `"maintenance_info": {}`, checkers poll with `operation=provision`.
Each step asserts the spec's status code and the body shape that version defines: no field the
version does not know comes back."""
import base64
import json
import time

import httpx
import pytest

from esm.config import Settings
from tests.osb import assert_osb_error
from tests.server import broker

CREDENTIALS = ("platform", "platform-secret")
SERVICE, SYNC, ASYNC = "svc-conf", "plan-sync", "plan-async"
CATALOG = {
    "id": SERVICE, "name": "conformance", "description": "dummy for the checkers", "bindable": True,
    "instances_retrievable": True, "bindings_retrievable": True, "allow_context_updates": True,
    "plans": [
        {"id": SYNC, "name": "sync", "description": "completes inside requests", "plan_updateable": True,
         "maintenance_info": {"version": "1.0.0"}, "maximum_polling_duration": 60,
         "schemas": {"service_instance": {"create": {"parameters": {
             "$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}}}}},
        {"id": ASYNC, "name": "async", "description": "asynchronous only", "plan_updateable": True},
    ],
}
MANIFESTS = {SYNC: "credentials: {uri: 'dummy://u:p@h'}\n",
             ASYNC: "provision_seconds: 0.2\nupdate_seconds: 0.2\ndeprovision_seconds: 0.2\n"
                    "bind_seconds: 0.2\nunbind_seconds: 0.2\ncredentials: {uri: 'dummy://a'}\n"}
IDENTITY = "cloudfoundry " + base64.b64encode(json.dumps({"user_id": "alice"}).encode()).decode()
VERSIONS = range(12, 18)


@pytest.fixture(scope="module")
def platform_broker():
    with broker(Settings(store_url="memory", username=CREDENTIALS[0], password=CREDENTIALS[1]),
                auth=CREDENTIALS) as api:
        assert api.put("/v2/et/catalog", json=CATALOG).status_code == 201
        for plan, content in MANIFESTS.items():
            assert api.put(f"/v2/et/manifest/m-{plan}", json={
                "service_id": SERVICE, "plan_id": plan, "manifest_type": "dummy",
                "manifest_content": content}).status_code == 201
        yield api


class Platform:
    """Requests as a platform speaking OSB 2.<minor> sends them."""

    def __init__(self, api: httpx.Client, minor: int):
        self.api, self.minor = api, minor
        self.headers = {"X-Broker-API-Version": f"2.{minor}"}
        if minor >= 13:
            self.headers["X-Broker-API-Originating-Identity"] = IDENTITY

    def send(self, method, path, body=None, **params):
        return self.api.request(method, f"/v2{path}", json=body, headers=self.headers,
                                params={k: str(v).lower() if isinstance(v, bool) else v
                                        for k, v in params.items()})

    def provision_body(self, plan, **extra):
        body = {"service_id": SERVICE, "plan_id": plan, "organization_guid": "org-1",
                "space_guid": "space-1", "context": {"platform": "cloudfoundry"}, **extra}
        if self.minor == 14:
            body["maintenance_info"] = {}  # what a 2.14 generated client always sends
        elif self.minor < 14:
            body["maintenance_info"] = {"version": "0.0.1"}  # a field 2.12/2.13 do not know
        elif plan == SYNC:
            body["maintenance_info"] = {"version": "1.0.0"}
        return body

    def poll(self, path, operation):
        deadline = time.monotonic() + 20
        while True:
            response = self.send("GET", f"{path}/last_operation", operation=operation)
            assert response.status_code == 200, response.text
            body = response.json()
            assert set(body) <= {"state", "description"} | (
                {"instance_usable", "update_repeatable"} if self.minor >= 16 else set())
            if body["state"] != "in progress":
                return body
            assert time.monotonic() < deadline
            time.sleep(0.05)


def only_known_fields(body: dict, minor: int, since: dict) -> None:
    for key, version in since.items():
        if minor < version:
            assert key not in body, f"2.{minor} does not define {key}: {body}"


@pytest.mark.parametrize("minor", VERSIONS)
def test_a_platform_of_each_version_walks_the_whole_lifecycle(platform_broker, minor):
    p = Platform(platform_broker, minor)
    sync_id, async_id, bid = f"conf-{minor}-s", f"conf-{minor}-a", f"conf-{minor}-b"
    instance = f"/service_instances/{sync_id}"

    # catalog, with only the fields of this version
    catalog = p.send("GET", "/catalog")
    assert catalog.status_code == 200
    service = next(s for s in catalog.json()["services"] if s["id"] == SERVICE)
    only_known_fields(service, minor, {"instances_retrievable": 14, "bindings_retrievable": 14,
                                       "allow_context_updates": 15})
    plan = next(x for x in service["plans"] if x["id"] == SYNC)
    only_known_fields(plan, minor, {"schemas": 13, "plan_updateable": 15, "maintenance_info": 15,
                                    "maximum_polling_duration": 15})
    if minor >= 15:
        assert plan["maintenance_info"] == {"version": "1.0.0"}

    # provision: malformed, sync, repeat, conflict
    for missing in ("service_id", "plan_id", "organization_guid", "space_guid"):
        body = p.provision_body(SYNC)
        del body[missing]
        assert missing in assert_osb_error(p.send("PUT", instance, body), 400)["description"]
        assert_osb_error(p.send("PUT", instance, {**p.provision_body(SYNC), missing: ""}), 400)
    created = p.send("PUT", instance, p.provision_body(SYNC))
    assert created.status_code == 201, created.text
    only_known_fields(created.json(), minor, {"metadata": 16})
    assert p.send("PUT", instance, p.provision_body(SYNC)).status_code == 200
    assert_osb_error(p.send("PUT", instance, p.provision_body(ASYNC)), 409)

    # provision async: AsyncRequired, then 202, a repeat 202 with the same operation, poll
    async_path = f"/service_instances/{async_id}"
    assert_osb_error(p.send("PUT", async_path, p.provision_body(ASYNC)), 422, "AsyncRequired")
    started = p.send("PUT", async_path, p.provision_body(ASYNC), accepts_incomplete=True)
    assert started.status_code == 202, started.text
    operation = started.json()["operation"]
    again = p.send("PUT", async_path, p.provision_body(ASYNC), accepts_incomplete=True)
    assert again.status_code == 202 and again.json()["operation"] == operation
    assert p.poll(async_path, "provision")["state"] == "succeeded"  # the checker sends the kind
    assert p.poll(async_path, operation)["state"] == "succeeded"

    # fetch (2.14+)
    if minor >= 14:
        fetched = p.send("GET", instance)
        assert fetched.status_code == 200
        assert fetched.json()["plan_id"] == SYNC
        only_known_fields(fetched.json(), minor, {"maintenance_info": 17, "metadata": 17})

    # update: an async-only plan says AsyncRequired even when nothing would change
    assert_osb_error(p.send("PATCH", async_path, {"service_id": SERVICE}), 422, "AsyncRequired")
    update = {"service_id": SERVICE, "parameters": {"size": 2},
              "previous_values": {"plan_id": ASYNC, **({"maintenance_info": {}} if minor == 14 else {})}}
    changed = p.send("PATCH", async_path, update, accepts_incomplete=True)
    assert changed.status_code == 202, changed.text
    assert p.poll(async_path, changed.json()["operation"])["state"] == "succeeded"
    assert p.send("PATCH", instance, {"service_id": SERVICE, "parameters": {"x": 1}}).status_code == 200

    # bind synchronously (every version), repeat, conflict, different plan on the same id
    binding = f"{instance}/service_bindings/{bid}"
    bind_body = {"service_id": SERVICE, "plan_id": SYNC, "bind_resource": {"app_guid": "app-1"}}
    bound = p.send("PUT", binding, bind_body)
    assert bound.status_code == 201, bound.text
    assert bound.json()["credentials"] == {"uri": "dummy://u:p@h"}
    only_known_fields(bound.json(), minor, {"endpoints": 15, "metadata": 16})
    assert p.send("PUT", binding, bind_body).status_code == 200
    assert_osb_error(p.send("PUT", binding, {**bind_body, "parameters": {"other": 1}}), 409)
    assert_osb_error(p.send("PUT", binding, {**bind_body, "plan_id": ASYNC}), 409)
    if minor >= 14:
        assert p.send("GET", binding).json()["credentials"] == {"uri": "dummy://u:p@h"}
        # asynchronous bindings arrived with 2.14
        async_binding = f"{async_path}/service_bindings/{bid}-a"
        body = {"service_id": SERVICE, "plan_id": ASYNC}
        assert_osb_error(p.send("PUT", async_binding, body), 422, "AsyncRequired")
        started = p.send("PUT", async_binding, body, accepts_incomplete=True)
        assert started.status_code == 202 and "credentials" not in started.json()
        assert p.poll(async_binding, started.json()["operation"])["state"] == "succeeded"
        assert p.send("GET", async_binding).json()["credentials"] == {"uri": "dummy://a"}
        gone = p.send("DELETE", async_binding, service_id=SERVICE, plan_id=ASYNC, accepts_incomplete=True)
        assert gone.status_code == 202
        p.poll(async_binding, gone.json()["operation"])

    # unbind, deprovision, gone
    query = {"service_id": SERVICE, "plan_id": SYNC}
    assert_osb_error(p.send("DELETE", binding, service_id=SERVICE), 400)
    assert p.send("DELETE", binding, **query).status_code == 200
    assert p.send("DELETE", binding, **query).status_code == 410
    assert p.send("DELETE", instance, **query).status_code == 200
    assert p.send("DELETE", instance, **query).status_code == 410
    deleting = p.send("DELETE", async_path, service_id=SERVICE, plan_id=ASYNC, accepts_incomplete=True)
    assert deleting.status_code == 202
    assert p.poll(async_path, deleting.json()["operation"])["state"] == "succeeded"


@pytest.mark.parametrize("minor", VERSIONS)
def test_malformed_requests_of_each_version_get_the_spec_status(platform_broker, minor):
    p = Platform(platform_broker, minor)
    assert_osb_error(p.send("GET", "/service_instances/never-known/last_operation"), 404)
    assert_osb_error(p.send("PUT", "/service_instances/never-known/service_bindings/b",
                            {"service_id": SERVICE, "plan_id": SYNC}), 404)
    assert_osb_error(p.send("PUT", "/service_instances/conf-x", {
        **p.provision_body(SYNC), "service_id": "unknown-service"}), 400)
    assert_osb_error(p.send("PUT", "/service_instances/conf-x", {
        **p.provision_body(SYNC), "plan_id": "unknown-plan"}), 400)
    assert_osb_error(p.send("PUT", "/service_instances/conf-x", "not an object"), 400)
    wrong = platform_broker.get("/v2/catalog", headers=p.headers, auth=("platform", "wrong"))
    assert_osb_error(wrong, 401)
    anonymous = httpx.get(f"{platform_broker.base_url}/v2/catalog", headers=p.headers)
    assert_osb_error(anonymous, 401)
    for version in (None, "2.11", "1.0", "two"):
        headers = {} if version is None else {"X-Broker-API-Version": version}
        asked = httpx.get(f"{platform_broker.base_url}/v2/catalog", headers=headers, auth=CREDENTIALS)
        assert_osb_error(asked, 412)
    if minor >= 15:  # maintenance_info is read from 2.15 on
        body = {**p.provision_body(SYNC), "maintenance_info": {"version": "9.9.9"}}
        assert_osb_error(p.send("PUT", "/service_instances/conf-x", body), 422, "MaintenanceInfoConflict")


def test_a_body_without_content_type_is_read_as_json_like_the_older_go_checker_sends_it(platform_broker):
    body = json.dumps({"service_id": SERVICE, "plan_id": SYNC, "organization_guid": "o", "space_guid": "s"})
    request = platform_broker.build_request("PUT", "/v2/service_instances/conf-noct", content=body,
                                            headers={"X-Broker-API-Version": "2.14"})
    assert "content-type" not in request.headers
    assert platform_broker.send(request).status_code == 201
    assert platform_broker.get("/v2/service_instances/conf-noct/last_operation",
                               params={"operation": ""}).json()["state"] == "succeeded"


@pytest.mark.parametrize("minor", [12, 13])
def test_platforms_before_2_14_get_synchronous_bindings_even_if_they_ask_otherwise(platform_broker, minor):
    p = Platform(platform_broker, minor)
    instance = f"/service_instances/conf-old-{minor}"
    started = p.send("PUT", instance, p.provision_body(ASYNC), accepts_incomplete=True)
    assert p.poll(instance, started.json()["operation"])["state"] == "succeeded"
    binding = f"{instance}/service_bindings/b"
    response = p.send("PUT", binding, {"service_id": SERVICE, "plan_id": ASYNC}, accepts_incomplete=True)
    assert_osb_error(response, 422, "AsyncRequired")  # bind on this plan can only be async: not for 2.13
