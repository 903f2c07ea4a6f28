"""What operators see under /v2/et/service_instances: instances with their service type, plan,
state, bindings and operation history. Binding credentials never appear here."""
from __future__ import annotations

import datetime as _dt
from typing import Optional

from adapters.datastore import Store
from esm.errors import NotFound
from esm.models import Binding, Operation, ServiceInstance, ServiceType


def _iso(epoch: Optional[float]) -> Optional[str]:
    if epoch is None:
        return None
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def operation_view(op: Operation) -> dict:
    return {"id": op.id, "kind": op.kind, "state": op.state, "description": op.description,
            "binding_id": op.binding_id, "service_id": op.service_id, "plan_id": op.plan_id,
            "started_at": op.started_at, "finished_at": op.finished_at,
            "deadline": _iso(op.deadline), "originating_identity": op.originating_identity,
            "request_identity": op.request_identity, "instance_usable": op.instance_usable,
            "attempts": op.attempts}


class InstanceViews:
    def __init__(self, store: Store):
        self.store = store

    def one(self, instance_id: str) -> dict:
        instance = self.store.get(ServiceInstance, instance_id)
        if instance is None:
            raise NotFound(f"no service instance {instance_id!r}")
        return self._views([instance])[0]

    def page(self, limit: Optional[int] = None, after: Optional[str] = None,
             include_deleted: bool = False) -> tuple[list[dict], int, Optional[str]]:
        """(instances, how many there are in all, the `after` of the following page or None):
        instances not deleted (unless asked), in id order; all of them, or `limit` after the id
        `after` (`next` is given when there may be a following page)."""
        def shown(instance) -> bool:
            return include_deleted or instance.state != "deleted"
        if limit is None:
            instances = [i for i in self.store.find(ServiceInstance) if shown(i)]
            instances.sort(key=lambda i: i.id)
            return self._views(instances, everything=True), len(instances), None
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
        total = self.store.count(ServiceInstance)
        if not include_deleted:
            total -= self.store.count(ServiceInstance, state="deleted")
        following = instances[-1].id if len(instances) == limit else None
        return self._views(instances), total, following

    def operations(self, instance_id: str) -> list[dict]:
        if self.store.get(ServiceInstance, instance_id) is None:
            raise NotFound(f"no service instance {instance_id!r}")
        ops = self.store.find(Operation, instance_id=instance_id)
        return [operation_view(op) for op in sorted(ops, key=lambda o: o.started_at)]

    def _views(self, instances: list, everything: bool = False) -> list[dict]:
        """One read of all bindings and operations for a whole listing; per instance otherwise."""
        if everything:
            bindings, operations = self.store.find(Binding), self.store.find(Operation)
        else:
            bindings = [b for i in instances for b in self.store.find(Binding, instance_id=i.id)]
            operations = [o for i in instances for o in self.store.find(Operation, instance_id=i.id)]
        names = {st.id: st for st in self.store.find(ServiceType)}
        by_instance: dict[str, dict[str, list]] = {}
        for b in bindings:
            if b.state != "deleted":
                by_instance.setdefault(b.instance_id, {}).setdefault("b", []).append(
                    {"id": b.id, "state": b.state})
        for op in operations:
            by_instance.setdefault(op.instance_id, {}).setdefault("o", []).append(operation_view(op))
        views = []
        for i in instances:
            service = names.get(i.service_id)
            plan = service.plan(i.plan_id) if service else None
            views.append({
                "id": i.id, "service_id": i.service_id, "plan_id": i.plan_id,
                "service_name": service.name if service else None,
                "plan_name": plan.name if plan else None, "state": i.state,
                "parameters": i.parameters, "context": i.context, "dashboard_url": i.dashboard_url,
                "created_at": i.created_at,
                "bindings": by_instance.get(i.id, {}).get("b", []),
                "operations": sorted(by_instance.get(i.id, {}).get("o", []),
                                     key=lambda o: o["started_at"]),
            })
        return views
