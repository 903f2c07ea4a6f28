from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.plan_schemas_service_binding import PlanSchemasServiceBinding
  from ..models.plan_schemas_service_instance import PlanSchemasServiceInstance





T = TypeVar("T", bound="PlanSchemas")



@_attrs_define
class PlanSchemas:
    """ 
        Attributes:
            service_instance (PlanSchemasServiceInstance | Unset):
            service_binding (PlanSchemasServiceBinding | Unset):
     """

    service_instance: PlanSchemasServiceInstance | Unset = UNSET
    service_binding: PlanSchemasServiceBinding | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.plan_schemas_service_binding import PlanSchemasServiceBinding # noqa: PLC0415
        from ..models.plan_schemas_service_instance import PlanSchemasServiceInstance # noqa: PLC0415
        service_instance: dict[str, Any] | Unset = UNSET
        if not isinstance(self.service_instance, Unset):
            service_instance = self.service_instance.to_dict()

        service_binding: dict[str, Any] | Unset = UNSET
        if not isinstance(self.service_binding, Unset):
            service_binding = self.service_binding.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if service_instance is not UNSET:
            field_dict["service_instance"] = service_instance
        if service_binding is not UNSET:
            field_dict["service_binding"] = service_binding

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_schemas_service_binding import PlanSchemasServiceBinding # noqa: PLC0415
        from ..models.plan_schemas_service_instance import PlanSchemasServiceInstance # noqa: PLC0415
        d = dict(src_dict)
        _service_instance = d.pop("service_instance", UNSET)
        service_instance: PlanSchemasServiceInstance | Unset
        if isinstance(_service_instance,  Unset):
            service_instance = UNSET
        else:
            service_instance = PlanSchemasServiceInstance.from_dict(_service_instance)




        _service_binding = d.pop("service_binding", UNSET)
        service_binding: PlanSchemasServiceBinding | Unset
        if isinstance(_service_binding,  Unset):
            service_binding = UNSET
        else:
            service_binding = PlanSchemasServiceBinding.from_dict(_service_binding)




        plan_schemas = cls(
            service_instance=service_instance,
            service_binding=service_binding,
        )


        plan_schemas.additional_properties = d
        return plan_schemas

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
