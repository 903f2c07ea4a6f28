"""OSB semantics of instances and bindings: validation against the catalog, identical repeats
(AlreadyThere, StillInProgress) versus conflicts (409), the async decision (AsyncRequired), one
operation at a time per instance (ConcurrencyError), maintenance_info, and the state machine.

Each request answers a typed outcome (esm.outcomes) or raises a typed error (esm.errors); the HTTP
layer maps outcomes to statuses in one place (esm/controllers/responses.py). Beside this module:
plan checks (esm.plan_checks), compare-and-set and race retries (esm.compare_and_set), operation
records and running them (esm.starting), the operator's retry (esm.operator_retry).
"""
from __future__ import annotations

from typing import Optional, TypeVar

from adapters.datastore import Store
from adapters.resources import Backend, BackendRegistry, ManifestInvalid
from esm.catalog import Catalog
from esm.compare_and_set import retrying_lost_races
from esm.errors import AsyncRequired, BadRequest, ConcurrencyError, Conflict, Gone, NotFound, Unprocessable
from esm.models import Binding, Manifest, Operation, Plan, ServiceInstance, ServiceType
from esm.operations import Worker
from esm.operator_retry import retry_failed_operation
from esm.outcomes import (
    Accepted,
    AlreadyThere,
    Created,
    Deleted,
    Fetched,
    OperationReport,
    StillInProgress,
    Unchanged,
    Updated,
)
from esm.plan_checks import check_maintenance, check_parameters_size, validate_parameters
from esm.starting import Caller, OperationStarter
from esm.states import (
    BINDING_KINDS,
    BUSY_BINDING,
    BUSY_INSTANCE,
    BUSY_STATE,
    INSTANCE_CHANGING,
    INSTANCE_REMOVING,
    BindingState,
    InstanceState,
    OperationKind,
)

# the fields of a provision or bind request that an identical repeat must match
PROVISION_REQUEST_FIELDS = ("service_id", "plan_id", "context", "organization_guid", "space_guid")
BIND_REQUEST_FIELDS = ("service_id", "plan_id", "context", "bind_resource", "app_guid",
                       "predecessor_binding_id")
# the fields of an instance an update may change
UPDATE_FIELDS = ("plan_id", "parameters", "maintenance_version")
_Done = TypeVar("_Done", Updated, Deleted)  # how a synchronous update or delete ends


class Broker:
    def __init__(self, store: Store, backends: BackendRegistry, catalog: Catalog, worker: Worker,
                 max_parameters_bytes: int = 64 * 1024):
        self.store, self.backends, self.catalog, self.worker = store, backends, catalog, worker
        self.max_parameters_bytes = max_parameters_bytes
        self.starter = OperationStarter(store, worker)

    def _check_parameters(self, plan: Plan, target: str, action: str, parameters) -> None:
        check_parameters_size(parameters, self.max_parameters_bytes)
        validate_parameters(plan, target, action, parameters)

    # -- shared steps --------------------------------------------------------------------------

    def _plan(self, service_id: str, plan_id: str) -> tuple[ServiceType, Plan]:
        service, plan = self.catalog.plan(service_id, plan_id)
        if service is None:
            raise BadRequest(f"unknown service_id {service_id!r}")
        if plan is None:
            raise BadRequest(f"service {service_id!r} has no plan {plan_id!r}")
        return service, plan

    @staticmethod
    def _check_backend_parameters(backend: Backend, manifest: Manifest, parameters: dict) -> None:
        try:
            backend.check_parameters(manifest, parameters)
        except ManifestInvalid as exc:
            raise BadRequest(str(exc)) from None

    def _backend(self, plan_id: str) -> tuple[Manifest, Backend]:
        manifest = self.catalog.manifest_for_plan(plan_id)
        if manifest is None:
            raise Unprocessable(f"plan {plan_id!r} has no deployment manifest yet; the service "
                                "provider must register one (PUT /v2/et/manifest/{id})")
        return manifest, self.backends.backend_for(manifest.manifest_type)

    @staticmethod
    def _async(backend: Optional[Backend], manifest: Optional[Manifest], kind: str,
               accepts_incomplete: bool) -> bool:
        if manifest is None or backend is None:  # (no manifest, no backend: nothing to ask)
            return False
        if backend.requires_async(manifest, kind):
            if not accepts_incomplete:
                since = " (bindings are asynchronous from OSB 2.14 on)" if kind in BINDING_KINDS else ""
                raise AsyncRequired(f"this plan only supports asynchronous {kind}; "
                                    f"repeat the request with accepts_incomplete=true{since}")
            return True
        return accepts_incomplete and backend.prefers_async(manifest, kind)

    def _delete_is_async(self, instance: ServiceInstance, kind: str, accepts_incomplete: bool) -> bool:
        """Deletes work even when the plan's manifest is gone (nothing to ask: synchronous)."""
        manifest = self.catalog.manifest_for_plan(instance.plan_id)
        backend = self.backends.backend_for(manifest.manifest_type) if manifest else None
        return self._async(backend, manifest, kind, accepts_incomplete)

    def _busy_bindings(self, instance_id: str) -> list[Binding]:
        return [b for b in self.store.find(Binding, instance_id=instance_id) if b.state in BUSY_BINDING]

    # -- instances -----------------------------------------------------------------------------

    @retrying_lost_races
    def provision(self, instance_id: str, body: dict, accepts_incomplete: bool,
                  caller: Caller) -> Created | AlreadyThere | Accepted | StillInProgress:
        service, plan = self._plan(body["service_id"], body["plan_id"])
        parameters = body.get("parameters") or {}
        self._check_parameters(plan, "service_instance", "create", parameters)
        check_maintenance(plan, body)
        manifest, backend = self._backend(plan.id)
        self._check_backend_parameters(backend, manifest, parameters)
        requested = {k: body.get(k) for k in PROVISION_REQUEST_FIELDS}
        requested["parameters"] = parameters
        requested["maintenance_version"] = (body.get("maintenance_info") or {}).get("version")

        existing = self.store.get(ServiceInstance, instance_id)
        retry_failed = (existing is not None and existing.state == InstanceState.FAILED
                        and existing.requested == requested)
        if existing is not None and existing.state != InstanceState.DELETED and not retry_failed:
            if existing.requested != requested:
                raise Conflict(f"service instance {instance_id!r} already exists with other "
                               "attributes")
            if existing.state == InstanceState.PROVISIONING:
                if self._async(backend, manifest, OperationKind.PROVISION, accepts_incomplete):
                    assert existing.operation_id is not None  # a busy subject names its operation
                    return StillInProgress(existing.operation_id, existing)
                raise ConcurrencyError(f"service instance {instance_id!r} is being provisioned "
                                       "by a concurrent request; retry")
            if existing.state in INSTANCE_REMOVING:
                raise ConcurrencyError(f"service instance {instance_id!r} is being deleted")
            return AlreadyThere(existing)

        is_async = self._async(backend, manifest, OperationKind.PROVISION, accepts_incomplete)
        op = self.starter.new_record(OperationKind.PROVISION, instance_id, caller, plan, {},
                                     is_async=is_async)
        instance = ServiceInstance(
            instance_id, service_id=service.id, plan_id=plan.id, parameters=parameters,
            context=body.get("context") or {}, organization_guid=body.get("organization_guid"),
            space_guid=body.get("space_guid"), maintenance_version=plan.maintenance_version,
            state=InstanceState.PROVISIONING, operation_id=op.id, requested=requested)
        instance.dashboard_url = backend.planned_dashboard_url(instance, manifest)
        op, instance = self.starter.create(op, instance, existing, is_async, backend, manifest)
        if is_async:
            return Accepted(op.id, instance)
        self.starter.raise_if_failed(op)
        return Created(instance)

    @retrying_lost_races
    def update(self, instance_id: str, body: dict, accepts_incomplete: bool,
               caller: Caller) -> Updated | Unchanged | Accepted | StillInProgress:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == InstanceState.DELETED:
            raise NotFound(f"no service instance {instance_id!r}")
        if body["service_id"] != instance.service_id:
            raise BadRequest(f"service_id {body['service_id']!r} is not the instance's service "
                             f"({instance.service_id!r})")
        service = self.catalog.service_type(instance.service_id)
        current_plan = service.plan(instance.plan_id) if service else None
        if service is None or current_plan is None:
            raise Unprocessable(f"the instance's plan {instance.plan_id!r} is no longer in the "
                                "catalog; it cannot be updated")
        target_plan = service.plan(body.get("plan_id", instance.plan_id))
        if target_plan is None:
            raise BadRequest(f"service {service.id!r} has no plan {body['plan_id']!r}")
        target = self._update_target(instance, service, current_plan, target_plan, body)

        if instance.state == InstanceState.UPDATING:
            assert instance.operation_id is not None  # a busy subject names its operation
            running = self.store.get(Operation, instance.operation_id)
            if running is not None and self._same_target(running.target, target):
                manifest, backend = self._backend(target_plan.id)
                if self._async(backend, manifest, OperationKind.UPDATE, accepts_incomplete):
                    return StillInProgress(running.id)
            raise ConcurrencyError(f"service instance {instance_id!r} is being updated")
        if instance.state in BUSY_INSTANCE or self._busy_bindings(instance_id):
            raise ConcurrencyError(f"another operation is running on service instance {instance_id!r}")
        if instance.state == InstanceState.FAILED:
            raise Unprocessable(f"service instance {instance_id!r} is not usable (its last "
                                "operation failed); deprovision it")
        manifest, backend = self._backend(target_plan.id)
        self._check_backend_parameters(backend, manifest, target["parameters"])
        if all(getattr(instance, k) == v for k, v in target.items()):
            # nothing to change; but a plan that cannot update synchronously says so whatever
            # the body (what the OSB checkers expect)
            self._async(backend, manifest, OperationKind.UPDATE, accepts_incomplete)
            return Unchanged()

        if target_plan.id != instance.plan_id:
            old_manifest = self.catalog.manifest_for_plan(instance.plan_id)
            if old_manifest and old_manifest.manifest_type != manifest.manifest_type:
                raise Unprocessable(f"plans {instance.plan_id!r} and {target_plan.id!r} are realized "
                                    "by different backends; this plan change is not supported")
        is_async = self._async(backend, manifest, OperationKind.UPDATE, accepts_incomplete)
        return self._start_on_instance(OperationKind.UPDATE, instance, caller, target_plan, target, is_async,
                                       Updated, instance_usable=True, update_repeatable=True)

    def _start_on_instance(self, kind: str, instance: ServiceInstance, caller: Caller,
                           plan: Optional[Plan], target: dict, is_async: bool, done: type[_Done],
                           **failure_flags) -> Accepted | _Done:
        """Store the operation, point the instance at it (compare-and-set), run it: Accepted
        when it runs on asynchronously, else how it ended (`done`; a failure raises)."""
        op = self.starter.new_record(kind, instance.id, caller, plan, target, is_async=is_async)
        version = instance.version
        instance.state, instance.operation_id = BUSY_STATE[kind], op.id
        self.starter.store_with_subject(op, instance, version, insert=False)
        op, _ = self.starter.run(op, instance, is_async)
        if is_async:
            return Accepted(op.id)
        if op.instance_usable is False:  # a failed update that could not put things back
            failure_flags["instance_usable"] = False
        self.starter.raise_if_failed(op, **failure_flags)
        return done()

    @staticmethod
    def _same_target(running: dict, target: dict) -> bool:
        return all(running.get(k) == v for k, v in target.items())

    def _update_target(self, instance, service, current_plan, target_plan, body) -> dict:
        """What the instance is to become. Parameters given are merged over the current ones."""
        if target_plan.id != instance.plan_id and not current_plan.plan_updateable:
            raise Unprocessable(f"plan {current_plan.id!r} is not plan_updateable; the plan of "
                                "this instance cannot change")
        check_maintenance(target_plan, body)
        target = {"plan_id": target_plan.id}
        if "parameters" in body:
            self._check_parameters(target_plan, "service_instance", "update", body["parameters"])
            target["parameters"] = {**instance.parameters, **body["parameters"]}
        else:
            target["parameters"] = instance.parameters
        target["context"] = body["context"] if "context" in body else instance.context
        if "maintenance_info" in body or target_plan.id != instance.plan_id:
            target["maintenance_version"] = target_plan.maintenance_version
        else:
            target["maintenance_version"] = instance.maintenance_version
        context_only = (target["context"] != instance.context and
                        all(target[k] == getattr(instance, k) for k in UPDATE_FIELDS))
        if context_only and not service.entry.get("allow_context_updates", False):
            raise Unprocessable(f"service {service.id!r} does not allow context-only updates "
                                "(allow_context_updates is not true)")
        return target

    @retrying_lost_races
    def deprovision(self, instance_id: str, accepts_incomplete: bool,
                    caller: Caller) -> Deleted | Accepted | StillInProgress:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == InstanceState.DELETED:
            raise Gone(f"no service instance {instance_id!r}")
        is_async = self._delete_is_async(instance, OperationKind.DEPROVISION, accepts_incomplete)
        if instance.state == InstanceState.DEPROVISIONING:
            if is_async:
                assert instance.operation_id is not None  # a busy subject names its operation
                return StillInProgress(instance.operation_id)
            raise ConcurrencyError(f"service instance {instance_id!r} is being deprovisioned")
        if instance.state == InstanceState.FORCE_DELETING:
            raise ConcurrencyError(f"service instance {instance_id!r} is being force-deleted by an "
                                   "operator; retry")
        if instance.state == InstanceState.UPDATING or self._busy_bindings(instance_id):
            raise ConcurrencyError(f"another operation is running on service instance {instance_id!r}")
        stops = instance.operation_id if instance.state == InstanceState.PROVISIONING else None
        _, plan = self.catalog.plan(instance.service_id, instance.plan_id)
        return self._start_on_instance(OperationKind.DEPROVISION, instance, caller, plan, {"stops": stops},
                                       is_async, Deleted, instance_usable=False)

    def fetch_instance(self, instance_id: str) -> Fetched:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state in (InstanceState.DELETED, InstanceState.PROVISIONING) or (
                instance.state == InstanceState.FAILED and not self._was_provisioned(instance)):
            raise NotFound(f"no provisioned service instance {instance_id!r}")
        if instance.state in INSTANCE_CHANGING:
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        return Fetched(instance)

    def _was_provisioned(self, instance: ServiceInstance) -> bool:
        """A failed instance whose last operation was not its provision (an update that could
        not put things back, a failed deprovision) exists: a fetch serves it, and its last
        operation says it is not usable."""
        last = self.store.get(Operation, instance.operation_id) if instance.operation_id else None
        return last is not None and last.kind != OperationKind.PROVISION

    def instance_last_operation(self, instance_id: str, operation: Optional[str]) -> OperationReport:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None:
            raise NotFound(f"no service instance {instance_id!r}")
        return OperationReport(self._operation(operation, instance.operation_id, instance_id, None))

    def _operation(self, asked: Optional[str], latest: Optional[str], instance_id: str,
                   binding_id: Optional[str]) -> Operation:
        """The operation the platform asks about. A value the broker never issued (a platform
        may send the operation's kind, `provision`) gets the latest one: be liberal."""
        op = self.store.get(Operation, asked) if asked else None
        if op is None and latest is not None:
            op = self.store.get(Operation, latest)
        if op is None or op.instance_id != instance_id or op.binding_id != binding_id:
            raise BadRequest(f"operation {asked!r} is not an operation of this "
                             f"{'binding' if binding_id else 'service instance'}")
        return op

    # -- bindings ------------------------------------------------------------------------------

    @retrying_lost_races
    def bind(self, instance_id: str, binding_id: str, body: dict, accepts_incomplete: bool,
             caller: Caller) -> Created | AlreadyThere | Accepted | StillInProgress:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == InstanceState.DELETED:
            raise NotFound(f"no service instance {instance_id!r}")
        parameters = body.get("parameters") or {}
        requested = {k: body.get(k) for k in BIND_REQUEST_FIELDS}
        requested["parameters"] = parameters
        existing = self.store.get(Binding, binding_id)
        live = existing if existing is not None and existing.state != BindingState.DELETED else None
        same = live is not None and live.instance_id == instance_id and live.requested == requested
        if live is not None and not same:  # an existing binding with other attributes: 409 before all else
            raise Conflict(f"service binding {binding_id!r} already exists with other attributes")
        if (body["service_id"], body["plan_id"]) != (instance.service_id, instance.plan_id):
            raise BadRequest("service_id and plan_id must be those of the service instance "
                             f"({instance.service_id!r}, {instance.plan_id!r})")
        if instance.state in BUSY_INSTANCE:
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        if instance.state == InstanceState.FAILED:
            raise Unprocessable(f"service instance {instance_id!r} is not usable; it cannot be bound")
        _, plan = self._plan(instance.service_id, instance.plan_id)
        if not plan.bindable:
            raise BadRequest(f"plan {plan.id!r} is not bindable")
        self._check_parameters(plan, "service_binding", "create", parameters)
        self._check_predecessor(plan, instance_id, body.get("predecessor_binding_id"))
        manifest, backend = self._backend(plan.id)
        if live is not None and live.state != BindingState.FAILED:
            if live.state == BindingState.BINDING:
                if self._async(backend, manifest, OperationKind.BIND, accepts_incomplete):
                    assert live.operation_id is not None  # a busy subject names its operation
                    return StillInProgress(live.operation_id)
                raise ConcurrencyError(f"service binding {binding_id!r} is being created")
            if live.state == BindingState.UNBINDING:
                raise ConcurrencyError(f"service binding {binding_id!r} is being deleted")
            return AlreadyThere(live)

        is_async = self._async(backend, manifest, OperationKind.BIND, accepts_incomplete)
        op = self.starter.new_record(OperationKind.BIND, instance_id, caller, plan, {}, binding_id,
                                     is_async)
        binding = Binding(binding_id, instance_id=instance_id, service_id=instance.service_id,
                          plan_id=instance.plan_id, parameters=parameters,
                          context=body.get("context") or {}, bind_resource=body.get("bind_resource") or {},
                          app_guid=body.get("app_guid"),
                          predecessor_binding_id=body.get("predecessor_binding_id"),
                          state=BindingState.BINDING, operation_id=op.id, requested=requested)
        op, binding = self.starter.create(op, binding, existing, is_async, backend, manifest,
                                          bumped=(instance,))
        if is_async:
            return Accepted(op.id)
        self.starter.raise_if_failed(op)
        return Created(binding)

    def _check_predecessor(self, plan: Plan, instance_id: str, predecessor_id: Optional[str]) -> None:
        if predecessor_id is None:
            return
        if not plan.entry.get("binding_rotatable", False):
            raise BadRequest(f"plan {plan.id!r} is not binding_rotatable; predecessor_binding_id "
                             "is not allowed")
        predecessor = self.store.get(Binding, predecessor_id)
        if (predecessor is None or predecessor.state != BindingState.READY
                or predecessor.instance_id != instance_id):  # not a live binding of the instance
            raise BadRequest(f"predecessor_binding_id {predecessor_id!r} is not a live binding "
                             "of this service instance")

    @retrying_lost_races
    def unbind(self, instance_id: str, binding_id: str, accepts_incomplete: bool,
               caller: Caller) -> Deleted | Accepted | StillInProgress:
        binding = self.store.get(Binding, binding_id)
        instance = self.store.get(ServiceInstance, instance_id)
        if (binding is None or binding.state == BindingState.DELETED or binding.instance_id != instance_id
                or instance is None):
            raise Gone(f"no service binding {binding_id!r} on instance {instance_id!r}")
        is_async = self._delete_is_async(instance, OperationKind.UNBIND, accepts_incomplete)
        if binding.state == BindingState.UNBINDING:
            if is_async:
                assert binding.operation_id is not None  # a busy subject names its operation
                return StillInProgress(binding.operation_id)
            raise ConcurrencyError(f"service binding {binding_id!r} is being deleted")
        if instance.state in INSTANCE_CHANGING:
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        stops = binding.operation_id if binding.state == BindingState.BINDING else None
        _, plan = self.catalog.plan(instance.service_id, instance.plan_id)
        op = self.starter.new_record(OperationKind.UNBIND, instance_id, caller, plan,
                                     {"stops": stops}, binding_id, is_async)
        version = binding.version
        binding.state, binding.operation_id = BindingState.UNBINDING, op.id
        self.starter.store_with_subject(op, binding, version, insert=False, bumped=(instance,))
        op, _ = self.starter.run(op, binding, is_async)
        if is_async:
            return Accepted(op.id)
        self.starter.raise_if_failed(op)
        return Deleted()

    def fetch_binding(self, instance_id: str, binding_id: str) -> Fetched:
        binding = self.store.get(Binding, binding_id)
        if binding is None or binding.instance_id != instance_id or binding.state != BindingState.READY:
            raise NotFound(f"no service binding {binding_id!r} on instance {instance_id!r}")
        return Fetched(binding)

    def binding_last_operation(self, instance_id: str, binding_id: str,
                               operation: Optional[str]) -> OperationReport:
        binding = self.store.get(Binding, binding_id)
        if binding is None or binding.instance_id != instance_id:
            raise NotFound(f"no service binding {binding_id!r} on instance {instance_id!r}")
        return OperationReport(self._operation(operation, binding.operation_id, instance_id, binding_id))

    # -- operator actions (/v2/et) -------------------------------------------------------------

    def retry(self, instance_id: str, operation_id: str, caller: Caller) -> Accepted:
        """Run a failed operation again, as a new asynchronous operation (esm.operator_retry)."""
        return retry_failed_operation(self.store, self.catalog, self.starter, instance_id,
                                      operation_id, caller)


__all__ = ["Broker", "Caller"]
