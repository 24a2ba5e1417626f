"""The session of a websocket: found from its cookie, read by the consumer, never written.

Channels' session and auth middleware load the session and the user in asgiref's one shared thread
(a hop per socket that every other socket's hops queue behind) and wrap every frame the consumer
sends to check whether the session changed. The battle socket needs neither: it reads the session
once, through its own database helper (core/socket_db.py), and never changes it. This puts a lazy
`SessionStore` for the cookie's key in `scope["session"]`; nothing is read until the consumer asks.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from importlib import import_module

from django.conf import settings


class WebsocketSession:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        key = None
        for name, value in scope.get("headers") or ():
            if name == b"cookie":
                cookie = SimpleCookie()
                cookie.load(value.decode("latin-1"))
                if settings.SESSION_COOKIE_NAME in cookie:
                    key = cookie[settings.SESSION_COOKIE_NAME].value
        return await self.inner({**scope, "session": self.store(key)}, receive, send)
