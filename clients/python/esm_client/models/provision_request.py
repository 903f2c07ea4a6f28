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





T = TypeVar("T", bound="ProvisionRequest")



@_attrs_define
class ProvisionRequest:
    """ organization_guid and space_guid are deprecated in favour of context but still REQUIRED (non-empty) by every OSB
    version through 2.17. maintenance_info is read from OSB 2.15 on (dropped before validation for older versions), and
    an empty object counts as absent.

        Attributes:
            service_id (str):
            plan_id (str):
            organization_guid (str):
            space_guid (str):
            context (Object | Unset):
            parameters (Object | Unset):
            maintenance_info (MaintenanceInfoRequest | Unset):
     """

    service_id: str
    plan_id: str
    organization_guid: str
    space_guid: str
    context: Object | Unset = UNSET
    parameters: Object | Unset = UNSET
    maintenance_info: MaintenanceInfoRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        organization_guid = self.organization_guid

        space_guid = self.space_guid

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        maintenance_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.maintenance_info, Unset):
            maintenance_info = self.maintenance_info.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "service_id": service_id,
            "plan_id": plan_id,
            "organization_guid": organization_guid,
            "space_guid": space_guid,
        })
        if context is not UNSET:
            field_dict["context"] = context
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if maintenance_info is not UNSET:
            field_dict["maintenance_info"] = maintenance_info

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id")

        plan_id = d.pop("plan_id")

        organization_guid = d.pop("organization_guid")

        space_guid = d.pop("space_guid")

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




        provision_request = cls(
            service_id=service_id,
            plan_id=plan_id,
            organization_guid=organization_guid,
            space_guid=space_guid,
            context=context,
            parameters=parameters,
            maintenance_info=maintenance_info,
        )


        provision_request.additional_properties = d
        return provision_request

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
