"""The Backend contract: what every backend promises the broker
(adapters/backends/base.py), one suite run unchanged against each backend, as
tests/test_store_contract.py is for stores.

- validate_manifest accepts what the backend can run and refuses (ManifestInvalid)
  what it cannot; check_parameters refuses parameters it could not use.
- provision, update, deprovision, bind and unbind are idempotent: the worker calls
  them again after a crash, and the second call finds the work done.
- deprovision and unbind of what was never made succeed, with or without the manifest.
- owned_resources lists what the backend made, tagged with the instance id, and
  nothing of another broker's (a backend of another broker id neither lists nor
  removes it).
- instance_details, ping, requires_async and prefers_async answer without side effects.

The dummy backend makes nothing; the Docker backend runs against the real engine
(compose and swarm), every instance id from tests/docker_engine.py, so the engine
fixture (`client`, in tests/conftest.py) fails the module when anything is left behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Callable, Optional

import pytest
import yaml

from adapters.backends.base import OPERATION_KINDS, Backend, BindResult, ProvisionResult
from adapters.backends.context import OperationContext
from adapters.backends.errors import ManifestInvalid
from esm.models import Binding, Manifest, ServiceInstance

CTX = OperationContext()


@dataclass
class Subject:
    """One backend under the contract, with manifests it can and cannot run."""

    backend: Backend
    manifest_type: str
    content: dict  # a manifest it runs: quick to provision, binds with credentials
    # makes a backend of the same kind, of another broker id where backends have one
    other_broker: Callable[[], Backend]
    endpoints: dict = field(default_factory=dict)
    # why -> manifest content it must refuse
    refused: dict = field(default_factory=dict)
    bad_parameters: Optional[dict] = None  # parameters check_parameters must refuse
    new_instance_id: Callable[[], str] = lambda: f"contract-{uuid.uuid4().hex[:8]}"

    def manifest(self, content: Optional[dict] = None) -> Manifest:
        return Manifest(
            "m-contract",
            service_id="svc",
            plan_id="plan",
            manifest_type=self.manifest_type,
            manifest_content=yaml.safe_dump(
                self.content if content is None else content
            ),
            endpoints=self.endpoints if content is None else {},
        )

    def instance(self, parameters: Optional[dict] = None) -> ServiceInstance:
        return ServiceInstance(
            self.new_instance_id(),
            service_id="svc",
            plan_id="plan",
            parameters=parameters or {},
        )


def dummy_subject(request) -> Subject:
    from adapters.backends.dummy import DummyBackend

    return Subject(
        DummyBackend(),
        "dummy",
        {"credentials": {"uri": "dummy://u:p@h"}},
        DummyBackend,
        refused={
            "an unknown key": {"flavour": "vanilla"},
            "a negative duration": {"provision_seconds": -1},
            "fail_on naming no operation": {"fail_on": ["explode"]},
            "not a mapping": ["provision_seconds"],
        },
    )


def docker_subject(manifest_type: str):
    def make(request) -> Subject:
        from adapters.backends.docker.backend import DockerBackend
        from tests.docker_engine import IMAGE, ensure_swarm, new_instance_id

        # the engine with the test image, failing the module if anything is left behind
        engine = request.getfixturevalue("client")
        if manifest_type == "docker-swarm":
            ensure_swarm(engine)

        def backend() -> DockerBackend:
            # stop_seconds: httpd ignores SIGTERM, an update need not wait 10 s for it
            return DockerBackend(
                broker_id=f"ctr{uuid.uuid4().hex[:6]}", poll_seconds=0.1, stop_seconds=1
            )

        web = {
            "image": IMAGE,
            "command": ["httpd", "-f", "-p", "8080", "-h", "/www"],
            "ports": [8080],
        }
        return Subject(
            backend(),
            manifest_type,
            {"services": {"web": web}},
            endpoints={"web": {"service": "web", "port": 8080, "protocol": "http"}},
            refused={
                "a privileged container": {
                    "services": {"web": {**web, "privileged": True}}
                },
                "a host path outside the allowed folders": {
                    "services": {"web": {**web, "volumes": ["/etc:/host-etc:ro"]}}
                },
                "no services": {"services": {}},
                "not a mapping": ["web"],
            },
            bad_parameters={"NUL": "a\0b"},
            new_instance_id=new_instance_id,
            other_broker=backend,
        )

    return make


SUBJECTS = {
    "dummy": dummy_subject,
    "docker-compose": docker_subject("docker-compose"),
    "docker-swarm": docker_subject("docker-swarm"),
}


@pytest.fixture(params=list(SUBJECTS))
def subject(request) -> Subject:
    return SUBJECTS[request.param](request)


@pytest.fixture
def provisioned(subject):
    """An instance the backend provisioned (deprovisioned afterwards, whatever the
    test did)."""
    instance, manifest = subject.instance(), subject.manifest()
    result = subject.backend.provision(instance, manifest, CTX)
    assert isinstance(result, ProvisionResult)
    yield instance, manifest
    subject.backend.deprovision(instance, manifest, CTX)


def owned_ids(backend: Backend, instance_id: Optional[str] = None) -> set:
    return {r["id"] for r in backend.owned_resources(instance_id)}


def workloads(backend: Backend, instance_id: str) -> list:
    return [r for r in backend.owned_resources(instance_id) if r["workload"]]


# -- manifests and parameters ----------------------------------------------------------


def test_validate_manifest_accepts_what_the_backend_runs(subject):
    subject.backend.validate_manifest(subject.manifest())
    assert subject.manifest_type in subject.backend.manifest_types


def test_validate_manifest_refuses_what_the_backend_cannot_run(subject):
    for why, content in subject.refused.items():
        with pytest.raises(ManifestInvalid) as refused:
            subject.backend.validate_manifest(subject.manifest(content))
        assert str(refused.value), why  # the message says why


def test_check_parameters_takes_plain_values_and_refuses_what_it_cannot_use(subject):
    manifest = subject.manifest()
    subject.backend.check_parameters(manifest, {"LEVEL": "3", "DEBUG": True, "N": 1})
    if subject.bad_parameters is not None:
        with pytest.raises(ManifestInvalid):
            subject.backend.check_parameters(manifest, subject.bad_parameters)


def test_every_operation_kind_says_whether_it_must_or_should_be_async(subject):
    manifest = subject.manifest()
    for kind in OPERATION_KINDS:
        must, should = (
            subject.backend.requires_async(manifest, kind),
            subject.backend.prefers_async(manifest, kind),
        )
        assert isinstance(must, bool) and isinstance(should, bool)
        assert should or not must, kind  # what must be async is preferred async too
        assert isinstance(subject.backend.call_blocks(kind), bool)


def test_ping_answers(subject):
    subject.backend.ping()


# -- idempotent operations -------------------------------------------------------------


def test_provision_again_finds_the_work_done(subject, provisioned):
    instance, manifest = provisioned
    before = owned_ids(subject.backend, instance.id)
    subject.backend.provision(instance, manifest, CTX)  # the worker, after a crash
    assert owned_ids(subject.backend, instance.id) - before == set(), "it made more"
    if subject.backend.owns_resources:
        assert workloads(subject.backend, instance.id), "provisioned, but nothing runs"


def test_update_again_finds_the_work_done(subject, provisioned):
    instance, manifest = provisioned
    target = ServiceInstance.from_doc(
        {**instance.to_doc(), "parameters": {"LEVEL": "2"}}, 0
    )
    subject.backend.update(target, manifest, CTX)
    after = owned_ids(subject.backend, instance.id)
    subject.backend.update(target, manifest, CTX)
    # nothing new (what the first replaced may still be on its way out: a swarm's
    # old tasks)
    assert owned_ids(subject.backend, instance.id) - after == set(), "it made more"
    if subject.backend.owns_resources:
        assert workloads(subject.backend, instance.id)


def test_bind_again_gives_the_same_credentials_and_unbind_again_succeeds(
    subject, provisioned
):
    instance, manifest = provisioned
    binding = Binding(
        "b-contract", instance_id=instance.id, service_id="svc", plan_id="plan"
    )
    first = subject.backend.bind(instance, binding, manifest, CTX)
    assert isinstance(first, BindResult) and first.credentials
    again = subject.backend.bind(instance, binding, manifest, CTX)
    assert (again.credentials, again.endpoints) == (first.credentials, first.endpoints)
    subject.backend.unbind(instance, binding, manifest, CTX)
    subject.backend.unbind(instance, binding, manifest, CTX)
    subject.backend.unbind(instance, binding, None, CTX)  # the manifest is gone


def test_deprovision_removes_everything_and_again_succeeds(subject):
    instance, manifest = subject.instance(), subject.manifest()
    subject.backend.provision(instance, manifest, CTX)
    subject.backend.deprovision(instance, manifest, CTX)
    assert subject.backend.owned_resources(instance.id) == []
    subject.backend.deprovision(instance, manifest, CTX)
    subject.backend.deprovision(instance, None, CTX)
    assert subject.backend.owned_resources(instance.id) == []


def test_deprovision_and_unbind_of_what_was_never_made_succeed(subject):
    instance, manifest = subject.instance(), subject.manifest()
    binding = Binding("b-never", instance_id=instance.id)
    subject.backend.unbind(instance, binding, manifest, CTX)
    subject.backend.deprovision(instance, manifest, CTX)
    subject.backend.deprovision(instance, None, CTX)
    assert subject.backend.owned_resources(instance.id) == []


# -- what the backend owns -------------------------------------------------------------


def test_owned_resources_are_tagged_with_the_instance(subject, provisioned):
    instance, _ = provisioned
    owned = subject.backend.owned_resources(instance.id)
    if not subject.backend.owns_resources:
        assert owned == []
        return
    assert owned and all(
        {"kind", "id", "name", "instance_id", "workload"} <= set(r) for r in owned
    ), owned
    assert {r["instance_id"] for r in owned} == {instance.id}
    # the listing of everything holds them too
    assert {r["id"] for r in owned} <= owned_ids(subject.backend)
    assert subject.backend.owned_resources(subject.new_instance_id()) == []


def test_another_brokers_backend_neither_lists_nor_removes_them(subject, provisioned):
    instance, manifest = provisioned
    ours = owned_ids(subject.backend, instance.id)
    other = subject.other_broker()
    assert not ours & owned_ids(other)
    assert other.owned_resources(instance.id) == []
    other.deprovision(instance, manifest, CTX)  # the same instance id, another broker
    assert owned_ids(subject.backend, instance.id) == ours


def test_instance_details_name_only_the_manifests_services(subject, provisioned):
    instance, manifest = provisioned
    details = subject.backend.instance_details(instance, manifest)
    assert isinstance(details, dict)
    if "addresses" in details:
        assert set(details["addresses"]) == set(subject.content["services"])
        assert set(details["endpoints"]) == set(manifest.endpoints)
