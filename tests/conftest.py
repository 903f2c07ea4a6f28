import warnings

import pytest

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from tests.server import broker  # noqa: E402
from tests.stores import ClearableMemoryStore  # noqa: E402


@pytest.fixture(scope="session")
def _shared_broker():
    store = ClearableMemoryStore()
    with broker(store=store) as client:
        yield client, store


@pytest.fixture
def api(_shared_broker):
    """A live broker on the memory store, no credentials, emptied before each test."""
    client, store = _shared_broker
    store.clear()
    return client


SERVICE = {
    "id": "svc-mysql",
    "name": "mysql",
    "description": "A MySQL database",
    "bindable": True,
    "plans": [
        {"id": "plan-small", "name": "small", "description": "One small database"},
        {"id": "plan-large", "name": "large", "description": "One large database", "free": False},
    ],
}


def service(**changes):
    """A valid service object, deep-copied, with top-level changes."""
    import copy
    entry = copy.deepcopy(SERVICE)
    entry.update(changes)
    return entry


def manifest(**changes):
    body = {"id": "m-small", "service_id": "svc-mysql", "plan_id": "plan-small",
            "manifest_type": "dummy", "manifest_content": "provision_seconds: 0\n"}
    body.update(changes)
    return body


def assert_osb_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert isinstance(body.get("description"), str) and body["description"], body
    assert isinstance(body.get("error"), str) and body["error"], body
    if code is not None:
        assert body["error"] == code, body
    return body


@pytest.fixture(scope="module")
def client():
    """The Docker engine, with the test image; fails the module when a test leaves objects
    behind."""
    from tests.docker_engine import engine, ensure_test_image, remove_test_objects
    docker_client = engine()
    ensure_test_image(docker_client)
    yield docker_client
    assert remove_test_objects(docker_client) == [], "a test left Docker objects behind"


FUZZ_CREDENTIALS = ("fuzz", "fuzz-secret")


@pytest.fixture(scope="session")
def fuzz_broker():
    """A live broker with credentials, a dummy service, a manifest and one instance."""
    from esm.config import Settings
    from tests.osb import provision, setup
    settings = Settings(store_url="memory", username=FUZZ_CREDENTIALS[0], password=FUZZ_CREDENTIALS[1])
    with broker(settings, auth=FUZZ_CREDENTIALS) as client:
        setup(client)
        provision(client, "fuzzed")
        yield str(client.base_url).rstrip("/")
