"""What every handler shares: the broker's services and a way to run blocking calls."""
from __future__ import annotations

import functools
from typing import Callable, Union

import anyio.to_thread
from connexion.context import context

from esm.app import Services
from esm.broker import Caller


def services() -> Services:
    return context["esm"]


async def in_thread(fn, *args, **kwargs):
    """Call fn off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


async def run(fn, *args, costly: Union[bool, Callable[[], bool]] = False, **kwargs):
    """Call fn, which may write and call backends, off the event loop when either can block,
    or when it is `costly` (parses a manifest, validates parameters against a plan schema; a
    callable is asked only when nothing else sends fn to a thread, and must not block)."""
    esm = services()
    if esm.store.blocking_writes or esm.epm.inline_calls_block or (
            costly() if callable(costly) else costly):
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


async def read(fn, *args, **kwargs):
    """Call fn, which only reads, off the event loop when the store's reads can block."""
    if services().store.blocking_reads:
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


def validates_parameters(body: dict, target: str, action: str) -> Callable[[], bool]:
    """Whether the request's parameters meet a plan schema (when the store's reads do not
    block: `run` asks only then). An unknown plan or a plan-less update counts as yes."""
    def costly() -> bool:
        if not body.get("parameters"):
            return False
        _, plan = services().registry.plan(body.get("service_id"), body.get("plan_id"))
        return plan is None or plan.parameters_schema(target, action) is not None
    return costly


def caller() -> Caller:
    """Who asked, as the protocol middlewares parsed it."""
    return Caller(context.get("originating_identity"), context.get("request_identity"))
