from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.last_operation import LastOperation
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    instance_id: str,
    *,
    service_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    operation: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Broker-API-Version"] = x_broker_api_version

    if not isinstance(x_broker_api_request_identity, Unset):
        headers["X-Broker-API-Request-Identity"] = x_broker_api_request_identity



    

    params: dict[str, Any] = {}

    params["service_id"] = service_id

    params["plan_id"] = plan_id

    params["operation"] = operation


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/service_instances/{instance_id}/last_operation".format(instance_id=quote(str(instance_id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | LastOperation | None:
    if response.status_code == 200:
        response_200 = LastOperation.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())



        return response_412

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | LastOperation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    service_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    operation: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | LastOperation]:
    """ State of the last operation on a service instance

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        service_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        plan_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        operation (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LastOperation]
     """


    kwargs = _get_kwargs(
        instance_id=instance_id,
service_id=service_id,
plan_id=plan_id,
operation=operation,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    service_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    operation: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | LastOperation | None:
    """ State of the last operation on a service instance

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        service_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        plan_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        operation (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LastOperation
     """


    return sync_detailed(
        instance_id=instance_id,
client=client,
service_id=service_id,
plan_id=plan_id,
operation=operation,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    ).parsed

async def asyncio_detailed(
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    service_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    operation: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | LastOperation]:
    """ State of the last operation on a service instance

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        service_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        plan_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        operation (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LastOperation]
     """


    kwargs = _get_kwargs(
        instance_id=instance_id,
service_id=service_id,
plan_id=plan_id,
operation=operation,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    service_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    operation: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | LastOperation | None:
    """ State of the last operation on a service instance

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        service_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        plan_id (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        operation (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LastOperation
     """


    return (await asyncio_detailed(
        instance_id=instance_id,
client=client,
service_id=service_id,
plan_id=plan_id,
operation=operation,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )).parsed
