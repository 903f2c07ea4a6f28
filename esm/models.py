"""The records the broker keeps. Every record is stored whole, as JSON, under its `id`, and
carries a `version` the store uses for compare-and-set (0 = never stored)."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from esm.states import BindingState, InstanceState, OperationState


def utcnow() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# mypy takes a non-frozen dataclass's `__hash__ = None` (its instances') for its class's, and so
# refuses a record class as the key of these caches (the `type: ignore[arg-type]` at their calls):
# a class is hashable
@functools.cache
def _field_order(cls) -> tuple:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _field_names(cls) -> frozenset:
    return frozenset(_field_order(cls))


@dataclass
class Record:
    COLLECTION: ClassVar[str]
    id: str

    def __post_init__(self):
        # `version` is kept out of the dataclass fields so that it never lands inside the doc.
        self.version = getattr(self, "version", 0)

    def to_doc(self) -> dict:
        return {name: getattr(self, name) for name in _field_order(type(self))}  # type: ignore[arg-type]  # see above _field_order

    @classmethod
    def from_doc(cls, doc: dict, version: int):
        names = _field_names(cls)  # type: ignore[arg-type]  # see above _field_order
        record = cls(**{k: v for k, v in doc.items() if k in names})
        record.version = version
        return record

    def unique_keys(self) -> list[tuple[str, str]]:
        """(key, value) pairs that no other record of the same collection may hold."""
        return []


@dataclass(frozen=True)
class Plan:
    """A read-only view of one plan of a service type, with service-level defaults applied."""
    service: dict
    entry: dict

    @property
    def id(self) -> str:
        return self.entry["id"]

    @property
    def name(self) -> str:
        return self.entry["name"]

    @property
    def bindable(self) -> bool:
        return bool(self.entry.get("bindable", self.service.get("bindable", False)))

    @property
    def plan_updateable(self) -> bool:
        return bool(self.entry.get("plan_updateable", self.service.get("plan_updateable", False)))

    @property
    def maximum_polling_duration(self) -> Optional[int]:
        return self.entry.get("maximum_polling_duration")

    @property
    def maintenance_version(self) -> Optional[str]:
        return (self.entry.get("maintenance_info") or {}).get("version")

    def parameters_schema(self, target: str, action: str) -> Optional[dict]:
        """target: service_instance | service_binding; action: create | update."""
        return (((self.entry.get("schemas") or {}).get(target) or {}).get(action) or {}).get("parameters")


@dataclass
class ServiceType(Record):
    """A registered OSB service object (`entry`, exactly as the provider sent it)."""
    COLLECTION: ClassVar[str] = "service_types"
    name: str = ""
    entry: dict = field(default_factory=dict)

    @property
    def plans(self) -> list[Plan]:
        return [Plan(self.entry, p) for p in self.entry.get("plans", [])]

    def plan(self, plan_id: Optional[str]) -> Optional[Plan]:
        return next((p for p in self.plans if p.id == plan_id), None)

    def unique_keys(self):
        return [("name", self.name)] + [("plan_id", p.id) for p in self.plans]


@dataclass
class Manifest(Record):
    """How a plan is realized: a backend (`manifest_type`) and its content."""
    COLLECTION: ClassVar[str] = "manifests"
    service_id: str = ""
    plan_id: str = ""
    manifest_type: str = ""
    manifest_content: str = ""
    endpoints: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)

    def unique_keys(self):
        return [("plan_id", self.plan_id)]

    def to_api(self) -> dict:
        return self.to_doc()


@dataclass
class ServiceInstance(Record):
    COLLECTION: ClassVar[str] = "instances"
    service_id: str = ""
    plan_id: str = ""
    parameters: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    organization_guid: Optional[str] = None
    space_guid: Optional[str] = None
    maintenance_version: Optional[str] = None
    dashboard_url: Optional[str] = None
    metadata: dict = field(default_factory=dict)
    state: str = InstanceState.PROVISIONING  # an InstanceState (plain str as read back)
    created_at: str = field(default_factory=utcnow)
    deleted_at: Optional[str] = None
    operation_id: Optional[str] = None  # the last operation, running or finished
    requested: dict = field(default_factory=dict)  # the provision request, to spot identical repeats
    fence: Optional[str] = None  # "<operation id>#<epoch>": only that epoch's worker may settle it


@dataclass
class Binding(Record):
    COLLECTION: ClassVar[str] = "bindings"
    instance_id: str = ""
    service_id: str = ""
    plan_id: str = ""
    parameters: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    bind_resource: dict = field(default_factory=dict)
    app_guid: Optional[str] = None
    predecessor_binding_id: Optional[str] = None
    credentials: dict = field(default_factory=dict)
    endpoints: list = field(default_factory=list)
    state: str = BindingState.BINDING  # a BindingState (plain str as read back)
    created_at: str = field(default_factory=utcnow)
    deleted_at: Optional[str] = None
    operation_id: Optional[str] = None
    requested: dict = field(default_factory=dict)  # the bind request, to spot identical repeats
    fence: Optional[str] = None  # "<operation id>#<epoch>": only that epoch's worker may settle it


# the names these states had before esm.states (modules and tests import them from here)
IN_PROGRESS, SUCCEEDED, FAILED = (OperationState.IN_PROGRESS, OperationState.SUCCEEDED,
                                  OperationState.FAILED)
FORCE_DELETING = InstanceState.FORCE_DELETING


@dataclass
class Operation(Record):
    COLLECTION: ClassVar[str] = "operations"
    kind: str = ""  # an esm.states.OperationKind
    instance_id: str = ""
    binding_id: Optional[str] = None
    service_id: Optional[str] = None  # of the instance when the operation began
    plan_id: Optional[str] = None
    state: str = IN_PROGRESS
    description: str = ""
    started_at: str = field(default_factory=utcnow)
    finished_at: Optional[str] = None
    deadline: Optional[float] = None  # epoch seconds
    owner: Optional[str] = None  # the worker holding the lease
    lease_expires: Optional[float] = None  # informational: expiry is judged by observation
    epoch: int = 0  # +1 on every takeover: a worker holding an older epoch may not settle
    originating_identity: Optional[dict] = None
    request_identity: Optional[str] = None
    target: dict[str, Any] = field(default_factory=dict)  # what the operation is to reach
    attempts: int = 0
    instance_usable: Optional[bool] = None  # a failed update: False when it left the instance broken
