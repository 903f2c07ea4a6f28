"""The adapters' module layout: the seed's public names stay importable where users
import them from (they subclass them), and a contract module never imports an
implementation (nor pymongo, nor the Docker SDK) behind its user's back."""
import subprocess
import sys

import pytest

SEED_NAMES = {
    "adapters.datastore": [
        "Store", "InMemoryStore", "SQLiteStore", "MongoDB", "StoreError", "DuplicateId",
        "DuplicateKey", "VersionConflict", "StoreUnavailable", "SYNC_MODES",
    ],
    "adapters.resources": [
        "Backend", "EPM", "DummyBackend", "DockerBackend", "BackendFailure",
        "ManifestInvalid", "OperationCancelled", "OperationContext", "BindResult",
        "ProvisionResult", "OPERATION_KINDS", "load_yaml_mapping",
    ],
    "adapters.mongo_store": ["MongoDB", "redact"],
    "adapters.docker_backend": [
        "DockerBackend", "LABEL", "BROKER_LABEL", "SERVICE_LABEL", "FINGERPRINT_LABEL",
        "ASIDE_MARK", "STEADY_SECONDS", "STOP_SECONDS", "url_parts", "transport",
    ],
    "adapters.compose": ["parse_compose", "ComposeSpec", "SERVICE_KEYS",
                         "NOT_FOR_SWARM"],
    "adapters.docker_policy": ["DockerPolicy", "PolicyViolation", "GIB", "parse_bytes"],
}


@pytest.mark.parametrize("module", sorted(SEED_NAMES))
def test_the_seeds_names_stay_importable(module):
    imported = __import__(module, fromlist=["_"])
    missing = [n for n in SEED_NAMES[module] if not hasattr(imported, n)]
    assert missing == []


def test_the_seeds_names_are_the_new_modules_objects():
    from adapters import datastore, docker_backend, resources
    from adapters.backends.docker.backend import DockerBackend
    from adapters.backends.registry import BackendRegistry
    from adapters.stores.mongo import MongoDB

    assert datastore.MongoDB is MongoDB and resources.DockerBackend is DockerBackend
    assert docker_backend.DockerBackend is DockerBackend
    assert resources.EPM is BackendRegistry


def loaded_after(statement: str) -> set:
    """The modules a fresh interpreter holds after `statement`."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())


IMPLEMENTATIONS = {
    "adapters.stores.memory", "adapters.stores.sqlite", "adapters.stores.mongo",
    "adapters.backends.dummy", "adapters.backends.docker.backend", "pymongo", "docker",
}


def test_contract_modules_import_no_implementation():
    loaded = loaded_after("import adapters.stores.base, adapters.backends.base, "
                          "adapters.backends.registry, adapters.backends.context")
    assert loaded & IMPLEMENTATIONS == set()


def test_the_seeds_modules_load_neither_pymongo_nor_the_docker_sdk():
    loaded = loaded_after("import adapters.datastore, adapters.resources")
    assert loaded & {"pymongo", "docker", "adapters.stores.mongo",
                     "adapters.backends.docker.backend"} == set()
