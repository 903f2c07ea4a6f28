"""Error descriptions are one readable sentence naming the field and the rule it breaks: never a
validator's dump, never the refused value itself (only its length)."""
import pytest

from tests.osb import assert_osb_error, setup

VALID = {"service_id": "svc-dummy", "plan_id": "plan-a", "organization_guid": "o", "space_guid": "s"}
HOSTILE = "<script>" + "x" * 3000


@pytest.fixture
def set_up(api):
    setup(api)
    return api


CASES = [
    ("put", "/v2/service_instances/<script>x", {}, VALID,
     "path parameter instance_id (9 characters) must match ^"),
    ("put", f"/v2/service_instances/{HOSTILE}", {}, VALID,
     "path parameter instance_id may have at most 255 characters (it has 3008)"),
    ("put", "/v2/service_instances/i1", {}, {**VALID, "service_id": 1},
     "the body field service_id must be a string, not a number"),
    ("put", "/v2/service_instances/i1", {}, {k: v for k, v in VALID.items() if k != "plan_id"},
     "the body field plan_id is required"),
    ("put", "/v2/service_instances/i1", {"accepts_incomplete": "maybe"}, VALID,
     "query parameter accepts_incomplete must be a boolean"),
    ("put", "/v2/et/catalog", {}, {"id": "x", "name": "n", "description": "d", "bindable": True,
                                   "plans": []},
     "the body field plans must have at least 1 item (it has 0)"),
    ("put", "/v2/service_instances/i1", {}, {**VALID, "maintenance_info": {"version": 5}},
     "the body field maintenance_info.version must be a string, not a number"),
]


@pytest.mark.parametrize("method,path,params,body,expected", CASES)
def test_a_refused_value_is_described_by_its_field_and_rule(set_up, method, path, params, body, expected):
    response = getattr(set_up, method)(path, params=params, json=body)
    description = assert_osb_error(response, 400)["description"]
    assert description.startswith(expected), description
    for dump in ("Failed validating", "On instance", "{'", "<script>", "Error)"):
        assert dump not in description, description
