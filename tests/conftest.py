import warnings

import pytest

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from esm.config import Settings  # noqa: E402
from tests.osb import CREDENTIALS, FUZZ_CREDENTIALS, dummy_service, provision, setup  # noqa: E402
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


@pytest.fixture
def registered(api):
    """`api` with the dummy service (tests/osb.py) in its catalog."""
    assert api.put("/v2/et/catalog", json=dummy_service()).status_code == 201
    return api


@pytest.fixture(scope="module")
def secured():
    """A live broker of the module's own that asks for basic auth (osb.CREDENTIALS)."""
    user, password = CREDENTIALS
    with broker(Settings(store_url="memory", username=user, password=password),
                auth=CREDENTIALS) as client:
        yield client


@pytest.fixture(scope="module")
def client():
    """The Docker engine, with the test image; fails the module when a test leaves objects
    behind."""
    from tests.docker_engine import engine, ensure_test_image, remove_test_objects
    docker_client = engine()
    ensure_test_image(docker_client)
    yield docker_client
    assert remove_test_objects(docker_client) == [], "a test left Docker objects behind"


@pytest.fixture
def docker_api(client, tmp_path):
    """A broker on SQLite (so it can be restarted) with the Docker backend."""
    with broker(Settings(store_url=f"sqlite:///{tmp_path}/esm.db")) as api:
        yield api


@pytest.fixture
def external_network(client):
    """A network the operator made (not the broker's: no instance label), as the platform's
    network (ElasTest's elastest_elastest) is; manifests may join it when it is listed."""
    import uuid
    network = client.networks.create(f"esm-test-ext-{uuid.uuid4().hex[:8]}", driver="bridge")
    yield network.name
    network.remove()


@pytest.fixture(scope="session")
def fuzz_broker():
    """A live broker with credentials, a dummy service, a manifest and one instance."""
    settings = Settings(store_url="memory", username=FUZZ_CREDENTIALS[0], password=FUZZ_CREDENTIALS[1])
    with broker(settings, auth=FUZZ_CREDENTIALS) as client:
        setup(client)
        provision(client, "fuzzed")
        yield str(client.base_url).rstrip("/")
