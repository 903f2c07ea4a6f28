"""Operator actions no OSB platform can take: force-delete a stuck instance, and find and clean
up orphans (backend objects no live instance owns; instances whose objects are gone)."""
from __future__ import annotations

import logging
from typing import Any, Callable

from adapters.datastore import Store, VersionConflict
from adapters.resources import BackendFailure, BackendRegistry, OperationContext
from esm.catalog import Catalog
from esm.errors import NotFound
from esm.models import Binding, Manifest, Operation, ServiceInstance
from esm.operations import Settlement, Worker
from esm.operations.texts import force_deleted_text
from esm.states import InstanceState, OperationState

log = logging.getLogger("esm.admin")


class Admin:
    def __init__(self, store: Store, backends: BackendRegistry, catalog: Catalog, worker: Worker,
                 broker_id: Callable[[], str]):
        self.store, self.backends, self.catalog, self.worker = store, backends, catalog, worker
        self.broker_id = broker_id
        self.let_go_seconds = max(30, 2 * worker.lease)

    def _backend_of(self, instance: ServiceInstance):
        manifest = self.catalog.manifest_for_plan(instance.plan_id)
        return (manifest, self.backends.backend_for(manifest.manifest_type)) if manifest else (None, None)

    def force_delete(self, instance_id: str) -> dict:
        instance = self.store.mutate(ServiceInstance, instance_id, _mark_force_deleting)
        if instance is None:
            raise NotFound(f"no service instance {instance_id!r}")
        # from here no operation can start on it (each claims or bumps the instance's record by
        # compare-and-set), so the running ones listed next are all there will be
        running = [op for op in self.store.find(Operation, instance_id=instance_id)
                   if op.state == OperationState.IN_PROGRESS]
        for op in running:  # their workers see this, stop and let go
            self.worker.settle(op, Settlement(False, force_deleted_text(op.kind)))
        # nothing a running operation makes may appear after the removal below
        if not self.worker.wait_until_let_go([op.id for op in running], timeout=self.let_go_seconds):
            log.warning("force-delete of %s: an operation did not stop within %d s; removing "
                        "anyway", instance_id, self.let_go_seconds)
        manifest, backend = self._backend_of(instance)
        if backend is None:
            outcome = "nothing to remove (the plan has no manifest)"
        else:
            try:
                backend.deprovision(instance, manifest, OperationContext())
                outcome = "removed"
            except Exception as exc:  # best effort: the records go anyway
                log.warning("force-delete of %s: the backend failed: %s", instance_id, exc)
                outcome = f"the backend could not remove its objects: {exc}"
        removed = 0
        for record in [*self.store.find(Binding, instance_id=instance_id),
                       *self.store.find(Operation, instance_id=instance_id), instance]:
            removed += _delete_latest(self.store, record)
        log.warning("instance force-deleted by an operator", extra={
            "instance_id": instance_id, "backend": outcome, "records_removed": removed})
        return {"instance_id": instance_id, "backend": outcome, "records_removed": removed}

    def orphans(self) -> dict:
        instances = {i.id: i for i in self.store.find(ServiceInstance)}
        live = {iid for iid, i in instances.items() if i.state != InstanceState.DELETED}
        used_types = {m.manifest_type for m in self.store.find(Manifest)}
        result: dict[str, Any] = {"broker_id": self.broker_id(), "backend_objects": [],
                  "instances_without_objects": [], "unavailable": {}}
        ready = [(i, self._backend_of(i)[1]) for i in instances.values() if i.state == InstanceState.READY]
        for backend in self.backends:
            name = type(backend).__name__
            if not backend.owns_resources:
                continue
            try:
                owned = backend.owned_resources()
            except BackendFailure as exc:
                if set(backend.manifest_types) & used_types:
                    result["unavailable"][name] = str(exc)
                continue
            holders = set()
            for obj in owned:
                if obj.get("workload", True):
                    holders.add(obj.get("instance_id"))
                if obj.get("instance_id") not in live:
                    result["backend_objects"].append({**obj, "backend": name})
            for instance, instance_backend in ready:
                if instance_backend is backend and instance.id not in holders:
                    result["instances_without_objects"].append({
                        "id": instance.id, "service_id": instance.service_id,
                        "plan_id": instance.plan_id, "backend": name})
        return result

    def clean_orphans(self) -> dict:
        found = self.orphans()
        by_backend = {type(b).__name__: b for b in self.backends}
        for instance_id in sorted({o["instance_id"] for o in found["backend_objects"] if o["instance_id"]}):
            backend = by_backend[next(o["backend"] for o in found["backend_objects"]
                                      if o["instance_id"] == instance_id)]
            try:
                backend.deprovision(ServiceInstance(instance_id), None, OperationContext())
            except BackendFailure as exc:
                found["unavailable"][type(backend).__name__] = str(exc)
        for gone in found["instances_without_objects"]:
            self.force_delete(gone["id"])  # nothing left to remove but the records
        log.warning("orphans cleaned up by an operator", extra={
            "backend_objects": len(found["backend_objects"]),
            "instances_without_objects": len(found["instances_without_objects"])})
        return found


def _mark_force_deleting(instance: ServiceInstance) -> bool:
    instance.state = InstanceState.FORCE_DELETING
    return True


def _delete_latest(store: Store, record) -> int:
    """Delete the record as it is now (it may have changed since it was read)."""
    for _ in range(10):
        current = store.get(type(record), record.id)
        if current is None:
            return 0
        try:
            store.delete(current)
            return 1
        except VersionConflict:
            continue
    return 0
