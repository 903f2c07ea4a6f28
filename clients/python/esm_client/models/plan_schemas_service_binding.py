from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.parameters_schema import ParametersSchema





T = TypeVar("T", bound="PlanSchemasServiceBinding")



@_attrs_define
class PlanSchemasServiceBinding:
    """ 
        Attributes:
            create (ParametersSchema | Unset):
     """

    create: ParametersSchema | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.parameters_schema import ParametersSchema # noqa: PLC0415
        create: dict[str, Any] | Unset = UNSET
        if not isinstance(self.create, Unset):
            create = self.create.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if create is not UNSET:
            field_dict["create"] = create

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.parameters_schema import ParametersSchema # noqa: PLC0415
        d = dict(src_dict)
        _create = d.pop("create", UNSET)
        create: ParametersSchema | Unset
        if isinstance(_create,  Unset):
            create = UNSET
        else:
            create = ParametersSchema.from_dict(_create)




        plan_schemas_service_binding = cls(
            create=create,
        )


        plan_schemas_service_binding.additional_properties = d
        return plan_schemas_service_binding

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
