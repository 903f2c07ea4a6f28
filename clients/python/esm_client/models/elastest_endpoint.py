from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.elastest_endpoint_definition import ElastestEndpointDefinition





T = TypeVar("T", bound="ElastestEndpoint")



@_attrs_define
class ElastestEndpoint:
    """ 
        Attributes:
            protocol (str): A URI scheme (http, ws, tcp, or a name the consumer knows such as angular); it begins the `uri`
            name (str | Unset):
            port (int | Unset): The container port; absent for endpoints served elsewhere (a GUI path)
            path (str | Unset): URI path (and query) characters only; the `uri` puts a '/' before one that lacks it
            definition (ElastestEndpointDefinition | Unset):
     """

    protocol: str
    name: str | Unset = UNSET
    port: int | Unset = UNSET
    path: str | Unset = UNSET
    definition: ElastestEndpointDefinition | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.elastest_endpoint_definition import ElastestEndpointDefinition # noqa: PLC0415
        protocol = self.protocol

        name = self.name

        port = self.port

        path = self.path

        definition: dict[str, Any] | Unset = UNSET
        if not isinstance(self.definition, Unset):
            definition = self.definition.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "protocol": protocol,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if port is not UNSET:
            field_dict["port"] = port
        if path is not UNSET:
            field_dict["path"] = path
        if definition is not UNSET:
            field_dict["definition"] = definition

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.elastest_endpoint_definition import ElastestEndpointDefinition # noqa: PLC0415
        d = dict(src_dict)
        protocol = d.pop("protocol")

        name = d.pop("name", UNSET)

        port = d.pop("port", UNSET)

        path = d.pop("path", UNSET)

        _definition = d.pop("definition", UNSET)
        definition: ElastestEndpointDefinition | Unset
        if isinstance(_definition,  Unset):
            definition = UNSET
        else:
            definition = ElastestEndpointDefinition.from_dict(_definition)




        elastest_endpoint = cls(
            protocol=protocol,
            name=name,
            port=port,
            path=path,
            definition=definition,
        )


        elastest_endpoint.additional_properties = d
        return elastest_endpoint

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
