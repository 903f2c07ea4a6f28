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





T = TypeVar("T", bound="Metadata")



@_attrs_define
class Metadata:
    """ 
        Attributes:
            labels (Object | Unset):
            attributes (Object | Unset):
     """

    labels: Object | Unset = UNSET
    attributes: Object | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.object_ import Object # noqa: PLC0415
        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if labels is not UNSET:
            field_dict["labels"] = labels
        if attributes is not UNSET:
            field_dict["attributes"] = attributes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        _labels = d.pop("labels", UNSET)
        labels: Object | Unset
        if isinstance(_labels,  Unset):
            labels = UNSET
        else:
            labels = Object.from_dict(_labels)




        _attributes = d.pop("attributes", UNSET)
        attributes: Object | Unset
        if isinstance(_attributes,  Unset):
            attributes = UNSET
        else:
            attributes = Object.from_dict(_attributes)




        metadata = cls(
            labels=labels,
            attributes=attributes,
        )


        metadata.additional_properties = d
        return metadata

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
