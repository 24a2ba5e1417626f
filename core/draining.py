"""Graceful shutdown of a web process: the battle turns it streams finish before it stops.

On SIGTERM the gunicorn worker (portal/workers.py) stops accepting connections, calls `drain_begin`
and waits, up to PORTAL_DRAIN_SECONDS, for `turns_finished`. Meanwhile every turn already streaming
runs to its end and is recorded as usual; a socket that asks for a new turn is closed instead (the
page says the connection ended; nothing was stored or charged) and so is a socket whose turn just
ended. Whatever still streams at the deadline is closed by the server, which the consumer records
as a cancelled turn, releasing the battle: each battle finishes or fails cleanly, none is left
half-written. Readiness (`/healthz/ready`) answers 503 from the first moment, so a load balancer
stops sending new citizens.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from core import metrics

# A code from the registered range (1012 "service restart") so the page treats it as a dropped
# connection, not as a refusal it should explain differently.
CLOSE_DRAINING = 1012

_state = {"draining": False}
_turns: set[asyncio.Task] = set()


def is_draining() -> bool:
    return _state["draining"]


def drain_begin() -> None:
    _state["draining"] = True
    metrics.DRAINING.set(1)


def turns_in_flight() -> int:
    return len(_turns)


async def turns_finished(timeout: float) -> int:
    """Wait until every turn of this process ended, or `timeout` passed; returns how many still run."""
    pending = {task for task in _turns if not task.done()}
    if pending and timeout > 0:
        _done, pending = await asyncio.wait(pending, timeout=timeout)
    return len(pending)


def tracked_turn(relay: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Decorate the consumer method that relays one turn: counted in flight, waited for on drain,
    and no new turn started once the process drains (the socket is closed instead)."""

    @functools.wraps(relay)
    async def run(consumer, *args, **kwargs):
        if is_draining():
            await consumer.close(code=CLOSE_DRAINING)
            return None
        task = asyncio.current_task()
        _turns.add(task)
        metrics.TURNS_IN_FLIGHT.inc()
        try:
            result = await relay(consumer, *args, **kwargs)
        finally:
            metrics.TURNS_IN_FLIGHT.dec()
            _turns.discard(task)
        if is_draining():  # the turn ended normally: this socket takes no other
            await consumer.close(code=CLOSE_DRAINING)
        return result

    return run
