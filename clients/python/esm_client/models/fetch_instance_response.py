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
  from ..models.metadata import Metadata
  from ..models.object_ import Object





T = TypeVar("T", bound="FetchInstanceResponse")



@_attrs_define
class FetchInstanceResponse:
    """ 
        Attributes:
            service_id (str | Unset):
            plan_id (str | Unset):
            dashboard_url (str | Unset):
            parameters (Object | Unset):
            maintenance_info (MaintenanceInfoRequest | Unset):
            metadata (Metadata | Unset):
     """

    service_id: str | Unset = UNSET
    plan_id: str | Unset = UNSET
    dashboard_url: str | Unset = UNSET
    parameters: Object | Unset = UNSET
    maintenance_info: MaintenanceInfoRequest | Unset = UNSET
    metadata: Metadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.metadata import Metadata # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        dashboard_url = self.dashboard_url

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        maintenance_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.maintenance_info, Unset):
            maintenance_info = self.maintenance_info.to_dict()

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if dashboard_url is not UNSET:
            field_dict["dashboard_url"] = dashboard_url
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if maintenance_info is not UNSET:
            field_dict["maintenance_info"] = maintenance_info
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.maintenance_info_request import MaintenanceInfoRequest # noqa: PLC0415
        from ..models.metadata import Metadata # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id", UNSET)

        plan_id = d.pop("plan_id", UNSET)

        dashboard_url = d.pop("dashboard_url", UNSET)

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




        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)




        fetch_instance_response = cls(
            service_id=service_id,
            plan_id=plan_id,
            dashboard_url=dashboard_url,
            parameters=parameters,
            maintenance_info=maintenance_info,
            metadata=metadata,
        )


        fetch_instance_response.additional_properties = d
        return fetch_instance_response

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
