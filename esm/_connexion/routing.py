"""Connexion's routing middleware with a table lookup in front of its Starlette router.

Connexion routes each request through a Router holding a Mount of the API's base path holding
a Router of every operation: per request a copy of the scope, two route searches that each try
the routes in order (a regex, a dict of converted parameters and a child scope per route tried)
and the routing context. Here every operation's route is looked up in a table made once from
the very routes Starlette would try, in the same order, with the same regexes and parameter
converters; what the table does not find at once (a 404, a 405, a path with a trailing slash
Starlette redirects, HEAD, a root_path) goes through Connexion's router as before.
Written against the versions in esm/_connexion/__init__.py (PINNED).
"""
from __future__ import annotations

from connexion.apps.asynchronous import AsyncASGIApp
from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from starlette.routing import Mount, Route


def _routed_layers(app) -> list:
    """The routed layers below routing (security, validation, context, ..., the app), or []
    when a layer between them is one a request cannot skip (only Lifespan's, which hands an
    HTTP request straight on, is skipped)."""
    layers = []
    while not isinstance(app, AsyncASGIApp):
        if isinstance(app, RoutedMiddleware):
            layers.append(app)
            app = app.app
        elif isinstance(app, LifespanMiddleware):
            app = app.next_app
        else:
            return []
    return [*layers, app]


def link_operations(app) -> dict:
    """operation id -> the first of its routed layers' operations, each one's next_app set to
    the next one's operation: what RoutedMiddleware would look up at every layer, found once.
    {} when the stack is not the shape this knows (then each layer looks up as before)."""
    layers = _routed_layers(app)
    if not layers or any(len(layer.apis) != 1 or len(next(iter(layer.apis.values()))) != 1
                         for layer in layers):
        return {}
    operations = [next(iter(layer.apis.values()))[0].operations for layer in layers]
    chains = {}
    for operation_id in operations[-1]:
        chain = [ops.get(operation_id) for ops in operations]
        if any(op is None for op in chain) or not all(hasattr(op, "next_app") for op in chain[:-1]):
            return {}
        for op, following in zip(chain, chain[1:], strict=False):
            op.next_app = following
        chains[operation_id] = chain[0]
    return chains


class TableRoutingMiddleware(RoutingMiddleware):
    def __init__(self, app):
        super().__init__(app)
        self._table = None  # method -> [(base path, path regex, converters, operation id)]
        self._chains: dict = {}  # operation id -> its linked routed layers (link_operations)

    def _build_table(self) -> dict:
        routes = self.router.routes
        if len(routes) != 1 or not isinstance(routes[0], Mount):
            return {}  # one API is the shape this table knows; else Connexion's router does it all
        table: dict[str, list] = {}
        for mount in routes:
            for route in mount.routes:
                if not (isinstance(route, Route) and isinstance(route.endpoint, RoutingOperation)
                        and route.methods):
                    return {}
                for method in route.methods - {"HEAD"}:
                    table.setdefault(method, []).append(
                        (mount.path, route.path_regex, route.param_convertors,
                         route.endpoint.operation_id))
        return table

    def _lookup(self, scope):
        """(api base path, operation id, path parameters) of the first route Starlette would
        match in full, or None when that takes more than a lookup."""
        if self._table is None:
            self._table = self._build_table()
            self._chains = link_operations(self.app)
        if scope.get("root_path"):
            return None
        path = scope["path"]
        for base, regex, converters, operation_id in self._table.get(scope["method"], ()):
            if path.startswith(base) and path[len(base):len(base) + 1] == "/":
                match = regex.match(path[len(base):])
                if match is not None:
                    return base, operation_id, {name: converters[name].convert(value)
                                                for name, value in match.groupdict().items()}
        return None

    async def __call__(self, scope, receive, send) -> None:
        found = self._lookup(scope) if scope["type"] == "http" else None
        if found is None:
            await super().__call__(scope, receive, send)
            return
        base, operation_id, path_params = found
        # what RoutingOperation hands on: a copy of the scope with the route's parameters and
        # the routing context (the extensions dict itself is shared, as there)
        routed = scope.copy()
        routed.setdefault("path_params", {}).update(path_params)
        routed.setdefault("extensions", {}).setdefault(ROUTING_CONTEXT, {}).update(
            {"api_base_path": base, "operation_id": operation_id})
        await self._chains.get(operation_id, self.app)(routed, receive, send)
