"""Hostile registrations and requests: every malformed, oversized or costly input is a 400
naming the field, never a 5xx, never a stalled broker; logs and /health give nothing away."""
import json
import logging

import jsonschema._keywords
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esm.config import Settings
from esm.logs import TextFormatter
from esm.plan_schemas import LINEAR_REGEX
from tests.osb import PLAN_ID, SERVICE_ID, assert_osb_error, dummy_service
from tests.server import broker


def put_manifest(api, content, manifest_type="docker-compose"):
    return api.put("/v2/et/manifest/m1", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": manifest_type,
        "manifest_content": content})


def web(**keys):
    return yaml.safe_dump({"services": {"web": {"image": "x", **keys}}})


@pytest.mark.parametrize("content, field", [
    (web(volumes=[{"type": "bind", "target": "/x"}]), "volumes"),
    (web(ports=[{"target": "abc"}]), "ports.target"),
    (web(healthcheck={"test": "true", "retries": "abc"}), "healthcheck.retries"),
    ("services: {web: {image: x, depends_on: {1: {}}}}", "depends_on"),
    ("[" * 5000, "nested deeper"),
    ("services:\n  web:\n    image: x\n    environment: " + "{a: " * 40 + "1" + "}" * 40, "nested deeper"),
    (web(environment={"A": {"nested": 1}}), "environment.A"),
    (web(ports=[70000]), "ports"),
    (web(ports=["1-5:1-5"]), "port"),
    (web(healthcheck={"test": "true", "interval": 10 ** 12}), "interval"),
    (web(volumes=["data:/"]), "volumes"),
    (web(image=["x"]), "image"),
    (web(image="x y"), "image"),
    (web(restart="sometimes"), "restart"),
    (web(privileged="yes"), "privileged"),
    (web(hostname="bad host"), "hostname"),
    (web(mem_limit="lots"), "mem_limit"),
    (web(cpus="many"), "cpus"),
    (web(pids_limit=-1), "pids_limit"),
    (web(labels={"io.elastest.esm.instance_id": "someone-else"}), "reserved"),
    (web(command="sh -c 'unbalanced"), "command"),
    (yaml.safe_dump({"services": {"web": {"image": "x", "volumes": ["d:/d"]}},
                     "volumes": {"d": {"driver": "local", "driver_opts": {"device": "/"}}}}), "options"),
    (yaml.safe_dump({"services": {f"s{i}": {"image": "x"} for i in range(51)}}), "ESM_DOCKER_MAX_SERVICES"),
    (web(ports=list(range(1, 34))), "ESM_DOCKER_MAX_PORTS"),
    ("services:\n  web:\n    image: x\n    pids_limit: " + "9" * 4301, "cannot be read"),
    (web(mem_limit="9" * 4301 + "g"), "mem_limit"),
    (web(environment={"A": "x\0y"}), "NUL"),
])
def test_malformed_compose_values_are_400_naming_the_field(registered, content, field):
    body = assert_osb_error(put_manifest(registered, content), 400)
    assert field in body["description"], body


def test_swarm_replicas_and_service_names_are_bounded(registered):
    too_many = yaml.safe_dump({"services": {"web": {"image": "x", "deploy": {"replicas": 100000000}}}})
    assert "replicas" in assert_osb_error(put_manifest(registered, too_many, "docker-swarm"), 400)["description"]
    long_name = yaml.safe_dump({"services": {"w" * 40: {"image": "x"}}})
    assert_osb_error(put_manifest(registered, long_name, "docker-swarm"), 400)
    assert put_manifest(registered, long_name, "docker-compose").status_code == 201


def test_manifest_content_and_parameters_are_bounded_in_size():
    limits = Settings(store_url="memory", max_manifest_bytes=1000, max_parameters_bytes=100)
    with broker(limits) as api:
        api.put("/v2/et/catalog", json=dummy_service())
        body = assert_osb_error(put_manifest(api, "provision_seconds: 0\n" + "#" * 1000, "dummy"), 400)
        assert "ESM_MAX_MANIFEST_BYTES" in body["description"]
        assert put_manifest(api, "provision_seconds: 0\n", "dummy").status_code == 201
        provision = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
                     "space_guid": "s", "parameters": {"x": "y" * 200}}
        body = assert_osb_error(api.put("/v2/service_instances/big", json=provision), 400)
        assert "ESM_MAX_PARAMETERS_BYTES" in body["description"]


def plan_with_schema(schema):
    entry = dummy_service()
    entry["plans"][0]["schemas"] = {"service_instance": {"create": {"parameters": {
        "$schema": "http://json-schema.org/draft-07/schema#", **schema}}}}
    return entry


@pytest.mark.parametrize("schema, says", [
    ({"$ref": "#"}, "loops"),
    ({"allOf": [{"$ref": "#/definitions/a"}], "definitions": {"a": {"anyOf": [{"$ref": "#"}]}}}, "loops"),
    ({"$ref": "#/definitions/missing"}, "does not resolve"),
    ({"$ref": "#anchor"}, "JSON pointer"),
    ({"definitions": {f"d{i}": {"anyOf": [{"$ref": f"#/definitions/d{i + 1}"}] * 2} for i in range(20)}
      | {"d20": {"type": "string"}}, "$ref": "#/definitions/d0"}, "subschemas"),
    ({"properties": {"name": {"type": "string", "pattern": "^(?=a)b"}}}, "linear-time"),
    ({"patternProperties": {"(a)\\1": {}}}, "linear-time"),
])
def test_plan_schemas_that_would_not_terminate_or_cannot_run_safely_are_refused(api, schema, says):
    body = assert_osb_error(api.put("/v2/et/catalog", json=plan_with_schema(schema)), 400)
    assert says in body["description"], body


def test_a_recursive_schema_that_descends_into_the_value_is_fine(api):
    tree = {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}
    assert api.put("/v2/et/catalog", json=plan_with_schema(tree)).status_code == 201


def test_a_backtracking_pattern_runs_in_linear_time(api):
    assert jsonschema._keywords.re is LINEAR_REGEX  # every pattern search goes through RE2
    schema = {"properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
    assert api.put("/v2/et/catalog", json=plan_with_schema(schema)).status_code == 201
    assert put_manifest(api, "provision_seconds: 0\n", "dummy").status_code == 201
    evil = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o", "space_guid": "s",
            "parameters": {"name": "a" * 5000 + "!"}}
    body = assert_osb_error(api.put("/v2/service_instances/evil", json=evil), 400)  # Python's re: hours
    assert "name" in body["description"]
    fine = {**evil, "parameters": {"name": "a" * 5000}}
    assert api.put("/v2/service_instances/fine", json=fine).status_code == 201


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_a_body_are_400(registered, constant):
    body = ('{"service_id": "%s", "plan_id": "%s", "parameters": {"x": %s}}'
            % (SERVICE_ID, PLAN_ID, constant))
    response = registered.put("/v2/service_instances/nan", content=body,
                              headers={"Content-Type": "application/json"})
    assert constant.lstrip("-") in assert_osb_error(response, 400)["description"]


def test_health_shows_details_only_with_credentials():
    credentials = ("op", "op-secret")
    with broker(Settings(store_url="memory", username=credentials[0], password=credentials[1])) as api:
        anonymous = api.get("/health").json()
        assert anonymous["checks"]["store"] == {"status": "ok"}
        assert "memory" not in json.dumps(anonymous)
        wrong = api.get("/health", auth=("op", "wrong")).json()
        assert wrong == anonymous
        detailed = api.get("/health", auth=credentials).json()
        assert "store" in detailed["checks"]["store"]


def test_a_request_cannot_forge_a_log_line(api, caplog):
    with caplog.at_level(logging.INFO, logger="esm.access"):
        api.get("/v2/catalog%0A2026-12-03 INFO esm: forged%0D%E2%80%A8x",
                headers={"X-Broker-API-Request-Identity": b"id\x85x"})
    record = next(r for r in caplog.records if r.name == "esm.access" and "catalog" in r.getMessage())
    line = TextFormatter().format(record)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line and "\x85" not in line
    assert "\\x0a2026-12-03 INFO esm: forged" in line


# property-based: manifests of the supported shape with wrong types, values and nesting

def _values():
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 40, 2 ** 40),
                        st.floats(allow_nan=False), st.text(max_size=12),
                        st.sampled_from(["host", "container:x", "service:web", "/", "/etc:/x",
                                         "../x:/y", "1g", "-1", "80:80", "0", "1e309"]))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=6), st.integers()),
                                                     inner, max_size=4)), max_leaves=12)


SERVICE_KEYS = ["image", "command", "entrypoint", "environment", "ports", "volumes", "labels",
                "healthcheck", "depends_on", "deploy", "working_dir", "user", "hostname", "restart",
                "privileged", "network_mode", "pid", "ipc", "userns_mode", "uts", "cgroup",
                "cgroup_parent", "cap_add", "devices", "mem_limit", "memswap_limit", "cpus",
                "pids_limit"]


@st.composite
def hostile_manifests(draw):
    service = {"image": "x"}
    for key in draw(st.lists(st.sampled_from(SERVICE_KEYS), min_size=1, max_size=4, unique=True)):
        service[key] = draw(_values())
    if draw(st.booleans()):  # one level down: healthcheck, deploy, ports and volumes long forms
        nested = draw(st.sampled_from([("healthcheck", ["test", "interval", "retries", "disable"]),
                                       ("deploy", ["replicas", "resources"]),
                                       ("ports", ["target", "published", "protocol", "mode"]),
                                       ("volumes", ["type", "source", "target", "read_only"])]))
        inner = {k: draw(_values()) for k in draw(st.lists(st.sampled_from(nested[1]), min_size=1, unique=True))}
        service[nested[0]] = [inner] if nested[0] in ("ports", "volumes") else inner
    top = {"services": {"web": service, **draw(st.dictionaries(st.sampled_from(["db", "x"]), _values(),
                                                                 max_size=1))}}
    if draw(st.booleans()):
        top["volumes"] = draw(_values())
    return top, draw(st.sampled_from(["docker-compose", "docker-swarm"]))


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=hostile_manifests())
def test_hostile_compose_manifests_get_a_4xx_and_the_broker_keeps_serving(registered, case):
    manifest, manifest_type = case
    response = put_manifest(registered, yaml.safe_dump(manifest), manifest_type)
    assert response.status_code in (200, 201, 400), response.text
    if response.status_code == 400:
        assert_osb_error(response, 400)
    assert registered.get("/health").status_code == 200


@pytest.mark.parametrize("raw, says", [
    ('{"service_id": "%s", "plan_id": "%s", "organization_guid": "o", "space_guid": "s", '
     '"parameters": {"x": 1e999}}' % (SERVICE_ID, PLAN_ID), "too large"),
    ('{"service_id": "%s", "plan_id": "%s", "organization_guid": "o", "space_guid": "s", '
     '"parameters": {"x": "\\ud800"}}' % (SERVICE_ID, PLAN_ID), "surrogate"),
])
def test_numbers_beyond_a_float_and_lone_surrogates_are_400_not_stored(registered, raw, says):
    response = registered.put("/v2/service_instances/odd", content=raw,
                              headers={"Content-Type": "application/json"})
    assert says in assert_osb_error(response, 400)["description"]
    assert_osb_error(registered.get("/v2/et/service_instances/odd"), 404)


def test_a_deeply_nested_originating_identity_is_400(api):
    import base64
    deep = base64.b64encode(('{"a": ' + "[" * 1000 + "]" * 1000 + "}").encode()).decode()
    response = api.get("/v2/catalog", headers={"X-Broker-API-Originating-Identity": f"cf {deep}"})
    assert "nested" in assert_osb_error(response, 400)["description"]


def test_a_polling_duration_beyond_a_year_is_400(api):
    entry = dummy_service()
    entry["plans"][0]["maximum_polling_duration"] = 10 ** 30
    assert_osb_error(api.put("/v2/et/catalog", json=entry), 400)


@pytest.mark.parametrize("content", ["credentials: {a: 2001-12-14}", "credentials: {a: .nan}",
                                     "credentials: {a: !!set {x, y}}", "credentials: {a: !!binary aGk=}"])
def test_dummy_credentials_that_are_not_json_are_refused_at_registration(registered, content):
    assert "plain JSON" in assert_osb_error(put_manifest(registered, content, "dummy"), 400)["description"]


def test_docker_config_keys_must_name_environment_variables(registered):
    response = registered.put("/v2/et/manifest/m1", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": "docker-compose",
        "manifest_content": web(), "config": {"A=B\nC": "x"}})
    assert "environment variable" in assert_osb_error(response, 400)["description"]


def test_a_schema_that_fans_out_as_it_descends_is_cut_off_not_run_for_minutes(api):
    definitions = {f"d{i}": {"properties": {"a": {"allOf": [{"$ref": f"#/definitions/d{i + 1}"}] * 3}}}
                   for i in range(20)} | {"d20": {}}
    schema = {"definitions": definitions, "$ref": "#/definitions/d0"}
    assert api.put("/v2/et/catalog", json=plan_with_schema(schema)).status_code == 201
    assert put_manifest(api, "provision_seconds: 0\n", "dummy").status_code == 201
    nested = {}
    for _ in range(16):  # 3^16 subschema applications: 20 minutes unbounded
        nested = {"a": nested}
    body = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o", "space_guid": "s",
            "parameters": nested}
    assert "fans out" in assert_osb_error(api.put("/v2/service_instances/deep", json=body), 400)["description"]
