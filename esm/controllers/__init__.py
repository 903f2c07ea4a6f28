"""Thin HTTP handlers: unpack the request, call the broker, shape the response."""
