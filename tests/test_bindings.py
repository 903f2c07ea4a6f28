"""OSB binding endpoints over HTTP, with the dummy backend, sync and async."""
import time

import pytest

from tests.osb import (
    OTHER_PLAN_ID,
    PLAN_ID,
    SERVICE_ID,
    assert_osb_error,
    bind,
    binding_path,
    deprovision,
    last_operation,
    poll,
    provision,
    setup,
    unbind,
    update,
)

CREDS = {"uri": "dummy://user:pass@host:1234", "password": "pass"}
DRAFT4 = "http://json-schema.org/draft-04/schema#"


@pytest.fixture
def ready(api):
    """A provisioned instance i1 on a plan whose bind is synchronous."""
    setup(api, {"credentials": CREDS})
    assert provision(api, "i1").status_code == 201
    return api


def test_sync_bind_is_201_with_credentials_and_an_identical_repeat_is_200(ready):
    created = bind(ready, "i1", "b1", parameters={"role": "ro"})
    assert created.status_code == 201 and created.json() == {"credentials": CREDS}
    again = bind(ready, "i1", "b1", parameters={"role": "ro"})
    assert again.status_code == 200 and again.json() == created.json()
    fetched = ready.get(binding_path("i1", "b1"))
    assert fetched.json() == {"credentials": CREDS, "parameters": {"role": "ro"}}
    assert poll(ready, binding_path("i1", "b1"))["state"] == "succeeded"


def test_same_binding_id_with_other_parameters_is_409(ready):
    bind(ready, "i1", "b1", parameters={"role": "ro"})
    assert_osb_error(bind(ready, "i1", "b1", parameters={"role": "rw"}), 409)


def test_unbind_is_200_then_410_and_fetch_is_404(ready):
    bind(ready, "i1", "b1")
    response = unbind(ready, "i1", "b1")
    assert response.status_code == 200 and response.json() == {}
    assert unbind(ready, "i1", "b1").status_code == 410
    assert unbind(ready, "i1", "never").status_code == 410
    assert unbind(ready, "ghost", "b1").status_code == 410
    assert_osb_error(ready.get(binding_path("i1", "b1")), 404)
    assert last_operation(ready, binding_path("i1", "b1")).json()["state"] == "succeeded"


def test_unbind_without_service_or_plan_id_is_400(ready):
    bind(ready, "i1", "b1")
    assert_osb_error(ready.delete(binding_path("i1", "b1"), params={"service_id": SERVICE_ID}), 400)
    assert ready.get(binding_path("i1", "b1")).status_code == 200


def test_async_bind_carries_no_credentials_until_fetched_after_success(api):
    setup(api, {"bind_seconds": 0.4, "credentials": CREDS})
    provision(api, "i1")
    assert_osb_error(bind(api, "i1", "b1"), 422, "AsyncRequired")
    first = bind(api, "i1", "b1", accepts_incomplete=True)
    assert first.status_code == 202 and set(first.json()) == {"operation"}
    repeat = bind(api, "i1", "b1", accepts_incomplete=True)
    assert repeat.status_code == 202 and repeat.json() == first.json()
    assert_osb_error(api.get(binding_path("i1", "b1")), 404)
    assert poll(api, binding_path("i1", "b1"), first.json()["operation"])["state"] == "succeeded"
    assert api.get(binding_path("i1", "b1")).json()["credentials"] == CREDS


def test_async_unbind_is_202_and_remembered(api):
    setup(api, {"unbind_seconds": 0.3})
    provision(api, "i1")
    bind(api, "i1", "b1")
    assert_osb_error(unbind(api, "i1", "b1"), 422, "AsyncRequired")
    first = unbind(api, "i1", "b1", accepts_incomplete=True)
    assert first.status_code == 202
    assert unbind(api, "i1", "b1", accepts_incomplete=True).json() == first.json()
    assert poll(api, binding_path("i1", "b1"), first.json()["operation"])["state"] == "succeeded"
    assert unbind(api, "i1", "b1", accepts_incomplete=True).status_code == 410


def test_an_unbind_during_a_running_bind_stops_it(api):
    setup(api, {"bind_seconds": 30})
    provision(api, "i1")
    bind_op = bind(api, "i1", "b1", accepts_incomplete=True).json()["operation"]
    started = time.monotonic()
    assert unbind(api, "i1", "b1", accepts_incomplete=True).status_code == 200
    assert time.monotonic() - started < 5
    stopped = poll(api, binding_path("i1", "b1"), bind_op)
    assert stopped["state"] == "failed" and "stopped" in stopped["description"]
    assert_osb_error(api.get(binding_path("i1", "b1")), 404)


def test_bind_to_an_unknown_instance_is_404(ready):
    assert_osb_error(bind(ready, "ghost", "b1"), 404)


def test_bind_with_another_plan_than_the_instance_is_400(ready):
    assert_osb_error(bind(ready, "i1", "b1", plan_id=OTHER_PLAN_ID), 400)


def test_bind_on_a_non_bindable_plan_is_400(api):
    setup(api, bindable=False)
    provision(api, "i1")
    assert "bindable" in assert_osb_error(bind(api, "i1", "b1"), 400)["description"]


def test_binding_parameters_violating_the_binding_schema_are_400(api):
    schema = {"$schema": DRAFT4, "type": "object", "required": ["role"]}
    plans = [{"id": PLAN_ID, "name": "a", "description": "A",
              "schemas": {"service_binding": {"create": {"parameters": schema}}}},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, plans=plans)
    provision(api, "i1")
    assert_osb_error(bind(api, "i1", "b1", parameters={}), 400)
    assert bind(api, "i1", "b1", parameters={"role": "ro"}).status_code == 201


def test_a_failing_sync_bind_is_502_and_can_be_unbound(api):
    setup(api, {"fail_on": ["bind"]})
    provision(api, "i1")
    assert_osb_error(bind(api, "i1", "b1"), 502, "BackendError")
    assert poll(api, binding_path("i1", "b1"))["state"] == "failed"
    assert unbind(api, "i1", "b1").status_code == 200


def test_bind_and_update_exclude_each_other(api):
    setup(api, {"bind_seconds": 0.5, "update_seconds": 0.5})
    provision(api, "i1")
    op = bind(api, "i1", "b1", accepts_incomplete=True).json()["operation"]
    assert_osb_error(update(api, "i1", accepts_incomplete=True, parameters={"a": 1}), 422,
                     "ConcurrencyError")
    assert_osb_error(deprovision(api, "i1", accepts_incomplete=True), 422, "ConcurrencyError")
    poll(api, binding_path("i1", "b1"), op)
    op = update(api, "i1", accepts_incomplete=True, parameters={"a": 1}).json()["operation"]
    assert_osb_error(bind(api, "i1", "b2", accepts_incomplete=True), 422, "ConcurrencyError")
    poll(api, "/v2/service_instances/i1", op)


def test_deprovision_removes_the_bindings_of_the_instance(ready):
    bind(ready, "i1", "b1")
    assert deprovision(ready, "i1").status_code == 200
    assert unbind(ready, "i1", "b1").status_code == 410
    assert_osb_error(ready.get(binding_path("i1", "b1")), 404)


def test_binding_last_operation_of_unknown_binding_is_404(ready):
    assert_osb_error(last_operation(ready, binding_path("i1", "ghost")), 404)


def test_rotation_needs_a_rotatable_plan_and_a_live_predecessor(api):
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "binding_rotatable": True},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, {"credentials": CREDS}, plans=plans)
    provision(api, "i1")
    provision(api, "i2", plan_id=OTHER_PLAN_ID)
    bind(api, "i1", "b1")
    assert bind(api, "i1", "b2", predecessor_binding_id="b1").status_code == 201
    assert api.get(binding_path("i1", "b1")).status_code == 200  # the predecessor stays valid
    assert_osb_error(bind(api, "i1", "b3", predecessor_binding_id="ghost"), 400)
    bind(api, "i2", "c1", plan_id=OTHER_PLAN_ID)
    assert_osb_error(bind(api, "i2", "c2", plan_id=OTHER_PLAN_ID, predecessor_binding_id="c1"), 400)
