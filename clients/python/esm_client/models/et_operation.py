from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.et_operation_kind import EtOperationKind
from ..models.et_operation_state import EtOperationState
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.et_operation_originating_identity_type_0 import EtOperationOriginatingIdentityType0





T = TypeVar("T", bound="EtOperation")



@_attrs_define
class EtOperation:
    """ 
        Attributes:
            id (str):
            kind (EtOperationKind):
            state (EtOperationState):
            description (str | Unset):
            binding_id (None | str | Unset):
            service_id (None | str | Unset):
            plan_id (None | str | Unset):
            started_at (str | Unset):
            finished_at (None | str | Unset):
            deadline (None | str | Unset):
            originating_identity (EtOperationOriginatingIdentityType0 | None | Unset):
            request_identity (None | str | Unset):
            instance_usable (bool | None | Unset): A failed update: false when it could not leave the instance as it was
                (the
                instance is then `failed`: deprovision it); null otherwise.
            attempts (int | Unset): How many times a worker took the operation over from one that stopped answering
     """

    id: str
    kind: EtOperationKind
    state: EtOperationState
    description: str | Unset = UNSET
    binding_id: None | str | Unset = UNSET
    service_id: None | str | Unset = UNSET
    plan_id: None | str | Unset = UNSET
    started_at: str | Unset = UNSET
    finished_at: None | str | Unset = UNSET
    deadline: None | str | Unset = UNSET
    originating_identity: EtOperationOriginatingIdentityType0 | None | Unset = UNSET
    request_identity: None | str | Unset = UNSET
    instance_usable: bool | None | Unset = UNSET
    attempts: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.et_operation_originating_identity_type_0 import EtOperationOriginatingIdentityType0 # noqa: PLC0415
        id = self.id

        kind = self.kind.value

        state = self.state.value

        description = self.description

        binding_id: None | str | Unset
        if isinstance(self.binding_id, Unset):
            binding_id = UNSET
        else:
            binding_id = self.binding_id

        service_id: None | str | Unset
        if isinstance(self.service_id, Unset):
            service_id = UNSET
        else:
            service_id = self.service_id

        plan_id: None | str | Unset
        if isinstance(self.plan_id, Unset):
            plan_id = UNSET
        else:
            plan_id = self.plan_id

        started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = self.finished_at

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        else:
            deadline = self.deadline

        originating_identity: dict[str, Any] | None | Unset
        if isinstance(self.originating_identity, Unset):
            originating_identity = UNSET
        elif isinstance(self.originating_identity, EtOperationOriginatingIdentityType0):
            originating_identity = self.originating_identity.to_dict()
        else:
            originating_identity = self.originating_identity

        request_identity: None | str | Unset
        if isinstance(self.request_identity, Unset):
            request_identity = UNSET
        else:
            request_identity = self.request_identity

        instance_usable: bool | None | Unset
        if isinstance(self.instance_usable, Unset):
            instance_usable = UNSET
        else:
            instance_usable = self.instance_usable

        attempts = self.attempts


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "kind": kind,
            "state": state,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if binding_id is not UNSET:
            field_dict["binding_id"] = binding_id
        if service_id is not UNSET:
            field_dict["service_id"] = service_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if originating_identity is not UNSET:
            field_dict["originating_identity"] = originating_identity
        if request_identity is not UNSET:
            field_dict["request_identity"] = request_identity
        if instance_usable is not UNSET:
            field_dict["instance_usable"] = instance_usable
        if attempts is not UNSET:
            field_dict["attempts"] = attempts

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.et_operation_originating_identity_type_0 import EtOperationOriginatingIdentityType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        kind = EtOperationKind(d.pop("kind"))




        state = EtOperationState(d.pop("state"))




        description = d.pop("description", UNSET)

        def _parse_binding_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        binding_id = _parse_binding_id(d.pop("binding_id", UNSET))


        def _parse_service_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_id = _parse_service_id(d.pop("service_id", UNSET))


        def _parse_plan_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_id = _parse_plan_id(d.pop("plan_id", UNSET))


        started_at = d.pop("started_at", UNSET)

        def _parse_finished_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))


        def _parse_deadline(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))


        def _parse_originating_identity(data: object) -> EtOperationOriginatingIdentityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                originating_identity_type_0 = EtOperationOriginatingIdentityType0.from_dict(data)



                return originating_identity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EtOperationOriginatingIdentityType0 | None | Unset, data)

        originating_identity = _parse_originating_identity(d.pop("originating_identity", UNSET))


        def _parse_request_identity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_identity = _parse_request_identity(d.pop("request_identity", UNSET))


        def _parse_instance_usable(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        instance_usable = _parse_instance_usable(d.pop("instance_usable", UNSET))


        attempts = d.pop("attempts", UNSET)

        et_operation = cls(
            id=id,
            kind=kind,
            state=state,
            description=description,
            binding_id=binding_id,
            service_id=service_id,
            plan_id=plan_id,
            started_at=started_at,
            finished_at=finished_at,
            deadline=deadline,
            originating_identity=originating_identity,
            request_identity=request_identity,
            instance_usable=instance_usable,
            attempts=attempts,
        )


        et_operation.additional_properties = d
        return et_operation

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
