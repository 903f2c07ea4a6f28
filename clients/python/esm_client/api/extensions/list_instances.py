from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.et_instance import EtInstance
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    include_deleted: bool | Unset = False,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Broker-API-Version"] = x_broker_api_version

    if not isinstance(x_broker_api_request_identity, Unset):
        headers["X-Broker-API-Request-Identity"] = x_broker_api_request_identity



    

    params: dict[str, Any] = {}

    params["include_deleted"] = include_deleted

    params["limit"] = limit

    params["after"] = after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/et/service_instances",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[EtInstance] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_et_instance_list_item_data in (_response_200):
            componentsschemas_et_instance_list_item = EtInstance.from_dict(componentsschemas_et_instance_list_item_data)



            response_200.append(componentsschemas_et_instance_list_item)

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | list[EtInstance]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | list[EtInstance]]:
    """ List service instances with their state and operation history

     All instances that are not deleted (with `include_deleted=true`, deleted ones too, as long
    as their records are kept), in id order, as a JSON array (as the original ESM answered).
    `X-Total-Count` says how many there are in all. With `limit`, one page: when more may
    follow, the `Link` header (`rel="next"`) is the URL of the following page, whose `after`
    is the last id of this one. `after` (with or without `limit`) starts the list after that
    id. A query parameter given twice counts once, with its last value.

    Args:
        include_deleted (bool | Unset):  Default: False.
        limit (int | Unset):
        after (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[EtInstance]]
     """


    kwargs = _get_kwargs(
        include_deleted=include_deleted,
limit=limit,
after=after,
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
    include_deleted: bool | Unset = False,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | list[EtInstance] | None:
    """ List service instances with their state and operation history

     All instances that are not deleted (with `include_deleted=true`, deleted ones too, as long
    as their records are kept), in id order, as a JSON array (as the original ESM answered).
    `X-Total-Count` says how many there are in all. With `limit`, one page: when more may
    follow, the `Link` header (`rel="next"`) is the URL of the following page, whose `after`
    is the last id of this one. `after` (with or without `limit`) starts the list after that
    id. A query parameter given twice counts once, with its last value.

    Args:
        include_deleted (bool | Unset):  Default: False.
        limit (int | Unset):
        after (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[EtInstance]
     """


    return sync_detailed(
        client=client,
include_deleted=include_deleted,
limit=limit,
after=after,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | list[EtInstance]]:
    """ List service instances with their state and operation history

     All instances that are not deleted (with `include_deleted=true`, deleted ones too, as long
    as their records are kept), in id order, as a JSON array (as the original ESM answered).
    `X-Total-Count` says how many there are in all. With `limit`, one page: when more may
    follow, the `Link` header (`rel="next"`) is the URL of the following page, whose `after`
    is the last id of this one. `after` (with or without `limit`) starts the list after that
    id. A query parameter given twice counts once, with its last value.

    Args:
        include_deleted (bool | Unset):  Default: False.
        limit (int | Unset):
        after (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[EtInstance]]
     """


    kwargs = _get_kwargs(
        include_deleted=include_deleted,
limit=limit,
after=after,
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
    include_deleted: bool | Unset = False,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | list[EtInstance] | None:
    """ List service instances with their state and operation history

     All instances that are not deleted (with `include_deleted=true`, deleted ones too, as long
    as their records are kept), in id order, as a JSON array (as the original ESM answered).
    `X-Total-Count` says how many there are in all. With `limit`, one page: when more may
    follow, the `Link` header (`rel="next"`) is the URL of the following page, whose `after`
    is the last id of this one. `after` (with or without `limit`) starts the list after that
    id. A query parameter given twice counts once, with its last value.

    Args:
        include_deleted (bool | Unset):  Default: False.
        limit (int | Unset):
        after (str | Unset): RFC 3986 unreserved characters only; not "." or "..".
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[EtInstance]
     """


    return (await asyncio_detailed(
        client=client,
include_deleted=include_deleted,
limit=limit,
after=after,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )).parsed
