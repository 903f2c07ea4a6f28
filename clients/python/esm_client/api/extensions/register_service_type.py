from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.service import Service
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: Service,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Broker-API-Version"] = x_broker_api_version

    if not isinstance(x_broker_api_request_identity, Unset):
        headers["X-Broker-API-Request-Identity"] = x_broker_api_request_identity



    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/et/catalog",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Service | None:
    if response.status_code == 200:
        response_200 = Service.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = Service.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())



        return response_409

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())



        return response_412

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Service]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Service,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | Service]:
    """ Register (or replace) a service type with its plans

     The body is an OSB service object. 201 when the id is new, 200 when it replaces the
    service type with the same id. Service ids, plan ids and service names must be unique
    across the whole catalog (409 otherwise). A replacement may not drop a plan that still
    has instances (409); manifests of dropped plans are removed with them.

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (Service):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Service]
     """


    kwargs = _get_kwargs(
        body=body,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: Service,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | Service | None:
    """ Register (or replace) a service type with its plans

     The body is an OSB service object. 201 when the id is new, 200 when it replaces the
    service type with the same id. Service ids, plan ids and service names must be unique
    across the whole catalog (409 otherwise). A replacement may not drop a plan that still
    has instances (409); manifests of dropped plans are removed with them.

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (Service):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Service
     """


    return sync_detailed(
        client=client,
body=body,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Service,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | Service]:
    """ Register (or replace) a service type with its plans

     The body is an OSB service object. 201 when the id is new, 200 when it replaces the
    service type with the same id. Service ids, plan ids and service names must be unique
    across the whole catalog (409 otherwise). A replacement may not drop a plan that still
    has instances (409); manifests of dropped plans are removed with them.

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (Service):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Service]
     """


    kwargs = _get_kwargs(
        body=body,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Service,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | Service | None:
    """ Register (or replace) a service type with its plans

     The body is an OSB service object. 201 when the id is new, 200 when it replaces the
    service type with the same id. Service ids, plan ids and service names must be unique
    across the whole catalog (409 otherwise). A replacement may not drop a plan that still
    has instances (409); manifests of dropped plans are removed with them.

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (Service):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Service
     """


    return (await asyncio_detailed(
        client=client,
body=body,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )).parsed
