"""Headers every OSB request goes through: API version, request identity, originating identity."""
import base64
import json

import httpx
import pytest

from tests.osb import assert_osb_error

ROUTES = [("GET", "/v2/catalog"), ("GET", "/v2/et/manifest"),
          ("PUT", "/v2/et/catalog"), ("GET", "/v2/service_instances/i1/last_operation")]


def without_version(api, method, path, version=None):
    headers = {} if version is None else {"X-Broker-API-Version": version}
    return httpx.request(method, f"{api.base_url}{path}".replace("//v2", "/v2"), headers=headers,
                         json={} if method == "PUT" else None)


@pytest.mark.parametrize("method, path", ROUTES)
def test_a_missing_api_version_is_412_naming_the_supported_range(api, method, path):
    body = assert_osb_error(without_version(api, method, path), 412, "PreconditionFailed")
    assert "2.12" in body["description"]


@pytest.mark.parametrize("version", ["2.11", "1.17", "3.0", "2", "abc", "2.x", ""])
def test_unsupported_api_versions_are_412(api, version):
    assert_osb_error(without_version(api, "GET", "/v2/catalog", version), 412)


@pytest.mark.parametrize("version", ["2.12", "2.13", "2.14", "2.15", "2.16", "2.17", "2.18"])
def test_api_versions_from_2_12_on_are_served(api, version):
    assert without_version(api, "GET", "/v2/catalog", version).status_code == 200


def test_request_identity_is_echoed_on_success_and_on_errors(api):
    rid = {"X-Broker-API-Request-Identity": "e26cfe7e-1d9a-4b0d-8c3b-c7d3c3a6a9a1"}
    ok = api.get("/v2/catalog", headers=rid)
    assert ok.headers["X-Broker-API-Request-Identity"] == rid["X-Broker-API-Request-Identity"]
    refused = httpx.get(f"{api.base_url}/v2/catalog", headers=rid)  # 412: no version header
    assert refused.status_code == 412
    assert refused.headers["X-Broker-API-Request-Identity"] == rid["X-Broker-API-Request-Identity"]
    not_found = api.get("/v2/et/manifest/nope", headers=rid)
    assert not_found.headers["X-Broker-API-Request-Identity"] == rid["X-Broker-API-Request-Identity"]


def identity(platform, payload):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return {"X-Broker-API-Originating-Identity": f"{platform} {base64.b64encode(raw).decode()}"}


def test_a_well_formed_originating_identity_is_accepted(api):
    cf = identity("cloudfoundry", {"user_id": "683ea748-3092-4ff4-b656-39cacc4d5360"})
    k8s = identity("kubernetes", {"username": "duke", "uid": "c2dde242", "groups": ["admin"],
                                  "extra": {"mydata": ["data1"]}})
    assert api.get("/v2/catalog", headers=cf).status_code == 200
    assert api.get("/v2/catalog", headers=k8s).status_code == 200


@pytest.mark.parametrize("value", [
    "cloudfoundry",                                    # no value
    "cloudfoundry  eyJ1c2VyX2lkIjoiMSJ9",              # two spaces
    "cloudfoundry not*base64",                         # not base64
    "cloudfoundry " + base64.b64encode(b"not json").decode(),
    "cloudfoundry " + base64.b64encode(b"[1, 2]").decode(),   # JSON, but not an object
    "cloudfoundry " + base64.b64encode(b"\xff\xfe").decode(),  # not UTF-8
    "cloud foundry eyJ1c2VyX2lkIjoiMSJ9",              # three parts
])
def test_a_malformed_originating_identity_is_400(api, value):
    body = assert_osb_error(api.put("/v2/et/catalog", json={},
                                    headers={"X-Broker-API-Originating-Identity": value}), 400)
    assert "Originating-Identity" in body["description"]
