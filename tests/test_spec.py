"""The served spec describes every route the broker serves, and Connexion enforces it."""
import httpx
import yaml
from openapi_spec_validator import validate

from esm.app import SPEC_PATH

OSB_OPERATIONS = {
    ("get", "/catalog"),
    ("put", "/service_instances/{instance_id}"), ("patch", "/service_instances/{instance_id}"),
    ("delete", "/service_instances/{instance_id}"), ("get", "/service_instances/{instance_id}"),
    ("get", "/service_instances/{instance_id}/last_operation"),
    ("put", "/service_instances/{instance_id}/service_bindings/{binding_id}"),
    ("delete", "/service_instances/{instance_id}/service_bindings/{binding_id}"),
    ("get", "/service_instances/{instance_id}/service_bindings/{binding_id}"),
    ("get", "/service_instances/{instance_id}/service_bindings/{binding_id}/last_operation"),
}
EXTENSION_OPERATIONS = {
    ("put", "/et/catalog"), ("delete", "/et/catalog"), ("get", "/et/manifest"),
    ("put", "/et/manifest/{manifest_id}"), ("get", "/et/manifest/{manifest_id}"),
    ("delete", "/et/manifest/{manifest_id}"),
    ("get", "/et/service_instances"), ("get", "/et/service_instances/{instance_id}"),
    ("delete", "/et/service_instances/{instance_id}"),
    ("get", "/et/service_instances/{instance_id}/operations"),
    ("post", "/et/service_instances/{instance_id}/operations/{operation_id}/retry"),
    ("get", "/et/orphans"), ("delete", "/et/orphans"),
}


def operations(spec):
    return {(m, p) for p, item in spec["paths"].items() for m in item if m in
            ("get", "put", "patch", "delete", "post")}


def test_api_yaml_is_a_valid_openapi_3_document():
    with open(SPEC_PATH) as f:
        validate(yaml.safe_load(f))


def test_the_spec_is_served_at_every_address_and_covers_osb_and_extensions(api):
    served = httpx.get(f"{api.base_url}/v2/openapi.json").json()
    assert httpx.get(f"{api.base_url}/v2/swagger.json").json() == served
    assert yaml.safe_load(httpx.get(f"{api.base_url}/v2/openapi.yaml").text) == served
    assert served["servers"] == [{"url": "/v2"}]
    assert operations(served) == OSB_OPERATIONS | EXTENSION_OPERATIONS


def test_the_swagger_ui_is_served(api):
    page = httpx.get(f"{api.base_url}/v2/ui/")
    assert page.status_code == 200 and "swagger" in page.text.lower()
