from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.bind_resource import BindResource
  from ..models.object_ import Object





T = TypeVar("T", bound="BindRequest")



@_attrs_define
class BindRequest:
    """ 
        Attributes:
            service_id (str):
            plan_id (str):
            context (Object | Unset):
            app_guid (str | Unset):
            bind_resource (BindResource | Unset):
            parameters (Object | Unset):
            predecessor_binding_id (str | Unset):
     """

    service_id: str
    plan_id: str
    context: Object | Unset = UNSET
    app_guid: str | Unset = UNSET
    bind_resource: BindResource | Unset = UNSET
    parameters: Object | Unset = UNSET
    predecessor_binding_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.bind_resource import BindResource # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        app_guid = self.app_guid

        bind_resource: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bind_resource, Unset):
            bind_resource = self.bind_resource.to_dict()

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        predecessor_binding_id = self.predecessor_binding_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "service_id": service_id,
            "plan_id": plan_id,
        })
        if context is not UNSET:
            field_dict["context"] = context
        if app_guid is not UNSET:
            field_dict["app_guid"] = app_guid
        if bind_resource is not UNSET:
            field_dict["bind_resource"] = bind_resource
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if predecessor_binding_id is not UNSET:
            field_dict["predecessor_binding_id"] = predecessor_binding_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bind_resource import BindResource # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id")

        plan_id = d.pop("plan_id")

        _context = d.pop("context", UNSET)
        context: Object | Unset
        if isinstance(_context,  Unset):
            context = UNSET
        else:
            context = Object.from_dict(_context)




        app_guid = d.pop("app_guid", UNSET)

        _bind_resource = d.pop("bind_resource", UNSET)
        bind_resource: BindResource | Unset
        if isinstance(_bind_resource,  Unset):
            bind_resource = UNSET
        else:
            bind_resource = BindResource.from_dict(_bind_resource)




        _parameters = d.pop("parameters", UNSET)
        parameters: Object | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = Object.from_dict(_parameters)




        predecessor_binding_id = d.pop("predecessor_binding_id", UNSET)

        bind_request = cls(
            service_id=service_id,
            plan_id=plan_id,
            context=context,
            app_guid=app_guid,
            bind_resource=bind_resource,
            parameters=parameters,
            predecessor_binding_id=predecessor_binding_id,
        )


        bind_request.additional_properties = d
        return bind_request

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
