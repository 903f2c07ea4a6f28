"""PUT/DELETE /v2/et/catalog and GET /v2/catalog over HTTP: what platforms can trust."""
import pytest

from tests.osb import assert_osb_error, manifest, service


def register(api, entry):
    return api.put("/v2/et/catalog", json=entry)


def test_a_registered_service_type_appears_in_the_catalog_exactly(api):
    assert api.get("/v2/catalog").json() == {"services": []}
    entry = service(tags=["sql"], metadata={"displayName": "MySQL"}, instances_retrievable=True)
    response = register(api, entry)
    assert response.status_code == 201
    assert response.json() == entry
    assert api.get("/v2/catalog").json() == {"services": [entry]}


def test_registering_the_same_id_again_replaces_it_with_200(api):
    register(api, service())
    changed = service(description="A better MySQL")
    response = register(api, changed)
    assert response.status_code == 200
    assert api.get("/v2/catalog").json()["services"] == [changed]


def test_vendor_extension_fields_are_kept(api):
    entry = service(x_vendor_flag={"a": 1})
    entry["plans"][0]["x_cost_center"] = "42"
    register(api, entry)
    assert api.get("/v2/catalog").json()["services"] == [entry]


@pytest.mark.parametrize("field", ["id", "name", "description", "bindable", "plans"])
def test_a_missing_required_field_is_400(api, field):
    entry = service()
    del entry[field]
    assert_osb_error(register(api, entry), 400)
    assert api.get("/v2/catalog").json() == {"services": []}


@pytest.mark.parametrize("field", ["id", "name", "description"])
def test_empty_strings_are_400(api, field):
    assert_osb_error(register(api, service(**{field: ""})), 400)


def test_a_service_without_plans_is_400(api):
    assert_osb_error(register(api, service(plans=[])), 400)


@pytest.mark.parametrize("where, field, value", [
    ("service", "bindable", "true"),
    ("service", "plan_updateable", 1),
    ("service", "instances_retrievable", "yes"),
    ("plan", "free", "false"),
    ("plan", "bindable", 0),
    ("plan", "maximum_polling_duration", 1.5),
    ("plan", "maximum_polling_duration", "60"),
    ("service", "requires", ["root_access"]),
])
def test_wrongly_typed_fields_are_400(api, where, field, value):
    entry = service()
    (entry if where == "service" else entry["plans"][0])[field] = value
    assert_osb_error(register(api, entry), 400)


@pytest.mark.parametrize("version, ok", [
    ("1.0.0", True), ("2.1.1+abcdef", True), ("1.0.0-rc.1", True),
    ("1.0", False), ("v1.0.0", False), ("01.0.0", False), ("1.0.0-", False), ("", False),
])
def test_maintenance_info_version_must_be_semver(api, version, ok):
    entry = service()
    entry["plans"][0]["maintenance_info"] = {"version": version, "description": "patch"}
    response = register(api, entry)
    if ok:
        assert response.status_code == 201, response.text
    else:
        assert_osb_error(response, 400)


def plan_with_schema(schema, target="service_instance", action="create", bindable=True):
    entry = service(bindable=bindable)
    entry["plans"][0]["schemas"] = {target: {action: {"parameters": schema}}}
    return entry


DRAFT4 = "http://json-schema.org/draft-04/schema#"


def test_a_plan_schema_with_schema_key_and_local_refs_is_accepted(api):
    schema = {"$schema": DRAFT4, "type": "object",
              "definitions": {"size": {"type": "integer"}},
              "properties": {"size": {"$ref": "#/definitions/size"}}}
    assert register(api, plan_with_schema(schema)).status_code == 201


def test_a_plan_schema_without_schema_key_is_400(api):
    body = assert_osb_error(register(api, plan_with_schema({"type": "object"})), 400)
    assert "$schema" in body["description"]


def test_a_plan_schema_with_an_external_ref_is_400(api):
    schema = {"$schema": DRAFT4, "properties": {"a": {"$ref": "http://evil.example/s.json"}}}
    body = assert_osb_error(register(api, plan_with_schema(schema, "service_instance", "update")), 400)
    assert "$ref" in body["description"]


def test_a_plan_schema_over_64_kb_is_400(api):
    schema = {"$schema": DRAFT4, "description": "x" * (64 * 1024)}
    body = assert_osb_error(register(api, plan_with_schema(schema)), 400)
    assert "64 kB" in body["description"]


def test_an_invalid_json_schema_is_400(api):
    assert_osb_error(register(api, plan_with_schema({"$schema": DRAFT4, "type": 12})), 400)


def test_a_binding_schema_on_a_non_bindable_plan_is_400(api):
    schema = {"$schema": DRAFT4, "type": "object"}
    assert_osb_error(register(api, plan_with_schema(schema, "service_binding", "create",
                                                    bindable=False)), 400)


def test_duplicate_plan_ids_or_names_within_a_service_are_400(api):
    entry = service()
    entry["plans"][1]["id"] = entry["plans"][0]["id"]
    assert_osb_error(register(api, entry), 400)
    entry = service()
    entry["plans"][1]["name"] = entry["plans"][0]["name"]
    assert "unique within a service" in assert_osb_error(register(api, entry), 400)["description"]


def test_plan_names_may_repeat_across_services(api):
    register(api, service())
    other = service(id="svc-pg", name="postgres")
    other["plans"] = [{"id": "pg-small", "name": "small", "description": "d"}]
    assert register(api, other).status_code == 201


def test_a_second_service_type_taking_an_existing_name_is_409(api):
    register(api, service())
    other = service(id="svc-other")
    other["plans"] = [{"id": "o1", "name": "o", "description": "d"}]
    assert_osb_error(register(api, other), 409)
    assert len(api.get("/v2/catalog").json()["services"]) == 1


def test_a_second_service_type_taking_an_existing_plan_id_is_409(api):
    register(api, service())
    other = service(id="svc-other", name="other")
    other["plans"] = [{"id": "plan-small", "name": "o", "description": "d"}]
    body = assert_osb_error(register(api, other), 409)
    assert "plan-small" in body["description"]
    assert [s["id"] for s in api.get("/v2/catalog").json()["services"]] == ["svc-mysql"]


@pytest.mark.parametrize("bad_id", ["..", "a/b", "with space", "x" * 256, "naïve"])
def test_ids_outside_unreserved_characters_are_400(api, bad_id):
    assert_osb_error(register(api, service(id=bad_id)), 400)


def test_delete_removes_the_service_type_and_its_manifests(api):
    register(api, service())
    assert api.put("/v2/et/manifest/m-small", json=manifest()).status_code == 201
    response = api.delete("/v2/et/catalog", params={"service_id": "svc-mysql"})
    assert response.status_code == 200 and response.json() == {}
    assert api.get("/v2/catalog").json() == {"services": []}
    assert api.get("/v2/et/manifest").json() == []


def test_delete_of_an_unknown_service_type_is_404(api):
    assert_osb_error(api.delete("/v2/et/catalog", params={"service_id": "nope"}), 404)


def test_delete_without_service_id_is_400(api):
    assert_osb_error(api.delete("/v2/et/catalog"), 400)


def test_replacing_a_service_type_drops_the_manifests_of_removed_plans(api):
    register(api, service())
    api.put("/v2/et/manifest/m-small", json=manifest())
    api.put("/v2/et/manifest/m-large", json=manifest(id="m-large", plan_id="plan-large"))
    smaller = service()
    smaller["plans"] = smaller["plans"][1:]
    assert register(api, smaller).status_code == 200
    assert [m["id"] for m in api.get("/v2/et/manifest").json()] == ["m-large"]
