"""The Connexion AsyncApp, with its view functions decorated once instead of on every request.

Connexion 3.3's AsyncOperation builds the decorator chain of an operation anew for each request
(a StarletteDecorator, the parameter and response decorators, `inspect.signature` of the view
function and a URI parser): a fifth of the time of a provision. All of it depends only on the
operation, never on the request, so it is built once here. Request-specific values are still
read from Connexion's context variables at call time, as Connexion itself does.
The JSON body that BodyGuard already parsed is handed over instead of being parsed again.
Written against connexion==3.3.0 and starlette==1.10.0 (pinned in requirements.txt).
"""
from __future__ import annotations

import functools
from typing import Callable

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator

from esm.middleware import PARSED_JSON_BODY


class _DecorateOnce(StarletteDecorator):
    def __call__(self, function: Callable) -> Callable:
        decorated = self.decorate(function)
        uri_parser = None

        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            nonlocal uri_parser
            if uri_parser is None:  # needs the operation, known only inside a request
                uri_parser = self.uri_parser
            request = self.framework.get_request(uri_parser=uri_parser, scope=scope, receive=receive)
            parsed = scope.get(PARSED_JSON_BODY)
            if parsed is not None:  # the body BodyGuard parsed (Starlette's Request caches in _json)
                request._starlette_request._json = parsed[1]
            return await decorated(request)

        return wrapper


class _DecoratedOnceOperation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Callable:
        return _DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class _DecorateOnceApi(AsyncApi):
    def make_operation(self, operation) -> AsyncOperation:
        return _DecoratedOnceOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


class ESMAsyncApp(AsyncApp):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the inner app makes one API object per add_api, from this class
        self._middleware_app.api_cls = _DecorateOnceApi
