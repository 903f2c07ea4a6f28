"""GET /v2/et/service_instances[/{id}]: what an operator sees; never binding credentials."""
import base64
import json

from tests.osb import (
    PLAN_ID,
    SERVICE_ID,
    assert_osb_error,
    bind,
    deprovision,
    provision,
    setup,
    update,
)

SECRET = "s3cr3t-binding-password"


def test_instances_show_type_plan_state_bindings_and_history_without_credentials(api):
    setup(api, {"credentials": {"password": SECRET}})
    identity = base64.b64encode(json.dumps({"user_id": "alice"}).encode()).decode()
    headers = {"X-Broker-API-Originating-Identity": f"cloudfoundry {identity}",
               "X-Broker-API-Request-Identity": "req-42"}
    assert api.put("/v2/service_instances/i1", headers=headers,
                   json={"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
                         "space_guid": "s", "parameters": {"a": 1}}
                   ).status_code == 201
    update(api, "i1", parameters={"a": 2})
    bind(api, "i1", "b1")
    provision(api, "i2")
    deprovision(api, "i2")

    listing = api.get("/v2/et/service_instances")
    assert SECRET not in listing.text
    instances = listing.json()
    assert [i["id"] for i in instances] == ["i1"]  # i2 is deleted
    view = api.get("/v2/et/service_instances/i1").json()
    assert SECRET not in json.dumps(view)
    assert (view["service_name"], view["plan_name"], view["state"]) == ("dummy", "a", "ready")
    assert view["parameters"] == {"a": 2}
    assert view["bindings"] == [{"id": "b1", "state": "ready"}]
    kinds = [(o["kind"], o["state"]) for o in view["operations"]]
    assert kinds == [("provision", "succeeded"), ("update", "succeeded"), ("bind", "succeeded")]
    first = view["operations"][0]
    assert first["originating_identity"] == {"platform": "cloudfoundry", "value": {"user_id": "alice"}}
    assert first["request_identity"] == "req-42"
    assert first["finished_at"] and first["started_at"] and first["description"]
    assert api.get("/v2/et/service_instances/i2").json()["state"] == "deleted"


def test_an_unknown_instance_is_404(api):
    assert_osb_error(api.get("/v2/et/service_instances/ghost"), 404)


def test_the_listing_pages_through_live_instances_in_id_order(api):
    setup(api)
    for n in range(7):
        provision(api, f"i{n}")
    deprovision(api, "i2")
    seen, url = [], "/v2/et/service_instances?limit=2"
    while url:  # the original ESM's shape: an array; the following page is the Link header's
        response = api.get(url)
        assert response.headers["X-Total-Count"] == "6"
        page = response.json()
        assert isinstance(page, list) and len(page) <= 2
        seen += [i["id"] for i in page]
        url = response.links.get("next", {}).get("url")
    assert seen == ["i0", "i1", "i3", "i4", "i5", "i6"]
    everything = api.get("/v2/et/service_instances")
    assert [i["id"] for i in everything.json()] == seen
    assert everything.headers["X-Total-Count"] == "6" and "link" not in everything.headers
    rest = api.get("/v2/et/service_instances", params={"after": "i3"})  # `after` alone: the rest
    assert [i["id"] for i in rest.json()] == ["i4", "i5", "i6"]
    assert rest.headers["X-Total-Count"] == "6"
    with_deleted = api.get("/v2/et/service_instances",
                           params={"limit": 6, "include_deleted": "true"})
    assert with_deleted.headers["X-Total-Count"] == "7"
    assert "include_deleted=true" in with_deleted.links["next"]["url"]
    assert_osb_error(api.get("/v2/et/service_instances", params={"limit": 0}), 400)
