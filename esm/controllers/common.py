"""What every handler shares: the broker's components and a way to run blocking calls."""
from __future__ import annotations

import functools
from typing import Callable, Optional, Union

import anyio
import anyio.to_thread

from esm import versions
from esm._connexion import request_context
from esm.app import Components
from esm.broker import Caller


def components() -> Components:
    return request_context()["esm"]


async def in_thread(fn, *args, limiter: Optional[anyio.CapacityLimiter] = None, **kwargs):
    """Call fn off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


# CPU-bound work (YAML, plan schemas) holds the GIL: run any number of such calls at once and
# the event loop waits its turn behind all of them (a /health p99 of 200 ms under 8 hostile
# registrations); one at a time, it waits behind one switch interval at most.
COSTLY_AT_ONCE = 1
# A synchronous backend operation (a Docker provision) holds its thread while the platform
# waits, up to ESM_SYNC_OPERATION_TIMEOUT: such calls get threads of their own, so that a burst
# of them cannot take the ones every store write needs; more wait their turn.
WAITING_AT_ONCE = 32


def _limiter(name: str, capacity: int) -> anyio.CapacityLimiter:
    limiters = components().limiters
    if name not in limiters:  # made inside the app's running loop, one per app
        limiters[name] = anyio.CapacityLimiter(capacity)
    return limiters[name]


Flag = Union[bool, Callable[[], bool]]


def _says(flag: Flag, esm) -> bool:
    """A flag, or a callable asked only when the store's reads do not block (it reads it)."""
    return flag() if callable(flag) and not esm.store.blocking_reads else flag is True


async def run(fn, *args, costly: Flag = False, blocking: Flag = False, **kwargs):
    """Call fn, which may read, write and call backends, where the threading rule puts it.

    THE THREADING RULE (the one statement of it). A request's store and backend calls are
    placed by `run`, `read` or `in_thread` (always a thread: calls that may block whatever the
    store, such as asking the engine or decoding many MB); health and metrics run in threads.
    A call runs on the event loop only when nothing in it can block; else in a thread.
    - The store says which of its calls can block: `Store.blocking_reads` and
      `Store.blocking_writes` (True by default; False for InMemoryStore, and for SQLiteStore
      unless it fsyncs every commit). A call that only reads goes to a thread when reads can
      block (`read`); one that also writes when either can (`run`).
    - A backend says whether the calls it makes inside a request can block:
      `Backend.call_blocks(kind)` for an operation of that kind (`blocking`, usually
      backend_blocks(); asked only when the store does not block, for it reads the catalog),
      `BackendRegistry.inline_calls_block` for everything else a request may ask of a backend. Such calls
      get threads of their own (WAITING_AT_ONCE), so that a burst of them cannot take the ones
      store calls need.
    - CPU-bound work (`costly`: parsing a manifest, a plan's parameter schema) runs in a thread
      one at a time (COSTLY_AT_ONCE), so that the loop waits behind one switch interval at most;
      a call that may also block (`blocking`, or any such callable when the store's reads block:
      MongoDB) takes a waiting thread instead, where its CPU-bound part is not serialized.
    - SQLite's writes made on the loop share a lock with the worker's threads: they wait for
      a worker's commit at most (microseconds; with ESM_SQLITE_SYNC=full the store says its
      writes block and they run in threads).
    Every store and backend is called from several threads anyway (the operation worker, the
    health and metrics threads): they must be safe to call from any thread."""
    esm = components()
    if blocking is True or (callable(blocking) and (esm.store.blocking_reads or blocking())):
        return await in_thread(fn, *args, limiter=_limiter("waiting", WAITING_AT_ONCE), **kwargs)
    if _says(costly, esm):
        return await in_thread(fn, *args, limiter=_limiter("costly", COSTLY_AT_ONCE), **kwargs)
    if esm.store.blocking_reads or esm.store.blocking_writes or esm.backends.inline_calls_block:
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


async def read(fn, *args, **kwargs):
    """Call fn, which only reads the store, off the event loop when the store's reads can
    block (the threading rule: `run`)."""
    if components().store.blocking_reads:
        return await in_thread(fn, *args, **kwargs)
    return fn(*args, **kwargs)


def validates_parameters(body: dict, target: str, action: str) -> Callable[[], bool]:
    """Whether the request's parameters meet a plan schema (when the store's reads do not
    block: `run` asks only then). An unknown plan or a plan-less update counts as yes."""
    def costly() -> bool:
        if not body.get("parameters"):
            return False
        _, plan = components().catalog.plan(body.get("service_id"), body.get("plan_id"))
        return plan is None or plan.parameters_schema(target, action) is not None
    return costly


def backend_blocks(plan_id, kind: str, accepts_incomplete: bool = False) -> Callable[[], bool]:
    """Whether the request may make the plan's backend's `kind` call, and that call may block
    (for `run`): not when the operation is to run asynchronously anyway."""
    def blocking() -> bool:
        manifest = components().catalog.manifest_for_plan(plan_id)
        if manifest is None:
            return True
        backend = components().backends.backend_for(manifest.manifest_type)
        if accepts_incomplete and backend.prefers_async(manifest, kind):
            return False
        return backend.call_blocks(kind)
    return blocking


def incomplete(accepts_incomplete: Optional[bool], accept_incomplete: Optional[bool]) -> bool:
    """Whether the platform accepts an asynchronous answer: `accepts_incomplete`, or the
    original ESM's spelling `accept_incomplete` when only that one was sent."""
    said = accepts_incomplete if accepts_incomplete is not None else accept_incomplete
    return said is True


def api_minor() -> int:
    """The minor OSB version the request speaks (esm/protocol.py checked it)."""
    return versions.minor_of(request_context())


def caller() -> Caller:
    """Who asked, as the protocol layer (esm/protocol.py) parsed it."""
    context = request_context()
    return Caller(context.get("originating_identity"), context.get("request_identity"))
