from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.volume_mount_device_type import VolumeMountDeviceType
from ..models.volume_mount_mode import VolumeMountMode
from typing import cast

if TYPE_CHECKING:
  from ..models.volume_mount_device import VolumeMountDevice





T = TypeVar("T", bound="VolumeMount")



@_attrs_define
class VolumeMount:
    """ 
        Attributes:
            driver (str):
            container_dir (str):
            mode (VolumeMountMode):
            device_type (VolumeMountDeviceType):
            device (VolumeMountDevice):
     """

    driver: str
    container_dir: str
    mode: VolumeMountMode
    device_type: VolumeMountDeviceType
    device: VolumeMountDevice
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.volume_mount_device import VolumeMountDevice # noqa: PLC0415
        driver = self.driver

        container_dir = self.container_dir

        mode = self.mode.value

        device_type = self.device_type.value

        device = self.device.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "driver": driver,
            "container_dir": container_dir,
            "mode": mode,
            "device_type": device_type,
            "device": device,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.volume_mount_device import VolumeMountDevice # noqa: PLC0415
        d = dict(src_dict)
        driver = d.pop("driver")

        container_dir = d.pop("container_dir")

        mode = VolumeMountMode(d.pop("mode"))




        device_type = VolumeMountDeviceType(d.pop("device_type"))




        device = VolumeMountDevice.from_dict(d.pop("device"))




        volume_mount = cls(
            driver=driver,
            container_dir=container_dir,
            mode=mode,
            device_type=device_type,
            device=device,
        )


        volume_mount.additional_properties = d
        return volume_mount

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
