from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ServiceEndpoint")



@_attrs_define
class ServiceEndpoint:
    """ 
        Attributes:
            service (str): The manifest's service (container) that serves this endpoint
            port (int):
            protocol (str | Unset):  Default: 'tcp'.
            path (str | Unset):
     """

    service: str
    port: int
    protocol: str | Unset = 'tcp'
    path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        service = self.service

        port = self.port

        protocol = self.protocol

        path = self.path


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "service": service,
            "port": port,
        })
        if protocol is not UNSET:
            field_dict["protocol"] = protocol
        if path is not UNSET:
            field_dict["path"] = path

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        service = d.pop("service")

        port = d.pop("port")

        protocol = d.pop("protocol", UNSET)

        path = d.pop("path", UNSET)

        service_endpoint = cls(
            service=service,
            port=port,
            protocol=protocol,
            path=path,
        )


        service_endpoint.additional_properties = d
        return service_endpoint

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
