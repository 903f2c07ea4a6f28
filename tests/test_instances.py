"""OSB service instance endpoints over HTTP, with the dummy backend, sync and async."""
import concurrent.futures
import time

import pytest

from tests.osb import (
    OTHER_PLAN_ID,
    PLAN_ID,
    SERVICE_ID,
    assert_osb_error,
    deprovision,
    last_operation,
    poll,
    provision,
    setup,
    update,
)

DRAFT4 = "http://json-schema.org/draft-04/schema#"
I = "/v2/service_instances"


# -- provision ---------------------------------------------------------------------------------

def test_sync_provision_is_201_then_an_identical_repeat_is_200(api):
    setup(api, {"dashboard_url": "http://dash.example/i1"})
    created = provision(api, "i1", parameters={"size": 1})
    assert created.status_code == 201 and created.json() == {"dashboard_url": "http://dash.example/i1"}
    again = provision(api, "i1", parameters={"size": 1})
    assert again.status_code == 200 and again.json() == created.json()
    assert poll(api, f"{I}/i1")["state"] == "succeeded"
    fetched = api.get(f"{I}/i1").json()
    assert fetched == {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "parameters": {"size": 1},
                       "dashboard_url": "http://dash.example/i1"}


@pytest.mark.parametrize("changes", [{"parameters": {"size": 2}}, {"plan_id": OTHER_PLAN_ID},
                                     {"context": {"platform": "kubernetes"}},
                                     {"organization_guid": "other-org"}])
def test_same_id_with_other_attributes_is_409(api, changes):
    setup(api)
    assert provision(api, "i1", parameters={"size": 1}).status_code == 201
    body = {"parameters": {"size": 1}, **changes}
    plan = body.pop("plan_id", PLAN_ID)
    assert_osb_error(provision(api, "i1", plan_id=plan, **body), 409)
    assert api.get(f"{I}/i1").json()["parameters"] == {"size": 1}


def test_async_only_plan_needs_accepts_incomplete_and_creates_nothing_without_it(api):
    setup(api, {"provision_seconds": 0.3})
    assert_osb_error(provision(api, "i1"), 422, "AsyncRequired")
    assert_osb_error(provision(api, "i1", accepts_incomplete=False), 422, "AsyncRequired")
    assert_osb_error(last_operation(api, f"{I}/i1"), 404)
    assert api.get("/v2/et/service_instances").json() == []


def test_async_provision_202_then_repeats_get_the_same_operation_until_done(api):
    setup(api, {"provision_seconds": 0.5, "dashboard_url": "http://dash/x"})
    first = provision(api, "i1", accepts_incomplete=True)
    assert first.status_code == 202
    operation = first.json()["operation"]
    assert first.json()["dashboard_url"] == "http://dash/x"
    repeat = provision(api, "i1", accepts_incomplete=True)
    assert repeat.status_code == 202 and repeat.json()["operation"] == operation
    assert_osb_error(provision(api, "i1", accepts_incomplete=True, parameters={"x": 1}), 409)
    running = last_operation(api, f"{I}/i1", operation)
    assert running.json()["state"] == "in progress" and running.json()["description"]
    assert int(running.headers["Retry-After"]) >= 1
    assert_osb_error(api.get(f"{I}/i1"), 404)  # fetch while provisioning
    assert poll(api, f"{I}/i1", operation)["state"] == "succeeded"
    assert provision(api, "i1", accepts_incomplete=True).status_code == 200
    assert api.get(f"{I}/i1").status_code == 200


@pytest.mark.parametrize("body_changes, status", [
    ({"service_id": "nope"}, 400),
    ({"plan_id": "nope"}, 400),
    ({"parameters": "not an object"}, 400),
    ({"parameters": [1, 2]}, 400),
    ({"context": 5}, 400),
    ({"organization_guid": ""}, 400),
])
def test_invalid_provision_requests_are_400_and_create_nothing(api, body_changes, status):
    setup(api)
    body = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, **body_changes}
    assert_osb_error(api.put(f"{I}/i1", json=body), status)
    assert_osb_error(api.get(f"{I}/i1"), 404)


def test_a_missing_service_or_plan_id_is_400(api):
    setup(api)
    assert_osb_error(api.put(f"{I}/i1", json={"plan_id": PLAN_ID}), 400)
    assert_osb_error(api.put(f"{I}/i1", json={"service_id": SERVICE_ID}), 400)


def schema_plan(target, action, schema):
    plans = [{"id": PLAN_ID, "name": "a", "description": "Plan A", "plan_updateable": True,
              "schemas": {target: {action: {"parameters": schema}}}},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "Plan B"}]
    return plans


SIZE_SCHEMA = {"$schema": DRAFT4, "type": "object", "additionalProperties": False,
               "properties": {"size": {"type": "integer", "minimum": 1}}}


def test_parameters_violating_the_create_schema_are_400(api):
    setup(api, plans=schema_plan("service_instance", "create", SIZE_SCHEMA))
    body = assert_osb_error(provision(api, "i1", parameters={"size": 0}), 400)
    assert "size" in body["description"]
    assert_osb_error(provision(api, "i1", parameters={"colour": "red"}), 400)
    assert provision(api, "i1", parameters={"size": 3}).status_code == 201


def test_maintenance_info_must_match_the_plan(api):
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "maintenance_info": {"version": "1.2.0"}},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, plans=plans)
    assert_osb_error(provision(api, "i1", maintenance_info={"version": "1.1.0"}), 422,
                     "MaintenanceInfoConflict")
    assert_osb_error(provision(api, "i2", plan_id=OTHER_PLAN_ID, maintenance_info={"version": "1.0.0"}),
                     422, "MaintenanceInfoConflict")
    assert provision(api, "i1", maintenance_info={"version": "1.2.0"}).status_code == 201
    assert api.get(f"{I}/i1").json()["maintenance_info"] == {"version": "1.2.0"}


def test_a_plan_without_manifest_is_422(api):
    api.put("/v2/et/catalog", json={"id": "s", "name": "s", "description": "d", "bindable": False,
                                    "plans": [{"id": "p", "name": "p", "description": "d"}]})
    body = assert_osb_error(api.put(f"{I}/i1", json={"service_id": "s", "plan_id": "p",
                                                          "organization_guid": "o", "space_guid": "s"}), 422)
    assert "manifest" in body["description"]


def test_a_failing_sync_provision_is_502_then_can_be_deprovisioned(api):
    setup(api, {"fail_on": ["provision"]})
    assert_osb_error(provision(api, "i1"), 502, "BackendError")
    assert poll(api, f"{I}/i1")["state"] == "failed"
    assert_osb_error(api.get(f"{I}/i1"), 404)
    assert deprovision(api, "i1").status_code == 200
    assert deprovision(api, "i1").status_code == 410


def test_a_failing_async_provision_ends_failed_with_a_description(api):
    setup(api, {"provision_seconds": 0.2, "fail_on": ["provision"]})
    op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
    final = poll(api, f"{I}/i1", op)
    assert final["state"] == "failed" and "provision" in final["description"]


def test_a_failed_provision_may_be_retried_identically(api):
    setup(api, {"fail_on": ["provision"]})
    assert provision(api, "i1").status_code == 502
    setup(api, {})  # the provider fixes the manifest
    assert provision(api, "i1").status_code == 201


# -- update ------------------------------------------------------------------------------------

def test_parameter_updates_merge_and_show_in_fetch(api):
    setup(api)
    provision(api, "i1", parameters={"a": 1, "b": 2})
    response = update(api, "i1", parameters={"b": 3})
    assert response.status_code == 200 and response.json() == {}
    assert api.get(f"{I}/i1").json()["parameters"] == {"a": 1, "b": 3}
    assert poll(api, f"{I}/i1")["state"] == "succeeded"


def test_an_update_that_changes_nothing_is_200(api):
    setup(api)
    provision(api, "i1", parameters={"a": 1})
    assert update(api, "i1", parameters={"a": 1}).status_code == 200


def test_plan_change_is_422_unless_the_plan_is_updateable_and_changes_nothing(api):
    setup(api)
    provision(api, "i1")
    assert_osb_error(update(api, "i1", plan_id=OTHER_PLAN_ID), 422)
    assert api.get(f"{I}/i1").json()["plan_id"] == PLAN_ID


def test_plan_change_with_plan_updateable_on_the_plan_or_the_service(api):
    setup(api, plan_updateable=True)
    provision(api, "i1")
    assert update(api, "i1", plan_id=OTHER_PLAN_ID).status_code == 200
    assert api.get(f"{I}/i1").json()["plan_id"] == OTHER_PLAN_ID
    # the plan's own flag overrides the service's
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "plan_updateable": False},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, plans=plans, plan_updateable=True)
    provision(api, "i2")
    assert_osb_error(update(api, "i2", plan_id=OTHER_PLAN_ID), 422)


def test_update_to_an_unknown_plan_is_400(api):
    setup(api, plan_updateable=True)
    provision(api, "i1")
    assert_osb_error(update(api, "i1", plan_id="nope"), 400)


def test_update_parameters_violating_the_update_schema_are_400_and_change_nothing(api):
    setup(api, plans=schema_plan("service_instance", "update", SIZE_SCHEMA))
    provision(api, "i1", parameters={"size": 1})
    assert_osb_error(update(api, "i1", parameters={"size": "big"}), 400)
    assert api.get(f"{I}/i1").json()["parameters"] == {"size": 1}


def test_context_only_updates_need_allow_context_updates(api):
    setup(api)
    provision(api, "i1", context={"platform": "cloudfoundry", "space_name": "a"})
    assert_osb_error(update(api, "i1", context={"platform": "cloudfoundry", "space_name": "b"}), 422)
    setup(api, allow_context_updates=True)
    assert update(api, "i1", context={"platform": "cloudfoundry", "space_name": "b"}).status_code == 200
    view = api.get("/v2/et/service_instances/i1").json()  # the seed's id and manifest_id beside it
    assert view["context"] == {"platform": "cloudfoundry", "space_name": "b", "id": "i1",
                               "manifest_id": f"m-{PLAN_ID}"}


def test_maintenance_upgrade_and_conflict_on_update(api):
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "maintenance_info": {"version": "1.0.0"}},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, plans=plans)
    provision(api, "i1")
    plans[0]["maintenance_info"] = {"version": "1.1.0"}
    setup(api, plans=plans)
    assert_osb_error(update(api, "i1", maintenance_info={"version": "2.0.0"}), 422,
                     "MaintenanceInfoConflict")
    assert api.get(f"{I}/i1").json()["maintenance_info"] == {"version": "1.0.0"}
    assert update(api, "i1", maintenance_info={"version": "1.1.0"}).status_code == 200
    assert api.get(f"{I}/i1").json()["maintenance_info"] == {"version": "1.1.0"}


def test_update_of_an_unknown_instance_is_404(api):
    setup(api)
    assert_osb_error(update(api, "ghost", parameters={"a": 1}), 404)


def test_a_failing_update_changes_nothing(api):
    setup(api, {"fail_on": ["update"]}, {"fail_on": ["update"]}, plan_updateable=True)
    provision(api, "i1", parameters={"a": 1})
    body = assert_osb_error(update(api, "i1", parameters={"a": 2}, plan_id=OTHER_PLAN_ID), 502)
    assert body["instance_usable"] is True
    fetched = api.get(f"{I}/i1").json()
    assert fetched["parameters"] == {"a": 1} and fetched["plan_id"] == PLAN_ID
    final = poll(api, f"{I}/i1")
    assert final["state"] == "failed" and final["instance_usable"] is True


def test_async_update_blocks_other_operations_and_fetch(api):
    setup(api, {"update_seconds": 0.6})
    provision(api, "i1", parameters={"a": 1})
    assert_osb_error(update(api, "i1", parameters={"a": 2}), 422, "AsyncRequired")
    first = update(api, "i1", accepts_incomplete=True, parameters={"a": 2})
    assert first.status_code == 202
    op = first.json()["operation"]
    repeat = update(api, "i1", accepts_incomplete=True, parameters={"a": 2})
    assert repeat.status_code == 202 and repeat.json()["operation"] == op
    assert_osb_error(update(api, "i1", accepts_incomplete=True, parameters={"a": 3}), 422,
                     "ConcurrencyError")
    assert_osb_error(api.get(f"{I}/i1"), 422, "ConcurrencyError")
    assert_osb_error(deprovision(api, "i1", accepts_incomplete=True), 422, "ConcurrencyError")
    assert poll(api, f"{I}/i1", op)["state"] == "succeeded"
    assert api.get(f"{I}/i1").json()["parameters"] == {"a": 2}


# -- deprovision -------------------------------------------------------------------------------

def test_deprovision_is_200_then_410_and_unknown_is_410(api):
    setup(api)
    provision(api, "i1")
    response = deprovision(api, "i1")
    assert response.status_code == 200 and response.json() == {}
    assert deprovision(api, "i1").status_code == 410
    assert deprovision(api, "never").status_code == 410
    assert_osb_error(api.get(f"{I}/i1"), 404)


def test_deprovision_without_service_or_plan_id_is_400(api):
    setup(api)
    provision(api, "i1")
    assert_osb_error(api.delete(f"{I}/i1", params={"service_id": SERVICE_ID}), 400)
    assert_osb_error(api.delete(f"{I}/i1", params={"plan_id": PLAN_ID}), 400)
    assert api.get(f"{I}/i1").status_code == 200


def test_async_deprovision_is_remembered_as_succeeded_and_unknown_ids_are_404(api):
    setup(api, {"deprovision_seconds": 0.3})
    provision(api, "i1")
    assert_osb_error(deprovision(api, "i1"), 422, "AsyncRequired")
    first = deprovision(api, "i1", accepts_incomplete=True)
    assert first.status_code == 202
    repeat = deprovision(api, "i1", accepts_incomplete=True)
    assert repeat.status_code == 202 and repeat.json() == first.json()
    assert poll(api, f"{I}/i1", first.json()["operation"])["state"] == "succeeded"
    assert last_operation(api, f"{I}/i1").json()["state"] == "succeeded"
    assert deprovision(api, "i1", accepts_incomplete=True).status_code == 410
    assert_osb_error(last_operation(api, f"{I}/never-known"), 404)


def test_a_delete_during_provisioning_stops_it_and_cleans_up(api):
    setup(api, {"provision_seconds": 30})
    provision_op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
    started = time.monotonic()
    response = deprovision(api, "i1", accepts_incomplete=True)
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 5
    assert last_operation(api, f"{I}/i1").json()["state"] == "succeeded"  # the delete
    stopped = poll(api, f"{I}/i1", provision_op)
    assert stopped["state"] == "failed" and "stopped" in stopped["description"]
    assert deprovision(api, "i1").status_code == 410


def test_last_operation_for_an_operation_of_another_instance_is_400(api):
    setup(api)
    provision(api, "i1")
    provision(api, "i2")
    op = api.get("/v2/et/service_instances/i2").json()["operations"][0]["id"]
    assert_osb_error(last_operation(api, f"{I}/i1", op), 400)


# -- concurrency and deadlines -----------------------------------------------------------------

def test_32_concurrent_identical_puts_give_exactly_one_201_and_no_5xx(api):
    setup(api)
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(lambda _: provision(api, "same", parameters={"x": 1}).status_code,
                                 range(32)))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 422}, statuses
    assert provision(api, "same", parameters={"x": 1}).status_code == 200


def test_200_concurrent_provisions_of_distinct_ids_all_succeed(api):
    setup(api, {"provision_seconds": 0.05})
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        responses = list(pool.map(lambda n: provision(api, f"i{n}", accepts_incomplete=True),
                                  range(200)))
    assert [r.status_code for r in responses] == [202] * 200
    for n, response in enumerate(responses):
        assert poll(api, f"{I}/i{n}", response.json()["operation"])["state"] == "succeeded"
    assert len(api.get("/v2/et/service_instances").json()) == 200


def test_an_operation_past_the_plans_maximum_polling_duration_fails_and_is_cleaned_up(api):
    plans = [{"id": PLAN_ID, "name": "a", "description": "A", "maximum_polling_duration": 1},
             {"id": OTHER_PLAN_ID, "name": "b", "description": "B"}]
    setup(api, {"provision_seconds": 60}, plans=plans)
    op = provision(api, "i1", accepts_incomplete=True).json()["operation"]
    final = poll(api, f"{I}/i1", op, timeout=10)
    assert final["state"] == "failed" and "deadline" in final["description"]
    assert api.get("/v2/et/service_instances/i1").json()["state"] == "failed"
    assert deprovision(api, "i1").status_code == 200
