"""Database work of websocket handlers, in a pool of threads of its own.

Channels' `database_sync_to_async` runs in asgiref's thread-sensitive mode, and outside an HTTP
request that is one thread for the whole process: every socket's admission, turn record and session
load waits behind every other's, and under a burst of battles the queue grows by the second. Django
gives each HTTP request a thread of its own, so pages do not share that queue, but a battle does.

`socket_db(func)` runs `func` in a bounded pool (settings.SOCKET_DB_THREADS threads, default 8): as
many calls at once as there are threads, each thread with its own database connection, refreshed
before and after every call as Channels does (`close_old_connections`). A call must not lean on a
transaction or a connection left open by an earlier one, which no handler here does. Each thread
holds one connection: count SOCKET_DB_THREADS per worker in the database's connection budget.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.SOCKET_DB_THREADS, thread_name_prefix="socket-db"
            )
        return _executor


def socket_db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`func`, awaitable from a socket handler, run in the pool."""

    @functools.wraps(func)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await DatabaseSyncToAsync(func, thread_sensitive=False, executor=executor())(*args, **kwargs)

    return run


def shutdown() -> None:
    """Close every pool thread's database connection and stop the pool (a later call starts a new
    one). For the end of a test session: a connection left open keeps its test database from being
    dropped."""
    global _executor
    with _lock:
        pool, _executor = _executor, None
    if pool is None:
        return
    # One task per thread, held at a barrier until every thread has one: each closes its own.
    size = settings.SOCKET_DB_THREADS
    barrier = threading.Barrier(size)

    def close() -> None:
        barrier.wait(timeout=10)
        connections.close_all()

    for future in [pool.submit(close) for _ in range(size)]:
        future.result()
    pool.shutdown(wait=True)
