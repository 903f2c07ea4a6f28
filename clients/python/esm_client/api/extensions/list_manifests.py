from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.manifest import Manifest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Broker-API-Version"] = x_broker_api_version

    if not isinstance(x_broker_api_request_identity, Unset):
        headers["X-Broker-API-Request-Identity"] = x_broker_api_request_identity



    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/et/manifest",
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[Manifest] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_manifest_list_item_data in (_response_200):
            componentsschemas_manifest_list_item = Manifest.from_dict(componentsschemas_manifest_list_item_data)



            response_200.append(componentsschemas_manifest_list_item)

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | list[Manifest]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | list[Manifest]]:
    """ List every stored deployment manifest

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Manifest]]
     """


    kwargs = _get_kwargs(
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
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | list[Manifest] | None:
    """ List every stored deployment manifest

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Manifest]
     """


    return sync_detailed(
        client=client,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Response[Error | list[Manifest]]:
    """ List every stored deployment manifest

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Manifest]]
     """


    kwargs = _get_kwargs(
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
    x_broker_api_version: str,
    x_broker_api_request_identity: str | Unset = UNSET,

) -> Error | list[Manifest] | None:
    """ List every stored deployment manifest

    Args:
        x_broker_api_version (str):  Example: 2.17.
        x_broker_api_request_identity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Manifest]
     """


    return (await asyncio_detailed(
        client=client,
x_broker_api_version=x_broker_api_version,
x_broker_api_request_identity=x_broker_api_request_identity,

    )).parsed
