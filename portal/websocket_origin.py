"""Websockets only from the portal's own pages: the Origin must match scheme, host and port.

Channels' AllowedHostsOriginValidator compares the host name alone, so a page on http://portal:8443 or
on plain http when the portal is served over https passes. This is the rule Django's CSRF check
applies to a POST: the Origin must be the request's own origin (its scheme, and a Host that is in
ALLOWED_HOSTS) or be listed, with scheme and port, in CSRF_TRUSTED_ORIGINS. No Origin at all is
refused too: every browser sends one, and cross-site websocket hijacking is a browser attack.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str, port: int | None) -> tuple[str, str, int] | None:
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host.lower().strip("[]"), port or DEFAULT_PORTS[scheme]


def parse_origin(value: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(value.strip())
        return _origin(parts.scheme.lower(), parts.hostname or "", parts.port)
    except ValueError:  # a port that is not a number
        return None


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def own_origin(scope) -> tuple[str, str, int] | None:
    """The origin of the page that may open this socket: the scope's scheme and its Host header."""
    host_header = _header(scope, b"host")
    if not host_header:
        return None
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    try:
        return _origin(scheme, domain, int(port) if port else None)
    except ValueError:
        return None


def origin_allowed(scope) -> bool:
    origin_header = _header(scope, b"origin")
    origin = parse_origin(origin_header) if origin_header else None
    if origin is None:
        return False
    if origin == own_origin(scope):
        return True
    return origin in {parse_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}


class SameOriginValidator:
    """ASGI middleware: refuse the websocket handshake unless `origin_allowed`."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
