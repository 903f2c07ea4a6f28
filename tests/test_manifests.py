"""PUT/GET/DELETE /v2/et/manifest over HTTP."""
import pytest

from tests.osb import assert_osb_error, manifest, service


@pytest.fixture
def mysql_registered(api):
    assert api.put("/v2/et/catalog", json=service()).status_code == 201
    return api


def test_a_manifest_is_stored_read_back_and_listed(mysql_registered):
    api = mysql_registered
    body = manifest(endpoints={"db": {"service": "mysql", "port": 3306, "protocol": "tcp"}},
                    config={"MYSQL_DATABASE": "test"})
    response = api.put("/v2/et/manifest/m-small", json=body)
    assert response.status_code == 201
    assert response.json() == body
    assert api.get("/v2/et/manifest/m-small").json() == body
    listing = api.get("/v2/et/manifest")
    assert listing.json() == [body]  # an array, as the original ESM answered
    assert listing.headers["X-Total-Count"] == "1"


def test_the_body_id_may_be_left_out_and_comes_from_the_path(mysql_registered):
    body = manifest()
    del body["id"]
    assert mysql_registered.put("/v2/et/manifest/m-small", json=body).json()["id"] == "m-small"


def test_putting_the_same_id_again_replaces_it_with_200(mysql_registered):
    mysql_registered.put("/v2/et/manifest/m-small", json=manifest())
    response = mysql_registered.put("/v2/et/manifest/m-small", json=manifest(manifest_content="bind_seconds: 2"))
    assert response.status_code == 200
    assert mysql_registered.get("/v2/et/manifest/m-small").json()["manifest_content"] == "bind_seconds: 2"


def test_a_body_id_that_differs_from_the_path_is_400(mysql_registered):
    assert_osb_error(mysql_registered.put("/v2/et/manifest/m-small", json=manifest(id="other")), 400)


@pytest.mark.parametrize("changes, says", [
    ({"service_id": "svc-nope"}, "svc-nope"),
    ({"plan_id": "plan-nope"}, "plan-nope"),
    ({"manifest_type": "kubernetes"}, "dummy"),  # names what the broker accepts
    ({"manifest_content": "provision_seconds: [1"}, "YAML"),
    ({"manifest_content": "- a list"}, "mapping"),
    ({"manifest_content": "provison_seconds: 1"}, "provison_seconds"),  # typo named
    ({"manifest_content": "provision_seconds: -1"}, "provision_seconds"),
    ({"manifest_content": "fail_on: [explode]"}, "fail_on"),
    ({"manifest_content": "credentials: [a]"}, "credentials"),
    ({"manifest_content": "a: &x [1]\nb: *x"}, "aliases"),
])
def test_invalid_manifests_are_400_and_name_the_problem(mysql_registered, changes, says):
    body = assert_osb_error(mysql_registered.put("/v2/et/manifest/m-small", json=manifest(**changes)), 400)
    assert says in body["description"]
    assert_osb_error(mysql_registered.get("/v2/et/manifest/m-small"), 404)


@pytest.mark.parametrize("missing", ["service_id", "plan_id", "manifest_type", "manifest_content"])
def test_a_manifest_missing_a_required_field_is_400(mysql_registered, missing):
    body = manifest()
    del body[missing]
    assert_osb_error(mysql_registered.put("/v2/et/manifest/m-small", json=body), 400)


def test_a_second_manifest_for_the_same_plan_is_409(mysql_registered):
    mysql_registered.put("/v2/et/manifest/m-small", json=manifest())
    assert_osb_error(mysql_registered.put("/v2/et/manifest/m-other", json=manifest(id="m-other")), 409)


def test_unknown_manifest_is_404_on_get_and_delete(mysql_registered):
    assert_osb_error(mysql_registered.get("/v2/et/manifest/nope"), 404)
    assert_osb_error(mysql_registered.delete("/v2/et/manifest/nope"), 404)


def test_delete_removes_the_manifest(mysql_registered):
    mysql_registered.put("/v2/et/manifest/m-small", json=manifest())
    assert mysql_registered.delete("/v2/et/manifest/m-small").json() == {}
    assert mysql_registered.get("/v2/et/manifest").json() == []


def test_a_full_dummy_manifest_is_accepted(mysql_registered):
    content = ("provision_seconds: 1\nupdate_seconds: 0.5\ndeprovision_seconds: 0\n"
               "bind_seconds: 0\nunbind_seconds: 0\nfail_on: [update]\n"
               "credentials: {uri: 'dummy://u:p@h', port: 1}\ndashboard_url: http://d.example/x\n")
    assert mysql_registered.put("/v2/et/manifest/m-small",
                          json=manifest(manifest_content=content)).status_code == 201
