from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.maintenance_info import MaintenanceInfo
  from ..models.object_ import Object
  from ..models.plan_schemas import PlanSchemas





T = TypeVar("T", bound="Plan")



@_attrs_define
class Plan:
    """ 
        Attributes:
            id (str): RFC 3986 unreserved characters only; not "." or "..".
            name (str):
            description (str):
            metadata (Object | Unset):
            free (bool | Unset):
            bindable (bool | Unset):
            plan_updateable (bool | Unset):
            binding_rotatable (bool | Unset):
            maximum_polling_duration (int | Unset): seconds; at most a year
            maintenance_info (MaintenanceInfo | Unset):
            schemas (PlanSchemas | Unset):
     """

    id: str
    name: str
    description: str
    metadata: Object | Unset = UNSET
    free: bool | Unset = UNSET
    bindable: bool | Unset = UNSET
    plan_updateable: bool | Unset = UNSET
    binding_rotatable: bool | Unset = UNSET
    maximum_polling_duration: int | Unset = UNSET
    maintenance_info: MaintenanceInfo | Unset = UNSET
    schemas: PlanSchemas | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.maintenance_info import MaintenanceInfo # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.plan_schemas import PlanSchemas # noqa: PLC0415
        id = self.id

        name = self.name

        description = self.description

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        free = self.free

        bindable = self.bindable

        plan_updateable = self.plan_updateable

        binding_rotatable = self.binding_rotatable

        maximum_polling_duration = self.maximum_polling_duration

        maintenance_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.maintenance_info, Unset):
            maintenance_info = self.maintenance_info.to_dict()

        schemas: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schemas, Unset):
            schemas = self.schemas.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "description": description,
        })
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if free is not UNSET:
            field_dict["free"] = free
        if bindable is not UNSET:
            field_dict["bindable"] = bindable
        if plan_updateable is not UNSET:
            field_dict["plan_updateable"] = plan_updateable
        if binding_rotatable is not UNSET:
            field_dict["binding_rotatable"] = binding_rotatable
        if maximum_polling_duration is not UNSET:
            field_dict["maximum_polling_duration"] = maximum_polling_duration
        if maintenance_info is not UNSET:
            field_dict["maintenance_info"] = maintenance_info
        if schemas is not UNSET:
            field_dict["schemas"] = schemas

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.maintenance_info import MaintenanceInfo # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.plan_schemas import PlanSchemas # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        description = d.pop("description")

        _metadata = d.pop("metadata", UNSET)
        metadata: Object | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = Object.from_dict(_metadata)




        free = d.pop("free", UNSET)

        bindable = d.pop("bindable", UNSET)

        plan_updateable = d.pop("plan_updateable", UNSET)

        binding_rotatable = d.pop("binding_rotatable", UNSET)

        maximum_polling_duration = d.pop("maximum_polling_duration", UNSET)

        _maintenance_info = d.pop("maintenance_info", UNSET)
        maintenance_info: MaintenanceInfo | Unset
        if isinstance(_maintenance_info,  Unset):
            maintenance_info = UNSET
        else:
            maintenance_info = MaintenanceInfo.from_dict(_maintenance_info)




        _schemas = d.pop("schemas", UNSET)
        schemas: PlanSchemas | Unset
        if isinstance(_schemas,  Unset):
            schemas = UNSET
        else:
            schemas = PlanSchemas.from_dict(_schemas)




        plan = cls(
            id=id,
            name=name,
            description=description,
            metadata=metadata,
            free=free,
            bindable=bindable,
            plan_updateable=plan_updateable,
            binding_rotatable=binding_rotatable,
            maximum_polling_duration=maximum_polling_duration,
            maintenance_info=maintenance_info,
            schemas=schemas,
        )


        plan.additional_properties = d
        return plan

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
