from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="OrphansInstancesWithoutObjectsItem")



@_attrs_define
class OrphansInstancesWithoutObjectsItem:
    """ 
        Attributes:
            id (str | Unset):
            service_id (str | Unset):
            plan_id (str | Unset):
            backend (str | Unset):
     """

    id: str | Unset = UNSET
    service_id: str | Unset = UNSET
    plan_id: str | Unset = UNSET
    backend: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        service_id = self.service_id

        plan_id = self.plan_id

        backend = self.backend


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if backend is not UNSET:
            field_dict["backend"] = backend

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        service_id = d.pop("service_id", UNSET)

        plan_id = d.pop("plan_id", UNSET)

        backend = d.pop("backend", UNSET)

        orphans_instances_without_objects_item = cls(
            id=id,
            service_id=service_id,
            plan_id=plan_id,
            backend=backend,
        )


        orphans_instances_without_objects_item.additional_properties = d
        return orphans_instances_without_objects_item

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
