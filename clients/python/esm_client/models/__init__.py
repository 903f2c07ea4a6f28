""" Contains all the data models used in inputs/outputs """

from .async_operation import AsyncOperation
from .backend_object import BackendObject
from .bind_request import BindRequest
from .bind_resource import BindResource
from .bind_response import BindResponse
from .binding_metadata import BindingMetadata
from .catalog import Catalog
from .elastest_endpoint import ElastestEndpoint
from .elastest_endpoint_definition import ElastestEndpointDefinition
from .empty import Empty
from .endpoint import Endpoint
from .endpoint_protocol import EndpointProtocol
from .error import Error
from .et_instance import EtInstance
from .et_instance_bindings_item import EtInstanceBindingsItem
from .et_instance_context import EtInstanceContext
from .et_instance_endpoints import EtInstanceEndpoints
from .et_operation import EtOperation
from .et_operation_kind import EtOperationKind
from .et_operation_originating_identity_type_0 import EtOperationOriginatingIdentityType0
from .et_operation_state import EtOperationState
from .fetch_binding_response import FetchBindingResponse
from .fetch_instance_response import FetchInstanceResponse
from .force_delete_result import ForceDeleteResult
from .last_operation import LastOperation
from .last_operation_state import LastOperationState
from .list_operations_response_200 import ListOperationsResponse200
from .maintenance_info import MaintenanceInfo
from .maintenance_info_request import MaintenanceInfoRequest
from .manifest import Manifest
from .manifest_config import ManifestConfig
from .manifest_endpoints import ManifestEndpoints
from .metadata import Metadata
from .object_ import Object
from .orphans import Orphans
from .orphans_instances_without_objects_item import OrphansInstancesWithoutObjectsItem
from .orphans_unavailable import OrphansUnavailable
from .parameters_schema import ParametersSchema
from .parameters_schema_parameters import ParametersSchemaParameters
from .plan import Plan
from .plan_schemas import PlanSchemas
from .plan_schemas_service_binding import PlanSchemasServiceBinding
from .plan_schemas_service_instance import PlanSchemasServiceInstance
from .provision_async_response import ProvisionAsyncResponse
from .provision_request import ProvisionRequest
from .provision_response import ProvisionResponse
from .service import Service
from .service_dashboard_client import ServiceDashboardClient
from .service_endpoint import ServiceEndpoint
from .service_requires_item import ServiceRequiresItem
from .update_async_response import UpdateAsyncResponse
from .update_request import UpdateRequest
from .update_request_previous_values import UpdateRequestPreviousValues
from .update_response import UpdateResponse
from .volume_mount import VolumeMount
from .volume_mount_device import VolumeMountDevice
from .volume_mount_device_type import VolumeMountDeviceType
from .volume_mount_mode import VolumeMountMode

__all__ = (
    "AsyncOperation",
    "BackendObject",
    "BindingMetadata",
    "BindRequest",
    "BindResource",
    "BindResponse",
    "Catalog",
    "ElastestEndpoint",
    "ElastestEndpointDefinition",
    "Empty",
    "Endpoint",
    "EndpointProtocol",
    "Error",
    "EtInstance",
    "EtInstanceBindingsItem",
    "EtInstanceContext",
    "EtInstanceEndpoints",
    "EtOperation",
    "EtOperationKind",
    "EtOperationOriginatingIdentityType0",
    "EtOperationState",
    "FetchBindingResponse",
    "FetchInstanceResponse",
    "ForceDeleteResult",
    "LastOperation",
    "LastOperationState",
    "ListOperationsResponse200",
    "MaintenanceInfo",
    "MaintenanceInfoRequest",
    "Manifest",
    "ManifestConfig",
    "ManifestEndpoints",
    "Metadata",
    "Object",
    "Orphans",
    "OrphansInstancesWithoutObjectsItem",
    "OrphansUnavailable",
    "ParametersSchema",
    "ParametersSchemaParameters",
    "Plan",
    "PlanSchemas",
    "PlanSchemasServiceBinding",
    "PlanSchemasServiceInstance",
    "ProvisionAsyncResponse",
    "ProvisionRequest",
    "ProvisionResponse",
    "Service",
    "ServiceDashboardClient",
    "ServiceEndpoint",
    "ServiceRequiresItem",
    "UpdateAsyncResponse",
    "UpdateRequest",
    "UpdateRequestPreviousValues",
    "UpdateResponse",
    "VolumeMount",
    "VolumeMountDevice",
    "VolumeMountDeviceType",
    "VolumeMountMode",
)
