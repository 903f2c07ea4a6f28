
""" A client library for accessing ElasTest Service Manager (ESM) """
from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
