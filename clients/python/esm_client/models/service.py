from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.service_requires_item import ServiceRequiresItem
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.object_ import Object
  from ..models.plan import Plan
  from ..models.service_dashboard_client import ServiceDashboardClient





T = TypeVar("T", bound="Service")



@_attrs_define
class Service:
    """ 
        Attributes:
            id (str): RFC 3986 unreserved characters only; not "." or "..".
            name (str):
            description (str):
            bindable (bool):
            plans (list[Plan]):
            tags (list[str] | Unset):
            requires (list[ServiceRequiresItem] | Unset):
            instances_retrievable (bool | Unset):
            bindings_retrievable (bool | Unset):
            allow_context_updates (bool | Unset):
            metadata (Object | Unset):
            dashboard_client (ServiceDashboardClient | Unset):
            plan_updateable (bool | Unset):
     """

    id: str
    name: str
    description: str
    bindable: bool
    plans: list[Plan]
    tags: list[str] | Unset = UNSET
    requires: list[ServiceRequiresItem] | Unset = UNSET
    instances_retrievable: bool | Unset = UNSET
    bindings_retrievable: bool | Unset = UNSET
    allow_context_updates: bool | Unset = UNSET
    metadata: Object | Unset = UNSET
    dashboard_client: ServiceDashboardClient | Unset = UNSET
    plan_updateable: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.plan import Plan # noqa: PLC0415
        from ..models.service_dashboard_client import ServiceDashboardClient # noqa: PLC0415
        id = self.id

        name = self.name

        description = self.description

        bindable = self.bindable

        plans = []
        for plans_item_data in self.plans:
            plans_item = plans_item_data.to_dict()
            plans.append(plans_item)



        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags



        requires: list[str] | Unset = UNSET
        if not isinstance(self.requires, Unset):
            requires = []
            for requires_item_data in self.requires:
                requires_item = requires_item_data.value
                requires.append(requires_item)



        instances_retrievable = self.instances_retrievable

        bindings_retrievable = self.bindings_retrievable

        allow_context_updates = self.allow_context_updates

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        dashboard_client: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dashboard_client, Unset):
            dashboard_client = self.dashboard_client.to_dict()

        plan_updateable = self.plan_updateable


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "description": description,
            "bindable": bindable,
            "plans": plans,
        })
        if tags is not UNSET:
            field_dict["tags"] = tags
        if requires is not UNSET:
            field_dict["requires"] = requires
        if instances_retrievable is not UNSET:
            field_dict["instances_retrievable"] = instances_retrievable
        if bindings_retrievable is not UNSET:
            field_dict["bindings_retrievable"] = bindings_retrievable
        if allow_context_updates is not UNSET:
            field_dict["allow_context_updates"] = allow_context_updates
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if dashboard_client is not UNSET:
            field_dict["dashboard_client"] = dashboard_client
        if plan_updateable is not UNSET:
            field_dict["plan_updateable"] = plan_updateable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.plan import Plan # noqa: PLC0415
        from ..models.service_dashboard_client import ServiceDashboardClient # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        description = d.pop("description")

        bindable = d.pop("bindable")

        plans = []
        _plans = d.pop("plans")
        for plans_item_data in (_plans):
            plans_item = Plan.from_dict(plans_item_data)



            plans.append(plans_item)


        tags = cast(list[str], d.pop("tags", UNSET))


        _requires = d.pop("requires", UNSET)
        requires: list[ServiceRequiresItem] | Unset = UNSET
        if _requires is not UNSET:
            requires = []
            for requires_item_data in _requires:
                requires_item = ServiceRequiresItem(requires_item_data)



                requires.append(requires_item)


        instances_retrievable = d.pop("instances_retrievable", UNSET)

        bindings_retrievable = d.pop("bindings_retrievable", UNSET)

        allow_context_updates = d.pop("allow_context_updates", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: Object | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = Object.from_dict(_metadata)




        _dashboard_client = d.pop("dashboard_client", UNSET)
        dashboard_client: ServiceDashboardClient | Unset
        if isinstance(_dashboard_client,  Unset):
            dashboard_client = UNSET
        else:
            dashboard_client = ServiceDashboardClient.from_dict(_dashboard_client)




        plan_updateable = d.pop("plan_updateable", UNSET)

        service = cls(
            id=id,
            name=name,
            description=description,
            bindable=bindable,
            plans=plans,
            tags=tags,
            requires=requires,
            instances_retrievable=instances_retrievable,
            bindings_retrievable=bindings_retrievable,
            allow_context_updates=allow_context_updates,
            metadata=metadata,
            dashboard_client=dashboard_client,
            plan_updateable=plan_updateable,
        )


        service.additional_properties = d
        return service

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
