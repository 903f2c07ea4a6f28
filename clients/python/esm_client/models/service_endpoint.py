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
            protocol (str | Unset): A URI scheme (http, ws, tcp, or a name the consumer knows such as angular); it begins
                the `uri`
            path (str | Unset): URI path (and query) characters only; the `uri` puts a '/' before one that lacks it
     """

    service: str
    port: int
    protocol: str | Unset = UNSET
    path: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        service = self.service

        port = self.port

        protocol = self.protocol

        path = self.path


        field_dict: dict[str, Any] = {}

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

        return service_endpoint

