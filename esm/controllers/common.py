"""What every handler shares: the broker's services and a way to run blocking calls."""
from __future__ import annotations

import functools

import anyio.to_thread
from connexion.context import context

from esm.app import Services
from esm.broker import Caller


def services() -> Services:
    return context["esm"]


async def in_thread(fn, *args, **kwargs):
    """Call fn off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


async def run(fn, *args, **kwargs):
    """Call fn, which may write and call backends, off the event loop when either can block."""
    esm = services()
    if esm.store.blocking_writes or esm.epm.inline_calls_block:
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


async def read(fn, *args, **kwargs):
    """Call fn, which only reads, off the event loop when the store's reads can block."""
    if services().store.blocking_reads:
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


def caller() -> Caller:
    """Who asked, as the protocol middlewares parsed it."""
    return Caller(context.get("originating_identity"), context.get("request_identity"))
