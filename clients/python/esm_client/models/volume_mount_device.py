from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.object_ import Object





T = TypeVar("T", bound="VolumeMountDevice")



@_attrs_define
class VolumeMountDevice:
    """ 
        Attributes:
            volume_id (str):
            mount_config (Object | Unset):
     """

    volume_id: str
    mount_config: Object | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.object_ import Object # noqa: PLC0415
        volume_id = self.volume_id

        mount_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mount_config, Unset):
            mount_config = self.mount_config.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "volume_id": volume_id,
        })
        if mount_config is not UNSET:
            field_dict["mount_config"] = mount_config

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        volume_id = d.pop("volume_id")

        _mount_config = d.pop("mount_config", UNSET)
        mount_config: Object | Unset
        if isinstance(_mount_config,  Unset):
            mount_config = UNSET
        else:
            mount_config = Object.from_dict(_mount_config)




        volume_mount_device = cls(
            volume_id=volume_id,
            mount_config=mount_config,
        )


        volume_mount_device.additional_properties = d
        return volume_mount_device

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
