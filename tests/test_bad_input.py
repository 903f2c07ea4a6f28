"""Bad bodies are clean 4xx with an OSB error body and change nothing; never a 5xx."""
import json

import httpx
import pytest

from esm.config import Settings
from tests.osb import assert_osb_error, service
from tests.server import VERSION, broker

JSON = {**VERSION, "Content-Type": "application/json"}


def raw_put(api, path, content, headers=JSON):
    return httpx.put(f"{api.base_url}{path}", content=content, headers=headers)


@pytest.mark.parametrize("content", [b"{", b"{'id': 1}", b"", b"null", b"[]", b"42", b'"text"',
                                     b'{"id": "a",}', b"\x00\x01"])
def test_malformed_or_non_object_json_is_400(api, content):
    assert_osb_error(raw_put(api, "/v2/et/catalog", content), 400)
    assert api.get("/v2/catalog").json() == {"services": []}


def test_non_utf8_bytes_are_400(api):
    body = json.dumps(service()).encode().replace(b"A MySQL", b"A \xff\xfeSQL")
    assert "UTF-8" in assert_osb_error(raw_put(api, "/v2/et/catalog", body), 400)["description"]


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_absurdly_nested_json_is_400(api, depth):
    entry = service()
    entry["metadata"] = json.loads("[" * 10 + "]" * 10)
    nested = "[" * depth + "]" * depth
    body = json.dumps(entry).replace('"metadata": [[[[[[[[[[]]]]]]]]]]', f'"metadata": {nested}')
    assert "nested" in assert_osb_error(raw_put(api, "/v2/et/catalog", body.encode()), 400)["description"]


def test_reasonable_nesting_is_accepted(api):
    entry = service(metadata={"a": json.loads("[" * 30 + "]" * 30)})
    assert api.put("/v2/et/catalog", json=entry).status_code == 201


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_wrong_content_type_is_400(api, ctype):
    response = raw_put(api, "/v2/et/catalog", json.dumps(service()).encode(),
                       {**VERSION, "Content-Type": ctype})
    assert "application/json" in assert_osb_error(response, 400)["description"]
    assert api.get("/v2/catalog").json() == {"services": []}


def test_a_missing_body_is_400(api):
    assert_osb_error(httpx.put(f"{api.base_url}/v2/et/catalog", headers=JSON), 400)


def test_a_body_over_the_limit_is_413_whether_declared_or_streamed():
    with broker(Settings(store_url="memory", max_body_bytes=2048)) as small:
        big = json.dumps(service(description="x" * 4096)).encode()
        assert_osb_error(raw_put(small, "/v2/et/catalog", big), 413, "PayloadTooLarge")

        def chunks():  # no Content-Length: the broker must count as it reads
            for _ in range(8):
                yield b" " * 1024

        streamed = httpx.put(f"{small.base_url}/v2/et/catalog", content=chunks(), headers=JSON)
        assert_osb_error(streamed, 413)
        assert small.get("/v2/catalog").json() == {"services": []}
        assert small.put("/v2/et/catalog", json=service()).status_code == 201


@pytest.mark.parametrize("method, path", [("GET", "/v2/nowhere"), ("POST", "/v2/catalog"),
                                          ("DELETE", "/v2/catalog")])
def test_unknown_routes_and_methods_get_an_osb_error_body(api, method, path):
    response = api.request(method, path)
    assert response.status_code in (404, 405)
    assert_osb_error(response, response.status_code)



@pytest.mark.parametrize("bad_id", ["a%20b", "x" * 256, "%2E%2E", "na%C3%AFve", "a:b"])
def test_path_ids_outside_unreserved_characters_are_400(api, bad_id):
    assert_osb_error(api.get(f"/v2/service_instances/{bad_id}/last_operation"), 400)
    assert_osb_error(api.put(f"/v2/service_instances/{bad_id}",
                             json={"service_id": "s", "plan_id": "p"}), 400)


def test_an_encoded_slash_in_an_id_matches_no_route(api):
    assert_osb_error(api.get("/v2/service_instances/a%2F..%2Fb/last_operation"), 404)


@pytest.mark.parametrize("path", ["/v2/catalog", "/v2/service_instances/i1/last_operation",
                                  "/v2/et/manifest"])
def test_unknown_query_parameters_are_400_naming_them(api, path):
    body = assert_osb_error(api.get(path, params={"debug": "1"}), 400)
    assert "debug" in body["description"]
    assert api.get("/v2/catalog").status_code == 200


def test_unknown_query_parameters_are_named_in_sorted_order(api):
    """The wording of a 400 is the same in every process (Connexion's order is a set's)."""
    body = assert_osb_error(api.get("/v2/catalog?zeta=1&b=1&alpha=2&c=3"), 400)
    assert "alpha,b,c,zeta" in body["description"]


@pytest.mark.parametrize("ctype", ["Application/JSON", "APPLICATION/json; charset=UTF-8"])
@pytest.mark.parametrize("content", [b"", b"null", b'{"plan_id": "p"}', b'{"service_id": "s"}'])
def test_a_json_content_type_in_capitals_is_validated_like_lowercase(api, ctype, content):
    """Media types are case-insensitive: a body sent as Application/JSON that lacks a required
    field is the same 400 as with application/json, never an unvalidated 500."""
    answer = raw_put(api, "/v2/service_instances/caps", content, {**VERSION, "Content-Type": ctype})
    lower = raw_put(api, "/v2/service_instances/caps", content, JSON)
    assert_osb_error(answer, 400)
    assert answer.json() == lower.json()


def test_a_chunked_body_is_read_like_one_with_a_length(api):
    """Transfer-Encoding: chunked (no Content-Length) still carries the body."""
    body = json.dumps(service()).encode()

    def chunks():
        yield body[:10]
        yield body[10:]

    answer = httpx.put(f"{api.base_url}/v2/et/catalog", content=chunks(), headers=JSON)
    assert answer.status_code == 201, answer.text
    assert [s["id"] for s in api.get("/v2/catalog").json()["services"]] == [service()["id"]]
