from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.service_endpoint import ServiceEndpoint





T = TypeVar("T", bound="ManifestEndpoints")



@_attrs_define
class ManifestEndpoints:
    """ Endpoint name (today's form) or compose service (ElasTest's form) -> its endpoints;
    stored and returned unchanged. The Docker backend builds bind credentials and the
    instance view's `endpoints` from them.

     """

    additional_properties: dict[str, Any | ServiceEndpoint] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.service_endpoint import ServiceEndpoint # noqa: PLC0415
        
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            
            if isinstance(prop, ServiceEndpoint):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop


        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.service_endpoint import ServiceEndpoint # noqa: PLC0415
        d = dict(src_dict)
        manifest_endpoints = cls(
        )


        additional_properties = {}
        for prop_name, prop_dict in d.items():
            def _parse_additional_property(data: object) -> Any | ServiceEndpoint:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_manifest_endpoint_type_0 = ServiceEndpoint.from_dict(data)



                    return componentsschemas_manifest_endpoint_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(Any | ServiceEndpoint, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        manifest_endpoints.additional_properties = additional_properties
        return manifest_endpoints

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any | ServiceEndpoint:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any | ServiceEndpoint) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
