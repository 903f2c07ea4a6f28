from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.update_async_response import UpdateAsyncResponse
from ...models.update_request import UpdateRequest
from ...models.update_response import UpdateResponse
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    instance_id: str,
    *,
    body: UpdateRequest,
    accepts_incomplete: bool | Unset = UNSET,
    accept_incomplete: bool | Unset = UNSET,
    x_broker_api_originating_identity: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_broker_api_originating_identity, Unset):
        headers["X-Broker-API-Originating-Identity"] = x_broker_api_originating_identity

    headers["X-Broker-API-Version"] = x_broker_api_version

    if not isinstance(x_broker_api_request_identity, Unset):
        headers["X-Broker-API-Request-Identity"] = x_broker_api_request_identity



    

    params: dict[str, Any] = {}

    params["accepts_incomplete"] = accepts_incomplete

    params["accept_incomplete"] = accept_incomplete


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/service_instances/{instance_id}".format(instance_id=quote(str(instance_id), safe=""),),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | UpdateAsyncResponse | UpdateResponse | None:
    if response.status_code == 200:
        response_200 = UpdateResponse.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = UpdateAsyncResponse.from_dict(response.json())



        return response_202

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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())



        return response_422

    if response.status_code == 502:
        response_502 = Error.from_dict(response.json())



        return response_502

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | UpdateAsyncResponse | UpdateResponse]:
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
    body: UpdateRequest,
    accepts_incomplete: bool | Unset = UNSET,
    accept_incomplete: bool | Unset = UNSET,
    x_broker_api_originating_identity: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | UpdateAsyncResponse | UpdateResponse]:
    """ Update a service instance (parameters, plan, context, maintenance)

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        accepts_incomplete (bool | Unset):
        accept_incomplete (bool | Unset):
        x_broker_api_originating_identity (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (UpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UpdateAsyncResponse | UpdateResponse]
     """


    kwargs = _get_kwargs(
        instance_id=instance_id,
body=body,
accepts_incomplete=accepts_incomplete,
accept_incomplete=accept_incomplete,
x_broker_api_originating_identity=x_broker_api_originating_identity,
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
    body: UpdateRequest,
    accepts_incomplete: bool | Unset = UNSET,
    accept_incomplete: bool | Unset = UNSET,
    x_broker_api_originating_identity: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | UpdateAsyncResponse | UpdateResponse | None:
    """ Update a service instance (parameters, plan, context, maintenance)

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        accepts_incomplete (bool | Unset):
        accept_incomplete (bool | Unset):
        x_broker_api_originating_identity (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (UpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UpdateAsyncResponse | UpdateResponse
     """


    return sync_detailed(
        instance_id=instance_id,
client=client,
body=body,
accepts_incomplete=accepts_incomplete,
accept_incomplete=accept_incomplete,
x_broker_api_originating_identity=x_broker_api_originating_identity,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    ).parsed

async def asyncio_detailed(
    instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateRequest,
    accepts_incomplete: bool | Unset = UNSET,
    accept_incomplete: bool | Unset = UNSET,
    x_broker_api_originating_identity: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | UpdateAsyncResponse | UpdateResponse]:
    """ Update a service instance (parameters, plan, context, maintenance)

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        accepts_incomplete (bool | Unset):
        accept_incomplete (bool | Unset):
        x_broker_api_originating_identity (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (UpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UpdateAsyncResponse | UpdateResponse]
     """


    kwargs = _get_kwargs(
        instance_id=instance_id,
body=body,
accepts_incomplete=accepts_incomplete,
accept_incomplete=accept_incomplete,
x_broker_api_originating_identity=x_broker_api_originating_identity,
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
    body: UpdateRequest,
    accepts_incomplete: bool | Unset = UNSET,
    accept_incomplete: bool | Unset = UNSET,
    x_broker_api_originating_identity: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | UpdateAsyncResponse | UpdateResponse | None:
    """ Update a service instance (parameters, plan, context, maintenance)

    Args:
        instance_id (str): RFC 3986 unreserved characters only; not "." or "..".
        accepts_incomplete (bool | Unset):
        accept_incomplete (bool | Unset):
        x_broker_api_originating_identity (str | Unset):
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):
        body (UpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UpdateAsyncResponse | UpdateResponse
     """


    return (await asyncio_detailed(
        instance_id=instance_id,
client=client,
body=body,
accepts_incomplete=accepts_incomplete,
accept_incomplete=accept_incomplete,
x_broker_api_originating_identity=x_broker_api_originating_identity,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )).parsed
