from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.maintenance_info_request import MaintenanceInfoRequest
  from ..models.object_ import Object
  from ..models.update_request_previous_values import UpdateRequestPreviousValues





T = TypeVar("T", bound="UpdateRequest")



@_attrs_define
class UpdateRequest:
    """ 
        Attributes:
            service_id (str):
            plan_id (str | Unset):
            context (Object | Unset):
            parameters (Object | Unset):
            maintenance_info (MaintenanceInfoRequest | Unset):
            previous_values (UpdateRequestPreviousValues | Unset):
     """

    service_id: str
    plan_id: str | Unset = UNSET
    context: Object | Unset = UNSET
    parameters: Object | Unset = UNSET
    maintenance_info: MaintenanceInfoRequest | Unset = UNSET
    previous_values: UpdateRequestPreviousValues | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.update_request_previous_values import UpdateRequestPreviousValues # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        maintenance_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.maintenance_info, Unset):
            maintenance_info = self.maintenance_info.to_dict()

        previous_values: dict[str, Any] | Unset = UNSET
        if not isinstance(self.previous_values, Unset):
            previous_values = self.previous_values.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "service_id": service_id,
        })
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if context is not UNSET:
            field_dict["context"] = context
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if maintenance_info is not UNSET:
            field_dict["maintenance_info"] = maintenance_info
        if previous_values is not UNSET:
            field_dict["previous_values"] = previous_values

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.update_request_previous_values import UpdateRequestPreviousValues # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id")

        plan_id = d.pop("plan_id", UNSET)

        _context = d.pop("context", UNSET)
        context: Object | Unset
        if isinstance(_context,  Unset):
            context = UNSET
        else:
            context = Object.from_dict(_context)




        _parameters = d.pop("parameters", UNSET)
        parameters: Object | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = Object.from_dict(_parameters)




        _maintenance_info = d.pop("maintenance_info", UNSET)
        maintenance_info: MaintenanceInfoRequest | Unset
        if isinstance(_maintenance_info,  Unset):
            maintenance_info = UNSET
        else:
            maintenance_info = MaintenanceInfoRequest.from_dict(_maintenance_info)




        _previous_values = d.pop("previous_values", UNSET)
        previous_values: UpdateRequestPreviousValues | Unset
        if isinstance(_previous_values,  Unset):
            previous_values = UNSET
        else:
            previous_values = UpdateRequestPreviousValues.from_dict(_previous_values)




        update_request = cls(
            service_id=service_id,
            plan_id=plan_id,
            context=context,
            parameters=parameters,
            maintenance_info=maintenance_info,
            previous_values=previous_values,
        )


        update_request.additional_properties = d
        return update_request

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
