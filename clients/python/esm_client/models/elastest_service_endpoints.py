from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.elastest_endpoint import ElastestEndpoint





T = TypeVar("T", bound="ElastestServiceEndpoints")



@_attrs_define
class ElastestServiceEndpoints:
    """ ElasTest's form, keyed by the compose service that serves the endpoints

        Attributes:
            description (str | Unset):
            main (bool | Unset): The service's main endpoints (ElasTest's orchestrator reads it)
            api (ElastestEndpoint | list[ElastestEndpoint] | Unset):
            gui (ElastestEndpoint | list[ElastestEndpoint] | Unset):
     """

    description: str | Unset = UNSET
    main: bool | Unset = UNSET
    api: ElastestEndpoint | list[ElastestEndpoint] | Unset = UNSET
    gui: ElastestEndpoint | list[ElastestEndpoint] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.elastest_endpoint import ElastestEndpoint # noqa: PLC0415
        description = self.description

        main = self.main

        api: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.api, Unset):
            api = UNSET
        elif isinstance(self.api, ElastestEndpoint):
            api = self.api.to_dict()
        else:
            api = []
            for componentsschemas_elastest_endpoints_type_1_item_data in self.api:
                componentsschemas_elastest_endpoints_type_1_item = componentsschemas_elastest_endpoints_type_1_item_data.to_dict()
                api.append(componentsschemas_elastest_endpoints_type_1_item)




        gui: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.gui, Unset):
            gui = UNSET
        elif isinstance(self.gui, ElastestEndpoint):
            gui = self.gui.to_dict()
        else:
            gui = []
            for componentsschemas_elastest_endpoints_type_1_item_data in self.gui:
                componentsschemas_elastest_endpoints_type_1_item = componentsschemas_elastest_endpoints_type_1_item_data.to_dict()
                gui.append(componentsschemas_elastest_endpoints_type_1_item)





        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if description is not UNSET:
            field_dict["description"] = description
        if main is not UNSET:
            field_dict["main"] = main
        if api is not UNSET:
            field_dict["api"] = api
        if gui is not UNSET:
            field_dict["gui"] = gui

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.elastest_endpoint import ElastestEndpoint # noqa: PLC0415
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        main = d.pop("main", UNSET)

        def _parse_api(data: object) -> ElastestEndpoint | list[ElastestEndpoint] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_elastest_endpoints_type_0 = ElastestEndpoint.from_dict(data)



                return componentsschemas_elastest_endpoints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_elastest_endpoints_type_1 = []
            _componentsschemas_elastest_endpoints_type_1 = data
            for componentsschemas_elastest_endpoints_type_1_item_data in (_componentsschemas_elastest_endpoints_type_1):
                componentsschemas_elastest_endpoints_type_1_item = ElastestEndpoint.from_dict(componentsschemas_elastest_endpoints_type_1_item_data)



                componentsschemas_elastest_endpoints_type_1.append(componentsschemas_elastest_endpoints_type_1_item)

            return componentsschemas_elastest_endpoints_type_1

        api = _parse_api(d.pop("api", UNSET))


        def _parse_gui(data: object) -> ElastestEndpoint | list[ElastestEndpoint] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_elastest_endpoints_type_0 = ElastestEndpoint.from_dict(data)



                return componentsschemas_elastest_endpoints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_elastest_endpoints_type_1 = []
            _componentsschemas_elastest_endpoints_type_1 = data
            for componentsschemas_elastest_endpoints_type_1_item_data in (_componentsschemas_elastest_endpoints_type_1):
                componentsschemas_elastest_endpoints_type_1_item = ElastestEndpoint.from_dict(componentsschemas_elastest_endpoints_type_1_item_data)



                componentsschemas_elastest_endpoints_type_1.append(componentsschemas_elastest_endpoints_type_1_item)

            return componentsschemas_elastest_endpoints_type_1

        gui = _parse_gui(d.pop("gui", UNSET))


        elastest_service_endpoints = cls(
            description=description,
            main=main,
            api=api,
            gui=gui,
        )


        elastest_service_endpoints.additional_properties = d
        return elastest_service_endpoints

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
