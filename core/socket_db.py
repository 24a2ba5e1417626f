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
