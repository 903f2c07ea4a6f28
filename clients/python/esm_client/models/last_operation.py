from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.last_operation_state import LastOperationState
from ..types import UNSET, Unset






T = TypeVar("T", bound="LastOperation")



@_attrs_define
class LastOperation:
    """ 
        Attributes:
            state (LastOperationState):
            description (str | Unset):
            instance_usable (bool | Unset):
            update_repeatable (bool | Unset):
     """

    state: LastOperationState
    description: str | Unset = UNSET
    instance_usable: bool | Unset = UNSET
    update_repeatable: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        description = self.description

        instance_usable = self.instance_usable

        update_repeatable = self.update_repeatable


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "state": state,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if instance_usable is not UNSET:
            field_dict["instance_usable"] = instance_usable
        if update_repeatable is not UNSET:
            field_dict["update_repeatable"] = update_repeatable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = LastOperationState(d.pop("state"))




        description = d.pop("description", UNSET)

        instance_usable = d.pop("instance_usable", UNSET)

        update_repeatable = d.pop("update_repeatable", UNSET)

        last_operation = cls(
            state=state,
            description=description,
            instance_usable=instance_usable,
            update_repeatable=update_repeatable,
        )


        last_operation.additional_properties = d
        return last_operation

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
