"""The compiled body check (esm/_connexion/validation.py) may only ever accept what Connexion's jsonschema
validator accepts: it is a shortcut, never a second opinion. Checked for every request body in
api.yaml against generated bodies, valid and not."""
import copy

import pytest
import yaml
from connexion.json_schema import Draft4RequestValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from esm._connexion.validation import _fast_check
from esm.app import SPEC_PATH
from tests.osb import dummy_service

SPEC = yaml.safe_load(SPEC_PATH.read_text())


def body_schemas() -> dict:
    """Each operation's JSON body schema, with the components attached as Connexion does."""
    out = {}
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            content = (op.get("requestBody") or {}).get("content", {}) if isinstance(op, dict) else {}
            if "application/json" in content:
                schema = copy.deepcopy(content["application/json"]["schema"])
                schema["components"] = SPEC["components"]
                out[f"{method} {path}"] = schema
    return out


def property_names(node, names: set) -> set:
    if isinstance(node, dict):
        names.update(node.get("properties", {}))
        for value in node.values():
            property_names(value, names)
    elif isinstance(node, list):
        for value in node:
            property_names(value, names)
    return names


KEYS = sorted(property_names(SPEC, set()))
SCALARS = (st.none() | st.booleans() | st.integers(-3, 70000) | st.floats(allow_nan=False)
           | st.sampled_from(["", "2.17", "1.0.0", "a" * 300, "svc", "plan", "x/../y"]) | st.text(max_size=8))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6),
                    max_leaves=20)
MAINTENANCE = {"version": "1.0.0", "description": "d"}
VALID = {  # a full, valid body per operation: the mutations start from here
    "put /service_instances/{instance_id}": {
        "service_id": "s", "plan_id": "p", "organization_guid": "o", "space_guid": "s",
        "context": {"platform": "cloudfoundry"}, "parameters": {"size": 1},
        "maintenance_info": MAINTENANCE},
    "patch /service_instances/{instance_id}": {
        "service_id": "s", "plan_id": "p", "parameters": {"a": [1]}, "context": {"k": "v"},
        "maintenance_info": MAINTENANCE,
        "previous_values": {"service_id": "s", "plan_id": "p", "organization_id": "o",
                            "space_id": "s", "maintenance_info": MAINTENANCE}},
    "put /service_instances/{instance_id}/service_bindings/{binding_id}": {
        "service_id": "s", "plan_id": "p", "app_guid": "a", "context": {}, "parameters": {},
        "bind_resource": {"app_guid": "a", "route": "r"}, "predecessor_binding_id": "b"},
    "put /et/catalog": dummy_service(tags=["t"], requires=["route_forwarding"], metadata={"m": 1},
                                     plan_updateable=True, allow_context_updates=True),
    "put /et/manifest/{manifest_id}": {
        "id": "m", "service_id": "s", "plan_id": "p", "manifest_type": "dummy",
        "manifest_content": "x: 1", "config": {"K": "v"},
        "endpoints": {"web": {"service": "web", "port": 80, "protocol": "http", "path": "/"}}},
}


def paths_in(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_in(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_in(value, prefix + (index,))


@st.composite
def mutated(draw, valid: dict):
    """The valid body with a few places replaced, removed or added to."""
    body = copy.deepcopy(valid)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(paths_in(body))[1:]))
        *parents, last = path
        parent = body
        for step in parents:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[last] = draw(JSON)
        elif action == "remove":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(KEYS) | st.text(max_size=4))] = draw(JSON)
    return body


def test_every_json_body_has_a_valid_example_here():
    assert set(VALID) == set(body_schemas())
    for operation, body in VALID.items():
        assert not list(Draft4RequestValidator(body_schemas()[operation]).iter_errors(body)), operation


@pytest.mark.parametrize("operation", sorted(VALID))
def test_the_compiled_body_check_never_accepts_what_jsonschema_refuses(operation):
    schema = body_schemas()[operation]
    fast = _fast_check(schema)
    assert fast is not None, "fastjsonschema could not compile the schema (the shortcut is off)"
    slow = Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    verdicts = set()

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=mutated(VALID[operation]) | JSON)
    def check(body):
        try:
            fast(copy.deepcopy(body))
        except Exception:
            verdicts.add("refused")
            return  # refused: jsonschema decides
        verdicts.add("accepted")
        assert not list(slow.iter_errors(body)), f"accepted by the shortcut only: {body!r}"

    check()
    assert verdicts == {"accepted", "refused"}, "the generated bodies did not test both ways"


# -- parameters: the one-pass check (esm/_connexion/validation.py, _OnePass) is a shortcut too ----------

def _parameter_validators():
    """(operation id, CachedParameterValidator) of every operation, as the app built them."""
    from esm._connexion.validation import CachedRequestValidationMiddleware
    from esm.app import create_app
    from esm.config import Settings
    app = create_app(Settings(store_url="memory"))
    _, stack = app.middleware._build_middleware_stack()
    middleware = next(m for m in stack if isinstance(m, CachedRequestValidationMiddleware))
    return [(operation_id, op._parameter_validator)
            for apis in middleware.apis.values() for api in apis
            for operation_id, op in api.operations.items()]


PARAMETER_VALIDATORS = _parameter_validators()
PARAMETER_VALUES = st.sampled_from(["", "2.17", "2.12", "true", "false", "True", "yes", "0", "1",
                                    "20000", "-1", "1.5", "null", "a" * 300, "x/../y", "svc",
                                    "a b", "op-1.2_3~"]) | st.text(max_size=6)


def _scope(validator, present: dict, extra_query: dict) -> dict:
    query = {p["name"]: present[p["name"]] for p in validator.parameters.get("query", [])
             if p["name"] in present}
    query.update(extra_query)
    from urllib.parse import urlencode
    return {"type": "http", "method": "GET", "path": "/v2/x", "root_path": "",
            "query_string": urlencode(query).encode("latin-1", "replace"),
            "path_params": {p["name"]: present[p["name"]] for p in validator.parameters.get("path", [])
                            if p["name"] in present},
            "headers": [(p["name"].lower().encode(), present[p["name"]].encode("latin-1", "replace"))
                        for p in validator.parameters.get("header", []) if p["name"] in present]}


@pytest.mark.parametrize("operation_id,validator", PARAMETER_VALIDATORS,
                         ids=[o for o, _ in PARAMETER_VALIDATORS])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_one_pass_parameter_check_never_accepts_what_connexion_refuses(operation_id, validator, data):
    from connexion.exceptions import BadRequestProblem, ExtraParameterProblem

    from esm._connexion.validation import CachedParameterValidator
    assert validator._one_pass.usable, f"{operation_id}: every parameter should take the one pass"
    names = [p["name"] for params in validator.parameters.values() for p in params]
    present = data.draw(st.dictionaries(st.sampled_from(names), PARAMETER_VALUES)) if names else {}
    extra = data.draw(st.dictionaries(st.sampled_from(["zzz", "accepts_incomplete"]), PARAMETER_VALUES,
                                      max_size=1))
    scope = _scope(validator, present, extra)
    if validator._one_pass.accepts(scope):
        try:
            super(CachedParameterValidator, validator).validate(scope)
        except (BadRequestProblem, ExtraParameterProblem) as exc:
            pytest.fail(f"{operation_id}: one pass accepted {scope}, Connexion refused: {exc.detail}")


def test_the_one_pass_parameter_check_accepts_a_common_request():
    validator = dict(PARAMETER_VALIDATORS)["esm.controllers.instances.fetch_instance"]
    scope = _scope(validator, {"instance_id": "i-1", "X-Broker-API-Version": "2.17",
                               "service_id": "s", "plan_id": "p"}, {})
    assert validator._one_pass.accepts(scope)
