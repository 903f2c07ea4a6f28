from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ForceDeleteResult")



@_attrs_define
class ForceDeleteResult:
    """ 
        Attributes:
            instance_id (str):
            backend (str): "removed", "nothing to remove", or why the backend could not remove its objects
            records_removed (int | Unset):
     """

    instance_id: str
    backend: str
    records_removed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        instance_id = self.instance_id

        backend = self.backend

        records_removed = self.records_removed


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "instance_id": instance_id,
            "backend": backend,
        })
        if records_removed is not UNSET:
            field_dict["records_removed"] = records_removed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instance_id = d.pop("instance_id")

        backend = d.pop("backend")

        records_removed = d.pop("records_removed", UNSET)

        force_delete_result = cls(
            instance_id=instance_id,
            backend=backend,
            records_removed=records_removed,
        )


        force_delete_result.additional_properties = d
        return force_delete_result

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
