"""OSB semantics of instances and bindings: validation against the catalog and plan schemas,
identical repeats (200/202) versus conflicts (409), the async decision (AsyncRequired), one
operation at a time per instance (ConcurrencyError), maintenance_info, and the state machine.

Every accepted change is stored as an operation (esm.operations) before the answer is given.
Records change only by compare-and-set; a request that loses a race reads again and decides
anew, so concurrent identical requests get exactly one 201.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from adapters import json_codec
from adapters.datastore import DuplicateId, Store, StoreUnavailable, VersionConflict
from adapters.resources import EPM, Backend, ManifestInvalid
from esm.errors import (AsyncRequired, BackendError, BadRequest, ConcurrencyError, Conflict, Gone,
                        MaintenanceInfoConflict, NotFound, Unprocessable)
from esm.models import (FORCE_DELETING, IN_PROGRESS, SUCCEEDED, Binding, Manifest, Operation, Plan,
                        ServiceInstance, ServiceType)
from esm.operations import SYNC_BOUNDED, Worker, new_operation_id, overdue
from esm.states import BUSY_STATE
from esm.plan_schemas import TooCostly, first_error
from esm.registry import Registry

RACE_RETRIES = 20
BUSY_INSTANCE = ("provisioning", "updating", "deprovisioning", FORCE_DELETING)
BUSY_BINDING = ("binding", "unbinding")


class _LostRace(Exception):
    """A concurrent request changed a record between our read and our write: decide again."""


@dataclass
class Caller:
    """Who asked: kept on every operation for the history."""
    originating_identity: Optional[dict] = None
    request_identity: Optional[str] = None


def _retrying(fn):
    def wrapper(*args, **kwargs):
        for _ in range(RACE_RETRIES):
            try:
                return fn(*args, **kwargs)
            except _LostRace:
                continue
        raise ConcurrencyError("the resource is being changed by concurrent requests; retry")
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


def validate_parameters(plan: Plan, target: str, action: str, parameters: dict) -> None:
    schema = plan.parameters_schema(target, action)
    if schema is None:
        return
    try:
        error = first_error(schema, parameters)
    except TooCostly as exc:
        raise BadRequest(str(exc)) from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise BadRequest(f"parameters do not match the plan's {target}.{action} schema at "
                         f"{where}: {error.message}")


def check_maintenance(plan: Plan, body: dict) -> None:
    if "maintenance_info" not in body:
        return
    asked = body["maintenance_info"].get("version")
    if asked != plan.maintenance_version:
        have = plan.maintenance_version or "none"
        raise MaintenanceInfoConflict(f"maintenance_info.version {asked!r} does not match the "
                                      f"plan's current version ({have}); fetch the catalog again")


def check_parameters_size(parameters, limit: int) -> None:
    size = len(json_codec.dumps(parameters))  # compact UTF-8, as stored
    if size > limit:
        raise BadRequest(f"parameters are {size} bytes as JSON; at most {limit} are accepted "
                         "(ESM_MAX_PARAMETERS_BYTES)")


class Broker:
    def __init__(self, store: Store, epm: EPM, registry: Registry, worker: Worker,
                 max_parameters_bytes: int = 64 * 1024):
        self.store, self.epm, self.registry, self.worker = store, epm, registry, worker
        self.max_parameters_bytes = max_parameters_bytes

    def _check_parameters(self, plan: Plan, target: str, action: str, parameters) -> None:
        check_parameters_size(parameters, self.max_parameters_bytes)
        validate_parameters(plan, target, action, parameters)

    # -- shared steps --------------------------------------------------------------------------

    def _plan(self, service_id: str, plan_id: str) -> tuple[ServiceType, Plan]:
        service, plan = self.registry.plan(service_id, plan_id)
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
        manifest = self.registry.manifest_for_plan(plan_id)
        if manifest is None:
            raise Unprocessable(f"plan {plan_id!r} has no deployment manifest yet; the service "
                                "provider must register one (PUT /v2/et/manifest/{id})")
        return manifest, self.epm.backend_for(manifest.manifest_type)

    @staticmethod
    def _async(backend: Backend, manifest: Optional[Manifest], kind: str, accepts_incomplete: bool) -> bool:
        if manifest is None:
            return False
        if backend.requires_async(manifest, kind):
            if not accepts_incomplete:
                since = " (bindings are asynchronous from OSB 2.14 on)" if kind in ("bind", "unbind") else ""
                raise AsyncRequired(f"this plan only supports asynchronous {kind}; "
                                    f"repeat the request with accepts_incomplete=true{since}")
            return True
        return accepts_incomplete and backend.prefers_async(manifest, kind)

    def _delete_is_async(self, instance: ServiceInstance, kind: str, accepts_incomplete: bool) -> bool:
        """Deletes work even when the plan's manifest is gone (nothing to ask: synchronous)."""
        manifest = self.registry.manifest_for_plan(instance.plan_id)
        backend = self.epm.backend_for(manifest.manifest_type) if manifest else None
        return self._async(backend, manifest, kind, accepts_incomplete)

    def _operation_record(self, kind: str, instance_id: str, caller: Caller, plan: Optional[Plan],
                          target: dict, binding_id: Optional[str] = None,
                          is_async: bool = True) -> Operation:
        """A new operation record, in progress and leased by this worker (not stored). A
        synchronous one runs while the platform waits: ESM_SYNC_OPERATION_TIMEOUT bounds it."""
        seconds = (plan.maximum_polling_duration if plan else None) or self.worker.timeout
        if not is_async and self.worker.sync_timeout < seconds:
            seconds = self.worker.sync_timeout
            target = {**target, SYNC_BOUNDED: True}  # asynchronously it would have longer
        if plan is not None:
            service_id, plan_id = plan.service["id"], plan.id
        else:  # the plan left the catalog: name the instance's
            instance = self.store.get(ServiceInstance, instance_id)
            service_id, plan_id = (instance.service_id, instance.plan_id) if instance else (None, None)
        op = Operation(new_operation_id(kind), kind=kind, instance_id=instance_id,
                       binding_id=binding_id, service_id=service_id, plan_id=plan_id,
                       description=f"{kind} in progress", deadline=self.worker.deadline_for(seconds),
                       originating_identity=caller.originating_identity,
                       request_identity=caller.request_identity,
                       target={**target, "timeout": seconds}, **self.worker.lease_fields())
        return op

    def _store_claiming(self, op: Operation, subject, expected_version: int, insert: bool,
                        bumped: tuple = ()) -> None:
        """Store the new operation and its subject pointing at it, all or nothing, so that no
        stored operation describes a record that is not there: the subject is inserted, or
        compare-and-set from `expected_version`. `bumped` records are rewritten as read, so
        that a concurrent request that read them loses its compare-and-set (a bind serializes
        against an update or deprovision of its instance). A lost race is _LostRace."""
        if not insert:
            subject.version = expected_version
        try:
            self.store.write_all(inserts=[op, subject] if insert else [op],
                                 updates=[*([] if insert else [subject]), *bumped])
        except (DuplicateId, VersionConflict):
            raise _LostRace() from None
        self.worker.metrics.operation_started(op)

    def _busy_bindings(self, instance_id: str) -> list[Binding]:
        return [b for b in self.store.find(Binding, instance_id=instance_id) if b.state in BUSY_BINDING]

    def _create(self, op: Operation, subject, existing, is_async: bool, backend: Backend,
                manifest: Manifest, bumped: tuple = ()) -> tuple:
        """Store the operation and the new subject it creates (over `existing`, a deleted or
        failed record of the same id), then run it: (operation, subject) as they end up.
        `bumped`: as for _store_claiming. A synchronous operation of a backend that
        makes nothing of its own runs first and is stored once, finished: if the process dies
        during its call nothing was answered and nothing is left to resume or clean up, and
        two writes are saved."""
        at_once = not is_async and not backend.owns_resources
        if at_once:
            op, subject = self.worker.run_unstored(op, subject, manifest)
        self._store_claiming(op, subject, existing.version if existing else 0,
                             insert=existing is None, bumped=bumped)
        if not at_once:
            return self._run(op, subject, is_async, manifest)
        self.worker.count_finished(op)
        return op, subject

    def _run(self, op: Operation, subject, is_async: bool, manifest: Optional[Manifest] = None) -> tuple:
        """Hand the stored operation to the worker; sync ones run here and now. (operation,
        subject): as they end up when sync, as given when async."""
        if is_async:
            self.worker.submit(op.id)
            return op, subject
        kind = op.kind
        op, subject = self.worker.run_inline(op, subject, manifest)
        if op is None or subject is None:  # an operator force-deleted the instance meanwhile
            raise BackendError(f"{kind} ended without a record: the instance was force-deleted "
                               "by an operator while it ran")
        if op.state == IN_PROGRESS:  # the store went away before it could be settled
            raise StoreUnavailable(f"{kind} could not be recorded yet: the store is unavailable; "
                                   "it goes on once the store is back")
        return op, subject

    @staticmethod
    def _raise_if_failed(op: Operation, **flags) -> None:
        """The answer to a synchronous operation that failed: one stopped by the deadline that
        ESM_SYNC_OPERATION_TIMEOUT set tells the platform to ask again asynchronously (OSB's
        AsyncRequired), as it may run longer then."""
        if op.state == SUCCEEDED:
            return
        description = op.description or f"{op.kind} failed"
        if op.target.get(SYNC_BOUNDED) and overdue(op):
            raise AsyncRequired(f"{description}; a request without accepts_incomplete=true waits "
                                f"at most {int(op.target['timeout'])} s (ESM_SYNC_OPERATION_TIMEOUT): "
                                "retry with accepts_incomplete=true")
        raise BackendError(description, **flags)

    # -- instances -----------------------------------------------------------------------------

    @_retrying
    def provision(self, instance_id: str, body: dict, accepts_incomplete: bool,
                  caller: Caller) -> tuple[int, dict]:
        service, plan = self._plan(body["service_id"], body["plan_id"])
        parameters = body.get("parameters") or {}
        self._check_parameters(plan, "service_instance", "create", parameters)
        check_maintenance(plan, body)
        manifest, backend = self._backend(plan.id)
        self._check_backend_parameters(backend, manifest, parameters)
        requested = {k: body.get(k) for k in ("service_id", "plan_id", "context", "organization_guid",
                                                "space_guid")}
        requested["parameters"] = parameters
        requested["maintenance_version"] = (body.get("maintenance_info") or {}).get("version")

        existing = self.store.get(ServiceInstance, instance_id)
        retry_failed = existing is not None and existing.state == "failed" and existing.requested == requested
        if existing is not None and existing.state != "deleted" and not retry_failed:
            if existing.requested != requested:
                raise Conflict(f"service instance {instance_id!r} already exists with other "
                               "attributes")
            if existing.state == "provisioning":
                if self._async(backend, manifest, "provision", accepts_incomplete):
                    return 202, self._provision_body(existing, existing.operation_id)
                raise ConcurrencyError(f"service instance {instance_id!r} is being provisioned "
                                       "by a concurrent request; retry")
            if existing.state in ("deprovisioning", FORCE_DELETING):
                raise ConcurrencyError(f"service instance {instance_id!r} is being deleted")
            return 200, self._provision_body(existing)

        is_async = self._async(backend, manifest, "provision", accepts_incomplete)
        op = self._operation_record("provision", instance_id, caller, plan, {}, is_async=is_async)
        instance = ServiceInstance(
            instance_id, service_id=service.id, plan_id=plan.id, parameters=parameters,
            context=body.get("context") or {}, organization_guid=body.get("organization_guid"),
            space_guid=body.get("space_guid"), maintenance_version=plan.maintenance_version,
            state="provisioning", operation_id=op.id, requested=requested)
        instance.dashboard_url = backend.planned_dashboard_url(instance, manifest)
        op, instance = self._create(op, instance, existing, is_async, backend, manifest)
        if is_async:
            return 202, self._provision_body(instance, op.id)
        self._raise_if_failed(op)
        return 201, self._provision_body(instance)

    @staticmethod
    def _provision_body(instance: ServiceInstance, operation: Optional[str] = None) -> dict:
        body = {}
        if instance.dashboard_url:
            body["dashboard_url"] = instance.dashboard_url
        if operation:
            body["operation"] = operation
        return body

    @_retrying
    def update(self, instance_id: str, body: dict, accepts_incomplete: bool,
               caller: Caller) -> tuple[int, dict]:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == "deleted":
            raise NotFound(f"no service instance {instance_id!r}")
        if body["service_id"] != instance.service_id:
            raise BadRequest(f"service_id {body['service_id']!r} is not the instance's service "
                             f"({instance.service_id!r})")
        service = self.registry.service_type(instance.service_id)
        current_plan = service.plan(instance.plan_id) if service else None
        if current_plan is None:
            raise Unprocessable(f"the instance's plan {instance.plan_id!r} is no longer in the "
                                "catalog; it cannot be updated")
        target_plan = service.plan(body.get("plan_id", instance.plan_id))
        if target_plan is None:
            raise BadRequest(f"service {service.id!r} has no plan {body['plan_id']!r}")
        target = self._update_target(instance, service, current_plan, target_plan, body)

        if instance.state == "updating":
            running = self.store.get(Operation, instance.operation_id)
            if running is not None and self._same_target(running.target, target):
                manifest, backend = self._backend(target_plan.id)
                if self._async(backend, manifest, "update", accepts_incomplete):
                    return 202, {"operation": running.id}
            raise ConcurrencyError(f"service instance {instance_id!r} is being updated")
        if instance.state in BUSY_INSTANCE or self._busy_bindings(instance_id):
            raise ConcurrencyError(f"another operation is running on service instance {instance_id!r}")
        if instance.state == "failed":
            raise Unprocessable(f"service instance {instance_id!r} is not usable (its last "
                                "operation failed); deprovision it")
        manifest, backend = self._backend(target_plan.id)
        self._check_backend_parameters(backend, manifest, target["parameters"])
        if all(getattr(instance, k) == v for k, v in target.items()):
            # nothing to change; but a plan that cannot update synchronously says so whatever
            # the body (what the OSB checkers expect)
            self._async(backend, manifest, "update", accepts_incomplete)
            return 200, {}

        if target_plan.id != instance.plan_id:
            old_manifest = self.registry.manifest_for_plan(instance.plan_id)
            if old_manifest and old_manifest.manifest_type != manifest.manifest_type:
                raise Unprocessable(f"plans {instance.plan_id!r} and {target_plan.id!r} are realized "
                                    "by different backends; this plan change is not supported")
        is_async = self._async(backend, manifest, "update", accepts_incomplete)
        return self._start_on_instance("update", instance, caller, target_plan, target, is_async,
                                       instance_usable=True, update_repeatable=True)

    def _start_on_instance(self, kind: str, instance: ServiceInstance, caller: Caller,
                           plan: Optional[Plan], target: dict, is_async: bool,
                           **failure_flags) -> tuple[int, dict]:
        """Store the operation, point the instance at it (compare-and-set), run it, answer."""
        op = self._operation_record(kind, instance.id, caller, plan, target, is_async=is_async)
        version = instance.version
        instance.state, instance.operation_id = BUSY_STATE[kind], op.id
        self._store_claiming(op, instance, version, insert=False)
        op, _ = self._run(op, instance, is_async)
        if is_async:
            return 202, {"operation": op.id}
        if op.instance_usable is False:  # a failed update that could not put things back
            failure_flags["instance_usable"] = False
        self._raise_if_failed(op, **failure_flags)
        return 200, {}

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
                        all(target[k] == getattr(instance, k)
                            for k in ("plan_id", "parameters", "maintenance_version")))
        if context_only and not service.entry.get("allow_context_updates", False):
            raise Unprocessable(f"service {service.id!r} does not allow context-only updates "
                                "(allow_context_updates is not true)")
        return target

    @_retrying
    def deprovision(self, instance_id: str, accepts_incomplete: bool, caller: Caller) -> tuple[int, dict]:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == "deleted":
            raise Gone(f"no service instance {instance_id!r}")
        is_async = self._delete_is_async(instance, "deprovision", accepts_incomplete)
        if instance.state == "deprovisioning":
            if is_async:
                return 202, {"operation": instance.operation_id}
            raise ConcurrencyError(f"service instance {instance_id!r} is being deprovisioned")
        if instance.state == FORCE_DELETING:
            raise ConcurrencyError(f"service instance {instance_id!r} is being force-deleted by an "
                                   "operator; retry")
        if instance.state == "updating" or self._busy_bindings(instance_id):
            raise ConcurrencyError(f"another operation is running on service instance {instance_id!r}")
        stops = instance.operation_id if instance.state == "provisioning" else None
        _, plan = self.registry.plan(instance.service_id, instance.plan_id)
        return self._start_on_instance("deprovision", instance, caller, plan, {"stops": stops},
                                       is_async, instance_usable=False)

    def fetch_instance(self, instance_id: str) -> dict:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state in ("deleted", "provisioning") or (
                instance.state == "failed" and not self._was_provisioned(instance)):
            raise NotFound(f"no provisioned service instance {instance_id!r}")
        if instance.state in ("updating", "deprovisioning", FORCE_DELETING):
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        body = {"service_id": instance.service_id, "plan_id": instance.plan_id,
                "parameters": instance.parameters}
        if instance.dashboard_url:
            body["dashboard_url"] = instance.dashboard_url
        if instance.maintenance_version:
            body["maintenance_info"] = {"version": instance.maintenance_version}
        if instance.metadata:
            body["metadata"] = instance.metadata
        return body

    def _was_provisioned(self, instance: ServiceInstance) -> bool:
        """A failed instance whose last operation was not its provision (an update that could
        not put things back, a failed deprovision) exists: a fetch serves it, and its last
        operation says it is not usable."""
        last = self.store.get(Operation, instance.operation_id) if instance.operation_id else None
        return last is not None and last.kind != "provision"

    def instance_last_operation(self, instance_id: str, operation: Optional[str]) -> Operation:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None:
            raise NotFound(f"no service instance {instance_id!r}")
        return self._operation(operation, instance.operation_id, instance_id, None)

    def _operation(self, asked: Optional[str], latest: str, instance_id: str,
                   binding_id: Optional[str]) -> Operation:
        """The operation the platform asks about. A value the broker never issued (a platform
        may send the operation's kind, `provision`) gets the latest one: be liberal."""
        op = self.store.get(Operation, asked) if asked else None
        if op is None:
            op = self.store.get(Operation, latest)
        if op is None or op.instance_id != instance_id or op.binding_id != binding_id:
            raise BadRequest(f"operation {asked!r} is not an operation of this "
                             f"{'binding' if binding_id else 'service instance'}")
        return op

    # -- bindings ------------------------------------------------------------------------------

    @_retrying
    def bind(self, instance_id: str, binding_id: str, body: dict, accepts_incomplete: bool,
             caller: Caller) -> tuple[int, dict]:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == "deleted":
            raise NotFound(f"no service instance {instance_id!r}")
        parameters = body.get("parameters") or {}
        requested = {k: body.get(k) for k in ("service_id", "plan_id", "context", "bind_resource",
                                                "app_guid", "predecessor_binding_id")}
        requested["parameters"] = parameters
        existing = self.store.get(Binding, binding_id)
        live = existing is not None and existing.state != "deleted"
        same = live and existing.instance_id == instance_id and existing.requested == requested
        if live and not same:  # an existing binding with other attributes: 409 before all else
            raise Conflict(f"service binding {binding_id!r} already exists with other attributes")
        if (body["service_id"], body["plan_id"]) != (instance.service_id, instance.plan_id):
            raise BadRequest("service_id and plan_id must be those of the service instance "
                             f"({instance.service_id!r}, {instance.plan_id!r})")
        if instance.state in BUSY_INSTANCE:
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        if instance.state == "failed":
            raise Unprocessable(f"service instance {instance_id!r} is not usable; it cannot be bound")
        _, plan = self._plan(instance.service_id, instance.plan_id)
        if not plan.bindable:
            raise BadRequest(f"plan {plan.id!r} is not bindable")
        self._check_parameters(plan, "service_binding", "create", parameters)
        self._check_predecessor(plan, instance_id, body.get("predecessor_binding_id"))
        manifest, backend = self._backend(plan.id)
        if live and existing.state != "failed":
            if existing.state == "binding":
                if self._async(backend, manifest, "bind", accepts_incomplete):
                    return 202, {"operation": existing.operation_id}
                raise ConcurrencyError(f"service binding {binding_id!r} is being created")
            if existing.state == "unbinding":
                raise ConcurrencyError(f"service binding {binding_id!r} is being deleted")
            return 200, self._binding_body(existing)

        is_async = self._async(backend, manifest, "bind", accepts_incomplete)
        op = self._operation_record("bind", instance_id, caller, plan, {}, binding_id, is_async)
        binding = Binding(binding_id, instance_id=instance_id, service_id=instance.service_id,
                          plan_id=instance.plan_id, parameters=parameters,
                          context=body.get("context") or {}, bind_resource=body.get("bind_resource") or {},
                          app_guid=body.get("app_guid"),
                          predecessor_binding_id=body.get("predecessor_binding_id"),
                          state="binding", operation_id=op.id, requested=requested)
        op, binding = self._create(op, binding, existing, is_async, backend, manifest,
                                   bumped=(instance,))
        if is_async:
            return 202, {"operation": op.id}
        self._raise_if_failed(op)
        return 201, self._binding_body(binding)

    def _check_predecessor(self, plan: Plan, instance_id: str, predecessor_id: Optional[str]) -> None:
        if predecessor_id is None:
            return
        if not plan.entry.get("binding_rotatable", False):
            raise BadRequest(f"plan {plan.id!r} is not binding_rotatable; predecessor_binding_id "
                             "is not allowed")
        predecessor = self.store.get(Binding, predecessor_id)
        if predecessor is None or predecessor.instance_id != instance_id or predecessor.state != "ready":
            raise BadRequest(f"predecessor_binding_id {predecessor_id!r} is not a live binding "
                             "of this service instance")

    @staticmethod
    def _binding_body(binding: Binding, with_parameters: bool = False) -> dict:
        body = {"credentials": binding.credentials}
        if binding.endpoints:
            body["endpoints"] = binding.endpoints
        if with_parameters:
            body["parameters"] = binding.parameters
        return body

    @_retrying
    def unbind(self, instance_id: str, binding_id: str, accepts_incomplete: bool,
               caller: Caller) -> tuple[int, dict]:
        binding = self.store.get(Binding, binding_id)
        instance = self.store.get(ServiceInstance, instance_id)
        if (binding is None or binding.state == "deleted" or binding.instance_id != instance_id
                or instance is None):
            raise Gone(f"no service binding {binding_id!r} on instance {instance_id!r}")
        is_async = self._delete_is_async(instance, "unbind", accepts_incomplete)
        if binding.state == "unbinding":
            if is_async:
                return 202, {"operation": binding.operation_id}
            raise ConcurrencyError(f"service binding {binding_id!r} is being deleted")
        if instance.state in ("updating", "deprovisioning", FORCE_DELETING):
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        stops = binding.operation_id if binding.state == "binding" else None
        _, plan = self.registry.plan(instance.service_id, instance.plan_id)
        op = self._operation_record("unbind", instance_id, caller, plan, {"stops": stops}, binding_id,
                                    is_async)
        version = binding.version
        binding.state, binding.operation_id = "unbinding", op.id
        self._store_claiming(op, binding, version, insert=False, bumped=(instance,))
        op, _ = self._run(op, binding, is_async)
        if is_async:
            return 202, {"operation": op.id}
        self._raise_if_failed(op)
        return 200, {}

    def fetch_binding(self, instance_id: str, binding_id: str) -> dict:
        binding = self.store.get(Binding, binding_id)
        if binding is None or binding.instance_id != instance_id or binding.state != "ready":
            raise NotFound(f"no service binding {binding_id!r} on instance {instance_id!r}")
        return self._binding_body(binding, with_parameters=True)

    def binding_last_operation(self, instance_id: str, binding_id: str,
                               operation: Optional[str]) -> Operation:
        binding = self.store.get(Binding, binding_id)
        if binding is None or binding.instance_id != instance_id:
            raise NotFound(f"no service binding {binding_id!r} on instance {instance_id!r}")
        return self._operation(operation, binding.operation_id, instance_id, binding_id)

    # -- operator actions (/v2/et) -------------------------------------------------------------

    @_retrying
    def retry(self, instance_id: str, operation_id: str, caller: Caller) -> str:
        """Run a failed operation again, as a new asynchronous operation; returns its id."""
        failed = self.store.get(Operation, operation_id)
        if failed is None or failed.instance_id != instance_id:
            raise NotFound(f"no operation {operation_id!r} on service instance {instance_id!r}")
        if failed.state != "failed":
            raise Conflict(f"operation {operation_id!r} is {failed.state}; only failed ones are retried")
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None or instance.state == "deleted":
            raise Conflict(f"service instance {instance_id!r} is deleted; its operations cannot "
                           "be retried")
        subject = self.store.get(Binding, failed.binding_id) if failed.binding_id else instance
        if subject is None or subject.operation_id != failed.id:
            raise Conflict(f"operation {operation_id!r} is not the last one of its "
                           f"{'binding' if failed.binding_id else 'instance'}; retry that one instead")
        if failed.binding_id and instance.state in BUSY_INSTANCE:
            raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
        _, plan = self.registry.plan(instance.service_id, failed.target.get("plan_id", instance.plan_id))
        target = {k: v for k, v in failed.target.items() if k not in ("timeout", "stops", SYNC_BOUNDED)}
        op = self._operation_record(failed.kind, instance_id, caller, plan, target, failed.binding_id)
        version = subject.version
        subject.state, subject.operation_id = BUSY_STATE[failed.kind], op.id
        self._store_claiming(op, subject, version, insert=False)
        self.worker.submit(op.id)
        return op.id


def last_operation_body(op: Operation) -> dict:
    """The OSB last_operation body, with the usability flags OSB 2.16 defines for failures."""
    body = {"state": op.state, "description": op.description or op.state}
    if op.state == "failed" and op.kind == "update":
        body.update(instance_usable=op.instance_usable is not False, update_repeatable=True)
    elif op.state == "failed" and op.kind == "deprovision":
        body["instance_usable"] = False
    return body


__all__ = ["Broker", "Caller", "last_operation_body"]
