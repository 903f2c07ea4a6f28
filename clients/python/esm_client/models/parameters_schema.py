from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.parameters_schema_parameters import ParametersSchemaParameters





T = TypeVar("T", bound="ParametersSchema")



@_attrs_define
class ParametersSchema:
    """ 
        Attributes:
            parameters (ParametersSchemaParameters | Unset): A JSON Schema with `$schema`, only local `$ref`s, at most 64
                kB.
     """

    parameters: ParametersSchemaParameters | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.parameters_schema_parameters import ParametersSchemaParameters # noqa: PLC0415
        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.parameters_schema_parameters import ParametersSchemaParameters # noqa: PLC0415
        d = dict(src_dict)
        _parameters = d.pop("parameters", UNSET)
        parameters: ParametersSchemaParameters | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = ParametersSchemaParameters.from_dict(_parameters)




        parameters_schema = cls(
            parameters=parameters,
        )


        parameters_schema.additional_properties = d
        return parameters_schema

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
