"""Read models of what operators see under /v2/et/service_instances: instances with their
service type, plan, state, bindings and operation history. Binding credentials never appear here.

The summary of one instance also holds what ElasTest's orchestrator read from the seed's view:
`context.id`, `context.manifest_id` and `context.<service>_Ip` for each of its services, and the
manifest's `endpoints` located (these two from the backend; left out when it cannot be asked).
A listing shows the stored records only: it reads no manifest and asks no backend."""
from __future__ import annotations

import datetime as _dt
import logging
from typing import Optional

from adapters.datastore import Store
from adapters.resources import BackendRegistry
from esm.errors import NotFound
from esm.models import Binding, Manifest, Operation, ServiceInstance, ServiceType
from esm.states import BindingState, InstanceState

log = logging.getLogger("esm.instance_listing")


def _iso(epoch: Optional[float]) -> Optional[str]:
    if epoch is None:
        return None
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def operation_summary(op: Operation) -> dict:
    return {"id": op.id, "kind": op.kind, "state": op.state, "description": op.description,
            "binding_id": op.binding_id, "service_id": op.service_id, "plan_id": op.plan_id,
            "started_at": op.started_at, "finished_at": op.finished_at,
            "deadline": _iso(op.deadline), "originating_identity": op.originating_identity,
            "request_identity": op.request_identity, "instance_usable": op.instance_usable,
            "attempts": op.attempts}


class InstanceListing:
    """Instances as operators list and read them (no handler: the HTTP side is
    esm/controllers/extensions.py)."""

    def __init__(self, store: Store, backends: Optional[BackendRegistry] = None):
        self.store = store
        self.backends = backends

    def one(self, instance_id: str) -> dict:
        """The instance, with what its backend says (it may block: call it in a thread)."""
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None:
            raise NotFound(f"no service instance {instance_id!r}")
        summary = self._summaries([instance])[0]
        summary["context"] = {**instance.context, "id": instance.id}  # the seed's keys win
        manifest = self.store.get_by_key(Manifest, "plan_id", instance.plan_id)
        if manifest is not None:
            summary["context"]["manifest_id"] = manifest.id
        if manifest is not None and instance.state != InstanceState.DELETED:
            details = self._details(instance, manifest)
            summary["context"].update({f"{service}_Ip": address
                                       for service, address in details.get("addresses", {}).items()})
            if "endpoints" in details:
                summary["endpoints"] = details["endpoints"]
        return summary

    def _details(self, instance: ServiceInstance, manifest: Manifest) -> dict:
        if self.backends is None:
            return {}
        try:
            return self.backends.backend_for(manifest.manifest_type).instance_details(instance, manifest)
        except Exception as exc:  # noqa: BLE001 - the summary is served without the backend's part
            log.warning("the summary of instance %s goes without its addresses: %s", instance.id, exc)
            return {}

    def page(self, limit: Optional[int] = None, after: Optional[str] = None,
             include_deleted: bool = False) -> tuple[list[dict], int, Optional[str]]:
        """(instances, how many there are in all, the `after` of the following page or None):
        instances not deleted (unless asked), in id order, after the id `after` when given: all
        of them, or `limit` (`next` is given when there may be a following page)."""
        def shown(instance) -> bool:
            return include_deleted or instance.state != InstanceState.DELETED
        if limit is None:
            listed = sorted((i for i in self.store.find(ServiceInstance) if shown(i)),
                            key=lambda i: i.id)
            instances = [i for i in listed if after is None or i.id > after]
            return self._summaries(instances, everything=True), len(listed), None
        instances, cursor = [], after
        while len(instances) < limit:
            batch = self.store.page(ServiceInstance, limit, cursor)
            if not batch:
                break
            for instance in batch:
                cursor = instance.id
                if shown(instance):
                    instances.append(instance)
                    if len(instances) == limit:
                        break
        following = instances[-1].id if len(instances) == limit else None
        return self._summaries(instances), self._total(include_deleted), following

    def _total(self, include_deleted: bool) -> int:
        """How many instances a listing shows in all (counted by the store, not read)."""
        total = self.store.count(ServiceInstance)
        if not include_deleted:
            total -= self.store.count(ServiceInstance, state=InstanceState.DELETED)
        return total

    def operations(self, instance_id: str) -> list[dict]:
        if self.store.get(ServiceInstance, instance_id) is None:
            raise NotFound(f"no service instance {instance_id!r}")
        ops = self.store.find(Operation, instance_id=instance_id)
        return [operation_summary(op) for op in sorted(ops, key=lambda o: o.started_at)]

    def _summaries(self, instances: list, everything: bool = False) -> list[dict]:
        """One read of all bindings and operations for a whole listing; per instance otherwise."""
        if everything:
            bindings, operations = self.store.find(Binding), self.store.find(Operation)
        else:
            bindings = [b for i in instances for b in self.store.find(Binding, instance_id=i.id)]
            operations = [o for i in instances for o in self.store.find(Operation, instance_id=i.id)]
        names = {st.id: st for st in self.store.find(ServiceType)}
        by_instance: dict[str, dict[str, list]] = {}
        for b in bindings:
            if b.state != BindingState.DELETED:
                by_instance.setdefault(b.instance_id, {}).setdefault("b", []).append(
                    {"id": b.id, "state": b.state})
        for op in operations:
            by_instance.setdefault(op.instance_id, {}).setdefault("o", []).append(operation_summary(op))
        summaries = []
        for i in instances:
            service = names.get(i.service_id)
            plan = service.plan(i.plan_id) if service else None
            summaries.append({
                "id": i.id, "service_id": i.service_id, "plan_id": i.plan_id,
                "service_name": service.name if service else None,
                "plan_name": plan.name if plan else None, "state": i.state,
                "parameters": i.parameters, "context": i.context, "dashboard_url": i.dashboard_url,
                "created_at": i.created_at,
                "bindings": by_instance.get(i.id, {}).get("b", []),
                "operations": sorted(by_instance.get(i.id, {}).get("o", []),
                                     key=lambda o: o["started_at"]),
            })
        return summaries
