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





T = TypeVar("T", bound="UpdateRequestPreviousValues")



@_attrs_define
class UpdateRequestPreviousValues:
    """ 
        Attributes:
            service_id (str | Unset):
            plan_id (str | Unset):
            organization_id (str | Unset):
            space_id (str | Unset):
            maintenance_info (MaintenanceInfoRequest | Unset):
     """

    service_id: str | Unset = UNSET
    plan_id: str | Unset = UNSET
    organization_id: str | Unset = UNSET
    space_id: str | Unset = UNSET
    maintenance_info: MaintenanceInfoRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        organization_id = self.organization_id

        space_id = self.space_id

        maintenance_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.maintenance_info, Unset):
            maintenance_info = self.maintenance_info.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if space_id is not UNSET:
            field_dict["space_id"] = space_id
        if maintenance_info is not UNSET:
            field_dict["maintenance_info"] = maintenance_info

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id", UNSET)

        plan_id = d.pop("plan_id", UNSET)

        organization_id = d.pop("organization_id", UNSET)

        space_id = d.pop("space_id", UNSET)

        _maintenance_info = d.pop("maintenance_info", UNSET)
        maintenance_info: MaintenanceInfoRequest | Unset
        if isinstance(_maintenance_info,  Unset):
            maintenance_info = UNSET
        else:
            maintenance_info = MaintenanceInfoRequest.from_dict(_maintenance_info)




        update_request_previous_values = cls(
            service_id=service_id,
            plan_id=plan_id,
            organization_id=organization_id,
            space_id=space_id,
            maintenance_info=maintenance_info,
        )


        update_request_previous_values.additional_properties = d
        return update_request_previous_values

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
