"""Basic auth: every API route when credentials are set; the UI and spec stay public."""
import httpx
import pytest
import yaml

from tests.osb import CREDENTIALS, assert_osb_error, service
from tests.server import VERSION

USER, PASSWORD = CREDENTIALS  # of the `secured` broker (tests/conftest.py)


API_ROUTES = [("GET", "/v2/catalog"), ("PUT", "/v2/et/catalog"), ("DELETE", "/v2/et/catalog"),
              ("GET", "/v2/et/manifest"), ("PUT", "/v2/et/manifest/m1"), ("GET", "/v2/et/manifest/m1"),
              ("PUT", "/v2/service_instances/i1"), ("GET", "/v2/service_instances/i1/last_operation"),
              ("GET", "/v2/et/service_instances"), ("GET", "/v2/no/such/route")]


@pytest.mark.parametrize("method, path", API_ROUTES)
@pytest.mark.parametrize("auth", [None, (USER, "wrong"), ("admin", PASSWORD), (USER, PASSWORD[:-1])])
def test_every_api_route_refuses_missing_or_wrong_credentials(secured, method, path, auth):
    response = httpx.request(method, f"{secured.base_url}{path}", headers=VERSION, auth=auth,
                             json={} if method == "PUT" else None)
    assert_osb_error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("value", ["Bearer abc", "Basic !!!", "Basic", "basic " + "x" * 10])
def test_malformed_authorization_headers_are_401(secured, value):
    response = httpx.get(f"{secured.base_url}/v2/catalog", headers={**VERSION, "Authorization": value})
    assert_osb_error(response, 401)


def test_right_credentials_pass(secured):
    assert secured.get("/v2/catalog").status_code == 200
    assert secured.put("/v2/et/catalog", json=service()).status_code in (200, 201)


@pytest.mark.parametrize("path", ["/v2/ui/", "/v2/openapi.json", "/v2/swagger.json", "/v2/openapi.yaml"])
def test_the_swagger_ui_and_spec_need_no_credentials_nor_version(secured, path):
    response = httpx.get(f"{secured.base_url}{path}")
    assert response.status_code == 200


def test_the_served_spec_asks_for_basic_auth_only_when_it_is_on(secured, api):
    on = httpx.get(f"{secured.base_url}/v2/openapi.json").json()
    off = httpx.get(f"{api.base_url}/v2/openapi.json").json()
    assert on["security"] == [{"basicAuth": []}]
    assert yaml.safe_load(httpx.get(f"{secured.base_url}/v2/openapi.yaml").text) == on
    assert "security" not in off
