"""Every HTTP request and websocket gets a request id, and one access-log line of its own.

The id is the proxy's `X-Request-ID` when it is well formed, otherwise a new one; it is set before
Django or Channels see the request, so every log line written while serving it carries it
(core/logs.py), and HTTP responses echo it back. The access line names the method, the path without
its query string, the status (or the websocket's close code) and the duration: never the client's
address, which uvicorn's own access log would print (that one is switched off).
"""

from __future__ import annotations

import logging
import time

from core.logs import request_id_begin

log = logging.getLogger("portal.access")


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class RequestLog:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_begin(_header(scope, b"x-request-id"))
        started = time.perf_counter()
        outcome: dict[str, object] = {}

        async def send_logged(message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                outcome["status"] = message["status"]
                message = {
                    **message,
                    "headers": [*message.get("headers", ()), (b"x-request-id", request_id.encode())],
                }
            elif kind == "websocket.accept":
                outcome["status"] = 101
            elif kind == "websocket.close":
                outcome["close_code"] = message.get("code", 1000)
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            log.info(
                "%s %s",
                scope.get("method", "WS"),
                scope["path"],
                extra={
                    "kind": scope["type"],
                    "path": scope["path"],
                    "status": outcome.get("status"),
                    "close_code": outcome.get("close_code"),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
