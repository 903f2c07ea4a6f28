from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BackendObject")



@_attrs_define
class BackendObject:
    """ 
        Attributes:
            kind (str): container, service, network, volume
            id (str):
            backend (str):
            name (str | Unset):
            instance_id (None | str | Unset):
            workload (bool | Unset): true for containers and services
     """

    kind: str
    id: str
    backend: str
    name: str | Unset = UNSET
    instance_id: None | str | Unset = UNSET
    workload: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        id = self.id

        backend = self.backend

        name = self.name

        instance_id: None | str | Unset
        if isinstance(self.instance_id, Unset):
            instance_id = UNSET
        else:
            instance_id = self.instance_id

        workload = self.workload


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "id": id,
            "backend": backend,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if instance_id is not UNSET:
            field_dict["instance_id"] = instance_id
        if workload is not UNSET:
            field_dict["workload"] = workload

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        id = d.pop("id")

        backend = d.pop("backend")

        name = d.pop("name", UNSET)

        def _parse_instance_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        instance_id = _parse_instance_id(d.pop("instance_id", UNSET))


        workload = d.pop("workload", UNSET)

        backend_object = cls(
            kind=kind,
            id=id,
            backend=backend,
            name=name,
            instance_id=instance_id,
            workload=workload,
        )


        backend_object.additional_properties = d
        return backend_object

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
