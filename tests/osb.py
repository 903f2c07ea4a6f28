"""The tests' one set of request builders and assertions (the pytest fixtures are in
tests/conftest.py): catalog entries and manifests to register (`service`/`manifest`, a plain
two-plan service for the catalog and manifest tests; `dummy_service`/`setup`, a dummy-backed
one for lifecycle tests), the OSB calls a platform makes, polling, and the shape of an OSB
error."""
from __future__ import annotations

import copy
import time

import yaml

SERVICE_ID, PLAN_ID, OTHER_PLAN_ID = "svc-dummy", "plan-a", "plan-b"
# the basic-auth credentials of the `secured` broker (tests/conftest.py) and the fuzzed one
CREDENTIALS = ("broker", "s3cr3t-pässword")
FUZZ_CREDENTIALS = ("fuzz", "fuzz-secret")


SERVICE = {
    "id": "svc-mysql",
    "name": "mysql",
    "description": "A MySQL database",
    "bindable": True,
    "plans": [
        {"id": "plan-small", "name": "small", "description": "One small database"},
        {"id": "plan-large", "name": "large", "description": "One large database", "free": False},
    ],
}


def service(**changes):
    """A valid service object, deep-copied, with top-level changes."""
    entry = copy.deepcopy(SERVICE)
    entry.update(changes)
    return entry


def manifest(**changes):
    body = {"id": "m-small", "service_id": "svc-mysql", "plan_id": "plan-small",
            "manifest_type": "dummy", "manifest_content": "provision_seconds: 0\n"}
    body.update(changes)
    return body


def assert_osb_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert isinstance(body.get("description"), str) and body["description"], body
    assert isinstance(body.get("error"), str) and body["error"], body
    if code is not None:
        assert body["error"] == code, body
    return body


def dummy_service(**changes) -> dict:
    entry = {
        "id": SERVICE_ID, "name": "dummy", "description": "A dummy service", "bindable": True,
        "instances_retrievable": True, "bindings_retrievable": True,
        "plans": [{"id": PLAN_ID, "name": "a", "description": "Plan A"},
                  {"id": OTHER_PLAN_ID, "name": "b", "description": "Plan B"}],
    }
    entry.update(copy.deepcopy(changes))
    return entry


def setup(api, manifest: dict | None = None, other_manifest: dict | None = None, **service_changes):
    """Register the dummy service and a dummy manifest for each plan."""
    response = api.put("/v2/et/catalog", json=dummy_service(**service_changes))
    assert response.status_code in (200, 201), response.text
    for plan_id, content in ((PLAN_ID, manifest), (OTHER_PLAN_ID, other_manifest)):
        body = {"service_id": SERVICE_ID, "plan_id": plan_id, "manifest_type": "dummy",
                "manifest_content": yaml.safe_dump(content or {})}
        response = api.put(f"/v2/et/manifest/m-{plan_id}", json=body)
        assert response.status_code in (200, 201), response.text


def provision_body(plan_id=PLAN_ID, **extra) -> dict:
    return {"service_id": SERVICE_ID, "plan_id": plan_id, "organization_guid": "org",
            "space_guid": "space", **extra}


def provision(api, instance_id, accepts_incomplete=None, plan_id=PLAN_ID, **extra):
    params = {} if accepts_incomplete is None else {"accepts_incomplete": str(accepts_incomplete).lower()}
    return api.put(f"/v2/service_instances/{instance_id}", params=params,
                   json=provision_body(plan_id, **extra))


def deprovision(api, instance_id, accepts_incomplete=None, plan_id=PLAN_ID):
    params = {"service_id": SERVICE_ID, "plan_id": plan_id}
    if accepts_incomplete is not None:
        params["accepts_incomplete"] = str(accepts_incomplete).lower()
    return api.delete(f"/v2/service_instances/{instance_id}", params=params)


def update(api, instance_id, accepts_incomplete=None, **body):
    params = {} if accepts_incomplete is None else {"accepts_incomplete": str(accepts_incomplete).lower()}
    return api.patch(f"/v2/service_instances/{instance_id}", params=params,
                     json={"service_id": SERVICE_ID, **body})


def binding_path(instance_id, binding_id):
    return f"/v2/service_instances/{instance_id}/service_bindings/{binding_id}"


def bind(api, instance_id, binding_id, accepts_incomplete=None, plan_id=PLAN_ID, **extra):
    params = {} if accepts_incomplete is None else {"accepts_incomplete": str(accepts_incomplete).lower()}
    return api.put(binding_path(instance_id, binding_id), params=params,
                   json={"service_id": SERVICE_ID, "plan_id": plan_id, **extra})


def unbind(api, instance_id, binding_id, accepts_incomplete=None, plan_id=PLAN_ID):
    params = {"service_id": SERVICE_ID, "plan_id": plan_id}
    if accepts_incomplete is not None:
        params["accepts_incomplete"] = str(accepts_incomplete).lower()
    return api.delete(binding_path(instance_id, binding_id), params=params)


def last_operation(api, path, operation=None):
    params = {"operation": operation} if operation else {}
    return api.get(f"{path}/last_operation", params=params)


def poll(api, path, operation=None, timeout=20.0) -> dict:
    """Poll last_operation until it leaves 'in progress'; returns the final body."""
    deadline = time.monotonic() + timeout
    while True:
        response = last_operation(api, path, operation)
        assert response.status_code == 200, response.text
        body = response.json()
        if body["state"] != "in progress":
            return body
        assert response.headers.get("Retry-After"), "in progress without Retry-After"
        assert time.monotonic() < deadline, f"still in progress after {timeout}s"
        time.sleep(0.05)
