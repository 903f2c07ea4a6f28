from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.backend_object import BackendObject
  from ..models.orphans_instances_without_objects_item import OrphansInstancesWithoutObjectsItem
  from ..models.orphans_unavailable import OrphansUnavailable





T = TypeVar("T", bound="Orphans")



@_attrs_define
class Orphans:
    """ 
        Attributes:
            broker_id (str): This broker's id (ESM_BROKER_ID, or the one generated and kept in its store). Only engine
                objects labelled io.elastest.esm.broker_id=<this id> are listed or removed; another broker's objects on the same
                engine are never touched. Example: 3f9a0c21.
            backend_objects (list[BackendObject]): This broker's objects labelled with an instance id its store does not
                know (or knows deleted)
            instances_without_objects (list[OrphansInstancesWithoutObjectsItem]): Ready instances whose backend holds none
                of their objects
            unavailable (OrphansUnavailable): Backends that could not be asked, with the reason
     """

    broker_id: str
    backend_objects: list[BackendObject]
    instances_without_objects: list[OrphansInstancesWithoutObjectsItem]
    unavailable: OrphansUnavailable
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.backend_object import BackendObject # noqa: PLC0415
        from ..models.orphans_instances_without_objects_item import OrphansInstancesWithoutObjectsItem # noqa: PLC0415
        from ..models.orphans_unavailable import OrphansUnavailable # noqa: PLC0415
        broker_id = self.broker_id

        backend_objects = []
        for backend_objects_item_data in self.backend_objects:
            backend_objects_item = backend_objects_item_data.to_dict()
            backend_objects.append(backend_objects_item)



        instances_without_objects = []
        for instances_without_objects_item_data in self.instances_without_objects:
            instances_without_objects_item = instances_without_objects_item_data.to_dict()
            instances_without_objects.append(instances_without_objects_item)



        unavailable = self.unavailable.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "broker_id": broker_id,
            "backend_objects": backend_objects,
            "instances_without_objects": instances_without_objects,
            "unavailable": unavailable,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backend_object import BackendObject # noqa: PLC0415
        from ..models.orphans_instances_without_objects_item import OrphansInstancesWithoutObjectsItem # noqa: PLC0415
        from ..models.orphans_unavailable import OrphansUnavailable # noqa: PLC0415
        d = dict(src_dict)
        broker_id = d.pop("broker_id")

        backend_objects = []
        _backend_objects = d.pop("backend_objects")
        for backend_objects_item_data in (_backend_objects):
            backend_objects_item = BackendObject.from_dict(backend_objects_item_data)



            backend_objects.append(backend_objects_item)


        instances_without_objects = []
        _instances_without_objects = d.pop("instances_without_objects")
        for instances_without_objects_item_data in (_instances_without_objects):
            instances_without_objects_item = OrphansInstancesWithoutObjectsItem.from_dict(instances_without_objects_item_data)



            instances_without_objects.append(instances_without_objects_item)


        unavailable = OrphansUnavailable.from_dict(d.pop("unavailable"))




        orphans = cls(
            broker_id=broker_id,
            backend_objects=backend_objects,
            instances_without_objects=instances_without_objects,
            unavailable=unavailable,
        )


        orphans.additional_properties = d
        return orphans

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
