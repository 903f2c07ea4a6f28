"""Every request body example in api.yaml (what Swagger UI's "Try it out" sends) is accepted by
the live broker as is, in the order a newcomer would send them."""
import yaml

from esm.app import SPEC_PATH
from esm.config import Settings
from tests.server import broker

ORDER = [("put", "/et/catalog", {}), ("put", "/et/manifest/{manifest_id}", {"manifest_id": "m-example"}),
         ("put", "/service_instances/{instance_id}", {"instance_id": "inst-example"}),
         ("patch", "/service_instances/{instance_id}", {"instance_id": "inst-example"}),
         ("put", "/service_instances/{instance_id}/service_bindings/{binding_id}",
          {"instance_id": "inst-example", "binding_id": "bind-example"})]


def request_body_examples(spec: dict) -> dict:
    return {(method, path): op["requestBody"]["content"]["application/json"].get("example")
            for path, item in spec["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and "requestBody" in op}


def test_every_request_body_has_an_example_and_the_broker_accepts_each_as_is():
    spec = yaml.safe_load(open(SPEC_PATH))
    examples = request_body_examples(spec)
    assert set(examples) == {(m, p) for m, p, _ in ORDER}
    assert all(example is not None for example in examples.values()), examples
    with broker(Settings(store_url="memory")) as api:
        for method, path, ids in ORDER:
            response = getattr(api, method)("/v2" + path.format(**ids), json=examples[(method, path)])
            assert 200 <= response.status_code < 300, (method, path, response.text)
