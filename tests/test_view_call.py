"""esm/_connexion/app.py calls the views itself instead of through Connexion's decorators: the
arguments must be what Connexion would have passed, and an operation it cannot call faithfully
must stop the app at start-up instead of being called wrongly."""
import pytest

from esm._connexion.app import ESMAsyncApp, UnsupportedOperation
from tests.osb import provision, provision_body, setup


async def listed(tags=None):  # the view of the one-operation specs below
    return {"tags": tags}, 200


def one_operation_spec(parameter: dict) -> dict:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {
                "operationId": "tests.test_view_call.listed",
                "parameters": [parameter],
                "responses": {"200": {"description": "ok"}}}}}}


def test_an_operation_with_an_array_parameter_stops_the_app_at_start_up():
    app = ESMAsyncApp(__name__)
    app.add_api(one_operation_spec({"name": "tags", "in": "query",
                                    "schema": {"type": "array", "items": {"type": "string"}}}))
    with pytest.raises(UnsupportedOperation, match="test_view_call.listed: parameter 'tags'"):
        with app.test_client() as client:
            client.get("/things")


def test_a_plain_query_parameter_reaches_the_view():
    app = ESMAsyncApp(__name__)
    app.add_api(one_operation_spec({"name": "tags", "in": "query", "schema": {"type": "string"}}))
    with app.test_client() as client:
        assert client.get("/things", params={"tags": "a"}).json() == {"tags": "a"}
        assert client.get("/things").json() == {"tags": None}


def test_query_values_are_cast_to_their_spec_type_and_the_last_repeat_wins(api):
    setup(api)
    for n in range(3):
        provision(api, f"i{n}")
    page = api.get("/v2/et/service_instances?limit=1&limit=2").json()
    assert [i["id"] for i in page] == ["i0", "i1"]
    # an earlier repeat the spec's validation did not look at is never cast (it was a 500)
    page = api.get("/v2/et/service_instances?limit=x&limit=2&include_deleted=x&include_deleted=false")
    assert page.status_code == 200, page.text
    assert [i["id"] for i in page.json()] == ["i0", "i1"]
    refused = api.put("/v2/service_instances/i9?accepts_incomplete=garbage&accepts_incomplete=false",
                      json=provision_body())
    assert refused.status_code == 201, refused.text


def test_a_boolean_query_parameter_takes_its_spec_default_when_absent(api):
    setup(api, {"provision_seconds": 1})  # a plan that can only provision asynchronously
    body = provision_body()
    refused = api.put("/v2/service_instances/slow", json=body)
    assert refused.status_code == 422 and refused.json()["error"] == "AsyncRequired"
    accepted = api.put("/v2/service_instances/slow?accepts_incomplete=TRUE", json=body)
    assert accepted.status_code == 202


def test_a_view_answer_is_sent_with_the_headers_starlette_would_send():
    import json as _json

    from starlette.responses import Response

    from esm._connexion.app import ViewCall

    class Jsonifier:
        dumps = staticmethod(_json.dumps)
    call = ViewCall.__new__(ViewCall)  # only its response shaping
    call.jsonifier = Jsonifier()
    for answer in [({"a": 1}, 200), ({"state": "in progress"}, 200, {"Retry-After": "1"}),
                   ({}, 201, {}), ({"x": "é", "n": 10 ** 30}, 202), ({}, 204)]:
        data, status, *headers = answer
        expected = Response(_json.dumps(data), status_code=status,
                            headers=headers[0] if headers else None, media_type="application/json")
        assert call.response(answer) == (expected.status_code, expected.raw_headers, expected.body)
