"""The original ESM's users switch unchanged: its query parameter spelling, its URLs, its header
spelling and the shapes of its extension API's lists (issue 15, items 1, 2 and 8)."""
import uuid

import httpx
import pytest

from tests import osb
from tests.osb import assert_osb_error

ASYNC_PROVISION = {"provision_seconds": 0.2}  # a dummy plan that can only provision asynchronously


def _params(**flags) -> dict:
    return {name: str(value).lower() for name, value in flags.items()}


@pytest.mark.parametrize("flags, answer", [
    ({"accept_incomplete": True}, 202),                              # the seed's spelling alone
    ({"accepts_incomplete": True, "accept_incomplete": False}, 202),  # OSB's spelling wins
    ({"accepts_incomplete": False, "accept_incomplete": True}, 422),
    ({"accept_incomplete": False}, 422),
    ({}, 422),
])
def test_accept_incomplete_means_accepts_incomplete_which_wins_when_both_are_sent(api, flags, answer):
    osb.setup(api, manifest=ASYNC_PROVISION)
    # ids of their own: the shared broker's worker may still run another test's operations
    response = api.put(f"/v2/service_instances/{uuid.uuid4()}", params=_params(**flags),
                       json=osb.provision_body())
    assert response.status_code == answer, response.text
    if answer == 422:
        assert response.json()["error"] == "AsyncRequired"


def test_accept_incomplete_is_taken_on_update_deprovision_bind_and_unbind(api):
    slow = {f"{kind}_seconds": 0.2 for kind in ("provision", "update", "deprovision", "bind",
                                                 "unbind")}
    osb.setup(api, manifest=slow, other_manifest=slow)
    seed = _params(accept_incomplete=True)
    instance = f"/v2/service_instances/{uuid.uuid4()}"
    binding = f"{instance}/service_bindings/b1"
    assert api.put(instance, params=seed, json=osb.provision_body()).status_code == 202
    osb.poll(api, instance)
    updated = api.patch(instance, params=seed,
                        json={"service_id": osb.SERVICE_ID, "parameters": {"a": 1}})
    assert updated.status_code == 202, updated.text
    osb.poll(api, instance)
    bound = api.put(binding, params=seed,
                    json={"service_id": osb.SERVICE_ID, "plan_id": osb.PLAN_ID})
    assert bound.status_code == 202, bound.text
    osb.poll(api, binding)
    ids = {"service_id": osb.SERVICE_ID, "plan_id": osb.PLAN_ID}
    assert api.delete(binding, params={**ids, **seed}).status_code == 202
    osb.poll(api, binding)
    assert api.delete(instance, params={**ids, **seed}).status_code == 202


def test_a_non_boolean_accept_incomplete_is_400_naming_it(api):
    osb.setup(api)
    response = api.put("/v2/service_instances/i-maybe", params={"accept_incomplete": "maybe"},
                       json=osb.provision_body())
    body = assert_osb_error(response, 400)
    assert "accept_incomplete" in body["description"]


def test_the_seed_readme_catalog_curl_with_underscored_version_header_is_served(api):
    # the seed README: curl -H "X_Broker_Api_Version: 2.12" http://localhost:8080/v2/catalog
    response = httpx.get(f"{api.base_url}/v2/catalog", headers={"X_Broker_Api_Version": "2.12"})
    assert response.status_code == 200, response.text
    assert "services" in response.json()


def test_the_underscored_version_header_is_checked_like_the_usual_one(api):
    response = httpx.get(f"{api.base_url}/v2/catalog", headers={"X_Broker_Api_Version": "2.11"})
    assert_osb_error(response, 412, "PreconditionFailed")


def test_the_usual_version_header_wins_over_the_underscored_one(api):
    response = httpx.get(f"{api.base_url}/v2/catalog",
                         headers={"X-Broker-API-Version": "2.11", "X_Broker_Api_Version": "2.17"})
    assert_osb_error(response, 412)


def test_the_seed_swagger_json_is_the_served_spec_without_credentials(secured):
    seed = httpx.get(f"{secured.base_url}/swagger.json")
    assert seed.status_code == 200
    assert seed.json() == httpx.get(f"{secured.base_url}/v2/swagger.json").json()
    assert "/catalog" in seed.json()["paths"]


@pytest.mark.parametrize("path", ["/ui", "/ui/"])
def test_the_seed_ui_leads_to_the_swagger_ui_without_credentials(secured, path):
    response = httpx.get(f"{secured.base_url}{path}", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith("/v2/ui/")
    assert "swagger" in response.text.lower()


def test_a_seed_ui_path_with_line_breaks_cannot_split_the_redirect(secured):
    response = httpx.get(f"{secured.base_url}/ui/x%0d%0aSet-Cookie:%20a=b")
    assert response.status_code == 302
    assert "set-cookie" not in response.headers
    assert response.headers["location"] == "/v2/ui/x%0D%0ASet-Cookie%3A%20a%3Db"


def test_other_root_paths_still_need_credentials(secured):
    assert httpx.get(f"{secured.base_url}/uix").status_code == 401
