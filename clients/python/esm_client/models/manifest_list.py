from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.manifest import Manifest





T = TypeVar("T", bound="ManifestList")



@_attrs_define
class ManifestList:
    """ 
        Attributes:
            manifests (list[Manifest]):
     """

    manifests: list[Manifest]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.manifest import Manifest # noqa: PLC0415
        manifests = []
        for manifests_item_data in self.manifests:
            manifests_item = manifests_item_data.to_dict()
            manifests.append(manifests_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "manifests": manifests,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.manifest import Manifest # noqa: PLC0415
        d = dict(src_dict)
        manifests = []
        _manifests = d.pop("manifests")
        for manifests_item_data in (_manifests):
            manifests_item = Manifest.from_dict(manifests_item_data)



            manifests.append(manifests_item)


        manifest_list = cls(
            manifests=manifests,
        )


        manifest_list.additional_properties = d
        return manifest_list

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
