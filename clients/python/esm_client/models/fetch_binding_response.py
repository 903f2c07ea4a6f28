from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.binding_metadata import BindingMetadata
  from ..models.endpoint import Endpoint
  from ..models.object_ import Object
  from ..models.volume_mount import VolumeMount





T = TypeVar("T", bound="FetchBindingResponse")



@_attrs_define
class FetchBindingResponse:
    """ 
        Attributes:
            credentials (Object | Unset):
            syslog_drain_url (str | Unset):
            route_service_url (str | Unset):
            volume_mounts (list[VolumeMount] | Unset):
            endpoints (list[Endpoint] | Unset):
            metadata (BindingMetadata | Unset):
            parameters (Object | Unset):
     """

    credentials: Object | Unset = UNSET
    syslog_drain_url: str | Unset = UNSET
    route_service_url: str | Unset = UNSET
    volume_mounts: list[VolumeMount] | Unset = UNSET
    endpoints: list[Endpoint] | Unset = UNSET
    metadata: BindingMetadata | Unset = UNSET
    parameters: Object | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.binding_metadata import BindingMetadata # noqa: PLC0415
        from ..models.endpoint import Endpoint # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.volume_mount import VolumeMount # noqa: PLC0415
        credentials: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credentials, Unset):
            credentials = self.credentials.to_dict()

        syslog_drain_url = self.syslog_drain_url

        route_service_url = self.route_service_url

        volume_mounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.volume_mounts, Unset):
            volume_mounts = []
            for volume_mounts_item_data in self.volume_mounts:
                volume_mounts_item = volume_mounts_item_data.to_dict()
                volume_mounts.append(volume_mounts_item)



        endpoints: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.endpoints, Unset):
            endpoints = []
            for endpoints_item_data in self.endpoints:
                endpoints_item = endpoints_item_data.to_dict()
                endpoints.append(endpoints_item)



        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if syslog_drain_url is not UNSET:
            field_dict["syslog_drain_url"] = syslog_drain_url
        if route_service_url is not UNSET:
            field_dict["route_service_url"] = route_service_url
        if volume_mounts is not UNSET:
            field_dict["volume_mounts"] = volume_mounts
        if endpoints is not UNSET:
            field_dict["endpoints"] = endpoints
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binding_metadata import BindingMetadata # noqa: PLC0415
        from ..models.endpoint import Endpoint # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        from ..models.volume_mount import VolumeMount # noqa: PLC0415
        d = dict(src_dict)
        _credentials = d.pop("credentials", UNSET)
        credentials: Object | Unset
        if isinstance(_credentials,  Unset):
            credentials = UNSET
        else:
            credentials = Object.from_dict(_credentials)




        syslog_drain_url = d.pop("syslog_drain_url", UNSET)

        route_service_url = d.pop("route_service_url", UNSET)

        _volume_mounts = d.pop("volume_mounts", UNSET)
        volume_mounts: list[VolumeMount] | Unset = UNSET
        if _volume_mounts is not UNSET:
            volume_mounts = []
            for volume_mounts_item_data in _volume_mounts:
                volume_mounts_item = VolumeMount.from_dict(volume_mounts_item_data)



                volume_mounts.append(volume_mounts_item)


        _endpoints = d.pop("endpoints", UNSET)
        endpoints: list[Endpoint] | Unset = UNSET
        if _endpoints is not UNSET:
            endpoints = []
            for endpoints_item_data in _endpoints:
                endpoints_item = Endpoint.from_dict(endpoints_item_data)



                endpoints.append(endpoints_item)


        _metadata = d.pop("metadata", UNSET)
        metadata: BindingMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = BindingMetadata.from_dict(_metadata)




        _parameters = d.pop("parameters", UNSET)
        parameters: Object | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = Object.from_dict(_parameters)




        fetch_binding_response = cls(
            credentials=credentials,
            syslog_drain_url=syslog_drain_url,
            route_service_url=route_service_url,
            volume_mounts=volume_mounts,
            endpoints=endpoints,
            metadata=metadata,
            parameters=parameters,
        )


        fetch_binding_response.additional_properties = d
        return fetch_binding_response

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
