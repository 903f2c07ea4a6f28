"""What service providers register: service types (with their plans) and deployment manifests.
The OSB catalog is read from here."""
from __future__ import annotations

from typing import Any, Callable, Optional

from adapters.datastore import DuplicateId, DuplicateKey, Store, VersionConflict
from adapters.resources import BackendRegistry, ManifestInvalid
from esm.errors import BadRequest, Conflict, NotFound
from esm.models import Manifest, Plan, ServiceInstance, ServiceType
from esm.outcomes import Created, Deleted, Replaced
from esm.service_rules import validate_service_entry
from esm.states import InstanceState

RETRIES = 5  # compare-and-set retries when a concurrent writer changed the same record


class _ReadCache:
    """What the catalog read, kept while the store says (Store.writes_to) that no record of
    the collection was written since: a provision reads its service type twice and its
    manifest once, and the catalog is read whole for every GET /v2/catalog, but they change
    only when a provider registers. Each entry is tagged with the store's number from before
    its read, so a read that overlapped a write is not trusted after that write. Stores that
    cannot tell (MongoDB, shared by replicas) are read every time. What is kept is shared by
    the callers, who only read it (records and plans are not changed in place)."""
    MAX_ENTRIES = 1024  # ids come from requests: bounded, emptied when full

    def __init__(self, store: Store):
        self.store = store
        self._entries: dict = {}

    def get(self, cls, key, read: Callable[[], Any]):
        tag = self.store.writes_to(cls)
        if tag is None:
            return read()
        found = self._entries.get((cls, key))
        if found is not None and found[0] == tag:
            return found[1]
        value = read()
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries = {}
        self._entries[(cls, key)] = (tag, value)
        return value


class Catalog:
    def __init__(self, store: Store, backends: BackendRegistry, max_manifest_bytes: int = 256 * 1024):
        self.store = store
        self.backends = backends
        self.max_manifest_bytes = max_manifest_bytes
        self._cache = _ReadCache(store)

    # -- reading -------------------------------------------------------------------------------

    def as_osb(self) -> dict:
        return self._cache.get(ServiceType, None, lambda: {
            "services": [st.entry for st in self.store.find(ServiceType)]})

    def service_type(self, service_id: str) -> Optional[ServiceType]:
        return self._cache.get(ServiceType, service_id,
                               lambda: self.store.get(ServiceType, service_id))

    def plan(self, service_id: Optional[str], plan_id: Optional[str]
             ) -> tuple[Optional[ServiceType], Optional[Plan]]:
        """The service type and its plan, each None when unknown (or not given)."""
        service = self.service_type(service_id) if service_id is not None else None
        return service, (service.plan(plan_id) if service else None)

    def manifest_for_plan(self, plan_id: str) -> Optional[Manifest]:
        return self._cache.get(Manifest, plan_id,
                               lambda: self.store.get_by_key(Manifest, "plan_id", plan_id))

    def _live_instances(self, **equals) -> list[ServiceInstance]:
        return [i for i in self.store.find(ServiceInstance, **equals) if i.state != InstanceState.DELETED]

    # -- service types -------------------------------------------------------------------------

    def register_service_type(self, entry: dict) -> Created | Replaced:
        """Store the service object (its entry exactly as sent)."""
        validate_service_entry(entry)
        for _ in range(RETRIES):
            new = ServiceType(entry["id"], name=entry["name"], entry=entry)
            existing = self.store.get(ServiceType, new.id)
            try:
                if existing is None:
                    self.store.insert(new)
                    return Created(new)
                dropped = {p.id for p in existing.plans} - {p.id for p in new.plans}
                self._refuse_dropping_used_plans(new.id, dropped)
                new.version = existing.version
                self.store.update(new)
                self._remove_manifests(lambda m, dropped=dropped: m.plan_id in dropped)
                return Replaced(new)
            except DuplicateKey as exc:
                raise Conflict(f"service type {exc.owner!r} already uses {exc.key} {exc.value!r}; "
                               "service names and plan ids must be unique across the catalog") from None
            except (DuplicateId, VersionConflict):
                continue  # a concurrent registration of the same id won; read again
        raise Conflict(f"service type {entry['id']!r} is being changed concurrently; retry")

    def _refuse_dropping_used_plans(self, service_id: str, dropped: set) -> None:
        used = sorted({i.plan_id for i in self._live_instances(service_id=service_id)} & dropped)
        if used:
            raise Conflict(f"plan {used[0]!r} still has service instances; deprovision them "
                           "before removing the plan")

    def _remove_manifests(self, which) -> None:
        for manifest in self.store.find(Manifest):
            if which(manifest):
                try:
                    self.store.delete(manifest)
                except VersionConflict:
                    pass  # changed or removed concurrently; the newer writer decides

    def delete_service_type(self, service_id: str) -> Deleted:
        service = self.store.get(ServiceType, service_id)
        if service is None:
            raise NotFound(f"no service type with id {service_id!r}")
        self._delete_unless_used(service, f"service type {service_id!r}", "deprovision them first",
                                 service_id=service_id)
        self._remove_manifests(lambda m: m.service_id == service_id)
        return Deleted()

    def _delete_unless_used(self, record, label: str, advice: str, **instances_with) -> None:
        """Delete `record` unless live instances match `instances_with` (409 then)."""
        if self._live_instances(**instances_with):
            raise Conflict(f"{label} still has service instances; {advice}")
        try:
            self.store.delete(record)
        except VersionConflict:
            raise Conflict(f"{label} changed concurrently; retry") from None

    # -- manifests -----------------------------------------------------------------------------

    def put_manifest(self, manifest_id: str, body: dict) -> Created | Replaced:
        if body.get("id", manifest_id) != manifest_id:
            raise BadRequest(f"body id {body['id']!r} differs from the path id {manifest_id!r}")
        size = len(body["manifest_content"].encode())
        if size > self.max_manifest_bytes:
            raise BadRequest(f"manifest_content is {size} bytes; at most {self.max_manifest_bytes} "
                             "are accepted (ESM_MAX_MANIFEST_BYTES)")
        manifest = Manifest(
            manifest_id, service_id=body["service_id"], plan_id=body["plan_id"],
            manifest_type=body["manifest_type"], manifest_content=body["manifest_content"],
            endpoints=body.get("endpoints") or {}, config=body.get("config") or {})
        service, plan = self.plan(manifest.service_id, manifest.plan_id)
        if service is None:
            raise BadRequest(f"no service type with id {manifest.service_id!r}; register it first")
        if plan is None:
            raise BadRequest(f"service type {manifest.service_id!r} has no plan {manifest.plan_id!r}")
        try:
            backend = self.backends.backend_for(manifest.manifest_type)
        except KeyError:
            raise BadRequest(f"unknown manifest_type {manifest.manifest_type!r}; this broker "
                             f"accepts: {', '.join(self.backends.manifest_types)}") from None
        try:
            backend.validate_manifest(manifest)
        except ManifestInvalid as exc:
            raise BadRequest(str(exc)) from None
        for _ in range(RETRIES):
            existing = self.store.get(Manifest, manifest_id)
            try:
                if existing is None:
                    return Created(self.store.insert(manifest))
                self._refuse_retyping_used_plan(existing, manifest)
                manifest.version = existing.version
                return Replaced(self.store.update(manifest))
            except DuplicateKey as exc:
                raise Conflict(f"plan {manifest.plan_id!r} already has manifest {exc.owner!r}; "
                               "a plan has one manifest") from None
            except (DuplicateId, VersionConflict):
                continue
        raise Conflict(f"manifest {manifest_id!r} is being changed concurrently; retry")

    def _refuse_retyping_used_plan(self, old: Manifest, new: Manifest) -> None:
        moved = (old.plan_id, old.manifest_type) != (new.plan_id, new.manifest_type)
        if moved and self._live_instances(plan_id=old.plan_id):
            raise Conflict(f"plan {old.plan_id!r} has service instances made from manifest "
                           f"{old.id!r}; its plan and manifest_type cannot change until they are gone")

    def get_manifest(self, manifest_id: str) -> Manifest:
        manifest = self.store.get(Manifest, manifest_id)
        if manifest is None:
            raise NotFound(f"no manifest with id {manifest_id!r}")
        return manifest

    def list_manifests(self) -> list[Manifest]:
        return self.store.find(Manifest)

    def delete_manifest(self, manifest_id: str) -> Deleted:
        manifest = self.get_manifest(manifest_id)
        self._delete_unless_used(manifest, f"the plan {manifest.plan_id!r} of manifest {manifest_id!r}",
                                 "deprovision them before removing its manifest",
                                 plan_id=manifest.plan_id)
        return Deleted()
