from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.et_instance_bindings_item import EtInstanceBindingsItem
  from ..models.et_instance_context import EtInstanceContext
  from ..models.et_instance_endpoints import EtInstanceEndpoints
  from ..models.et_operation import EtOperation
  from ..models.object_ import Object





T = TypeVar("T", bound="EtInstance")



@_attrs_define
class EtInstance:
    """ 
        Attributes:
            id (str):
            service_id (str):
            plan_id (str):
            state (str):
            service_name (None | str | Unset):
            plan_name (None | str | Unset):
            parameters (Object | Unset):
            context (EtInstanceContext | Unset): The platform's context. The view of one instance adds what ElasTest's
                orchestrator
                reads from the seed's view: `id` (the instance id), `manifest_id` (the plan's
                manifest) and, for a Docker instance, `<service>_Ip` for every compose service: its
                address on the external network it joined, else on its first network of the
                instance (the virtual IP for a swarm service). Addresses are left out while the
                engine cannot be asked. The listing shows the platform's context only.
            dashboard_url (None | str | Unset):
            created_at (str | Unset):
            bindings (list[EtInstanceBindingsItem] | Unset):
            operations (list[EtOperation] | Unset):
            endpoints (EtInstanceEndpoints | Unset): In the view of one Docker instance: the manifest's `endpoints` as
                registered, each
                endpoint extended with `network` (host, port, protocol, path, uri at the container's
                address) and, when its port is published, `published` (the same at the engine host's
                published port). No credentials or environment values.
     """

    id: str
    service_id: str
    plan_id: str
    state: str
    service_name: None | str | Unset = UNSET
    plan_name: None | str | Unset = UNSET
    parameters: Object | Unset = UNSET
    context: EtInstanceContext | Unset = UNSET
    dashboard_url: None | str | Unset = UNSET
    created_at: str | Unset = UNSET
    bindings: list[EtInstanceBindingsItem] | Unset = UNSET
    operations: list[EtOperation] | Unset = UNSET
    endpoints: EtInstanceEndpoints | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.et_instance_bindings_item import EtInstanceBindingsItem # noqa: PLC0415
        from ..models.et_instance_context import EtInstanceContext # noqa: PLC0415
        from ..models.et_instance_endpoints import EtInstanceEndpoints # noqa: PLC0415
        from ..models.et_operation import EtOperation # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        id = self.id

        service_id = self.service_id

        plan_id = self.plan_id

        state = self.state

        service_name: None | str | Unset
        if isinstance(self.service_name, Unset):
            service_name = UNSET
        else:
            service_name = self.service_name

        plan_name: None | str | Unset
        if isinstance(self.plan_name, Unset):
            plan_name = UNSET
        else:
            plan_name = self.plan_name

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        dashboard_url: None | str | Unset
        if isinstance(self.dashboard_url, Unset):
            dashboard_url = UNSET
        else:
            dashboard_url = self.dashboard_url

        created_at = self.created_at

        bindings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bindings, Unset):
            bindings = []
            for bindings_item_data in self.bindings:
                bindings_item = bindings_item_data.to_dict()
                bindings.append(bindings_item)



        operations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.operations, Unset):
            operations = []
            for operations_item_data in self.operations:
                operations_item = operations_item_data.to_dict()
                operations.append(operations_item)



        endpoints: dict[str, Any] | Unset = UNSET
        if not isinstance(self.endpoints, Unset):
            endpoints = self.endpoints.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "service_id": service_id,
            "plan_id": plan_id,
            "state": state,
        })
        if service_name is not UNSET:
            field_dict["service_name"] = service_name
        if plan_name is not UNSET:
            field_dict["plan_name"] = plan_name
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if context is not UNSET:
            field_dict["context"] = context
        if dashboard_url is not UNSET:
            field_dict["dashboard_url"] = dashboard_url
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if bindings is not UNSET:
            field_dict["bindings"] = bindings
        if operations is not UNSET:
            field_dict["operations"] = operations
        if endpoints is not UNSET:
            field_dict["endpoints"] = endpoints

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.et_instance_bindings_item import EtInstanceBindingsItem # noqa: PLC0415
        from ..models.et_instance_context import EtInstanceContext # noqa: PLC0415
        from ..models.et_instance_endpoints import EtInstanceEndpoints # noqa: PLC0415
        from ..models.et_operation import EtOperation # noqa: PLC0415
        from ..models.object_ import Object # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        service_id = d.pop("service_id")

        plan_id = d.pop("plan_id")

        state = d.pop("state")

        def _parse_service_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_name = _parse_service_name(d.pop("service_name", UNSET))


        def _parse_plan_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_name = _parse_plan_name(d.pop("plan_name", UNSET))


        _parameters = d.pop("parameters", UNSET)
        parameters: Object | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = Object.from_dict(_parameters)




        _context = d.pop("context", UNSET)
        context: EtInstanceContext | Unset
        if isinstance(_context,  Unset):
            context = UNSET
        else:
            context = EtInstanceContext.from_dict(_context)




        def _parse_dashboard_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dashboard_url = _parse_dashboard_url(d.pop("dashboard_url", UNSET))


        created_at = d.pop("created_at", UNSET)

        _bindings = d.pop("bindings", UNSET)
        bindings: list[EtInstanceBindingsItem] | Unset = UNSET
        if _bindings is not UNSET:
            bindings = []
            for bindings_item_data in _bindings:
                bindings_item = EtInstanceBindingsItem.from_dict(bindings_item_data)



                bindings.append(bindings_item)


        _operations = d.pop("operations", UNSET)
        operations: list[EtOperation] | Unset = UNSET
        if _operations is not UNSET:
            operations = []
            for operations_item_data in _operations:
                operations_item = EtOperation.from_dict(operations_item_data)



                operations.append(operations_item)


        _endpoints = d.pop("endpoints", UNSET)
        endpoints: EtInstanceEndpoints | Unset
        if isinstance(_endpoints,  Unset):
            endpoints = UNSET
        else:
            endpoints = EtInstanceEndpoints.from_dict(_endpoints)




        et_instance = cls(
            id=id,
            service_id=service_id,
            plan_id=plan_id,
            state=state,
            service_name=service_name,
            plan_name=plan_name,
            parameters=parameters,
            context=context,
            dashboard_url=dashboard_url,
            created_at=created_at,
            bindings=bindings,
            operations=operations,
            endpoints=endpoints,
        )


        et_instance.additional_properties = d
        return et_instance

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
