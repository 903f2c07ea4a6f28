"""Every change the ESM makes to Connexion's insides, in this one private package, written
against the versions in PINNED (requirements.txt pins the same; tests/test_connexion_pin.py
fails when the installed ones differ, for these reach into internals that change without
notice):

- app.py: ESMAsyncApp, Connexion's AsyncApp with its layers chosen (the Swagger UI router asked
  only for /v2/ui, the routing and validation layers below, security and response validation
  left out when no API uses them) and ViewCall, which calls each view with the arguments it
  declares straight from the ASGI scope instead of Connexion's per-request decorator chain.
- routing.py: the routes looked up in a table made once from Starlette's own routes, and each
  operation's remaining routed layers (validation, context, view) linked into one chain,
  called directly instead of three operation lookups.
- context.py: the request's `connexion.context` dict read from its ContextVar, not the proxy.
- validation.py: Connexion's parameter and body validators built once per operation, valid
  parameters passed by one check over the scope, bodies checked by compiled code first.

The rest of the ESM does not import Connexion's internals: only these names.
"""
from esm._connexion.app import ESMAsyncApp, UnsupportedOperation, ViewCall
from esm._connexion.context import request_context
from esm._connexion.validation import VALIDATORS

PINNED = {"connexion": "3.3.0", "starlette": "1.10.0"}

__all__ = ["ESMAsyncApp", "PINNED", "UnsupportedOperation", "VALIDATORS", "ViewCall", "request_context"]
