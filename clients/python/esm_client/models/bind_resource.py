from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="BindResource")



@_attrs_define
class BindResource:
    """ 
        Attributes:
            app_guid (str | Unset):
            route (str | Unset):
     """

    app_guid: str | Unset = UNSET
    route: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        app_guid = self.app_guid

        route = self.route


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if app_guid is not UNSET:
            field_dict["app_guid"] = app_guid
        if route is not UNSET:
            field_dict["route"] = route

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_guid = d.pop("app_guid", UNSET)

        route = d.pop("route", UNSET)

        bind_resource = cls(
            app_guid=app_guid,
            route=route,
        )


        bind_resource.additional_properties = d
        return bind_resource

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
