from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.manifest_config import ManifestConfig
  from ..models.manifest_endpoints import ManifestEndpoints





T = TypeVar("T", bound="Manifest")



@_attrs_define
class Manifest:
    """ 
        Attributes:
            service_id (str): RFC 3986 unreserved characters only; not "." or "..".
            plan_id (str): RFC 3986 unreserved characters only; not "." or "..".
            manifest_type (str): A type some registered backend accepts (`dummy`, `docker-compose`, `docker-swarm`)
            manifest_content (str): The backend's own format (YAML for dummy and Docker)
            id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
            endpoints (ManifestEndpoints | Unset): Endpoint name (today's form) or compose service (ElasTest's form) -> its
                endpoints;
                stored and returned unchanged. The Docker backend builds bind credentials and the
                instance view's `endpoints` from them.
            config (ManifestConfig | Unset): Settings handed to every service of the instance (environment for Docker),
                stored
                and returned unchanged. A value is a scalar (the variable's value), an ElasTest
                setting descriptor (a mapping with `default`, `type` or `label`: its `default` is
                the value; without `default` it sets nothing), or another list or mapping (the
                value as JSON). Provision parameters win.
     """

    service_id: str
    plan_id: str
    manifest_type: str
    manifest_content: str
    id: str | Unset = UNSET
    endpoints: ManifestEndpoints | Unset = UNSET
    config: ManifestConfig | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.manifest_config import ManifestConfig # noqa: PLC0415
        from ..models.manifest_endpoints import ManifestEndpoints # noqa: PLC0415
        service_id = self.service_id

        plan_id = self.plan_id

        manifest_type = self.manifest_type

        manifest_content = self.manifest_content

        id = self.id

        endpoints: dict[str, Any] | Unset = UNSET
        if not isinstance(self.endpoints, Unset):
            endpoints = self.endpoints.to_dict()

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "service_id": service_id,
            "plan_id": plan_id,
            "manifest_type": manifest_type,
            "manifest_content": manifest_content,
        })
        if id is not UNSET:
            field_dict["id"] = id
        if endpoints is not UNSET:
            field_dict["endpoints"] = endpoints
        if config is not UNSET:
            field_dict["config"] = config

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.manifest_config import ManifestConfig # noqa: PLC0415
        from ..models.manifest_endpoints import ManifestEndpoints # noqa: PLC0415
        d = dict(src_dict)
        service_id = d.pop("service_id")

        plan_id = d.pop("plan_id")

        manifest_type = d.pop("manifest_type")

        manifest_content = d.pop("manifest_content")

        id = d.pop("id", UNSET)

        _endpoints = d.pop("endpoints", UNSET)
        endpoints: ManifestEndpoints | Unset
        if isinstance(_endpoints,  Unset):
            endpoints = UNSET
        else:
            endpoints = ManifestEndpoints.from_dict(_endpoints)




        _config = d.pop("config", UNSET)
        config: ManifestConfig | Unset
        if isinstance(_config,  Unset):
            config = UNSET
        else:
            config = ManifestConfig.from_dict(_config)




        manifest = cls(
            service_id=service_id,
            plan_id=plan_id,
            manifest_type=manifest_type,
            manifest_content=manifest_content,
            id=id,
            endpoints=endpoints,
            config=config,
        )


        manifest.additional_properties = d
        return manifest

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
