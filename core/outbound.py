"""The one door for the portal's outbound HTTP: every client is built here, with the same rules.

No redirects are followed (a redirect from a team's endpoint or a hub is an error to see, not a
detour to take), proxies and .netrc from the environment are ignored (trust_env=False: keys must not
leak to a proxy nobody configured for this), and every request names the portal.
Model inference streams answers through an aiohttp session (arena/endpoints/inference.py: its read
path costs a fraction of httpx's per token) and makes its short calls (probes, moderation) with an async httpx
client; staff tools such as the model-hub sync and
identity verification (core/oidc.py: discovery, keys and the token request to a 본인확인 provider) use
a short-lived sync client, so a provider can no more redirect a token request elsewhere than a team's
endpoint can.

Errors keep their httpx types: httpx.TransportError means the other side was unreachable or too slow
(worth a retry), an HTTP status means it answered and said no; callers tell people which it was.

`address_problem` / `host_problem` say whether a host is on the public internet: a URL that someone
could point at the portal's own network (loopback, private, link-local such as the cloud metadata
address 169.254.169.254) is refused unless an administrator marked it internal.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import aiohttp
import httpx

USER_AGENT = "k-ai-portal/1.0"


def client_options() -> dict:
    return {"follow_redirects": False, "headers": {"User-Agent": USER_AGENT}, "trust_env": False}


def async_client(**kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(**(client_options() | kwargs))


def stream_session(*, max_connections: int) -> aiohttp.ClientSession:
    """For streamed model answers: the same rules in aiohttp's terms (callers pass
    `allow_redirects=False` on every request; aiohttp has no session-wide switch), no cookie kept,
    no decompression (answers are asked for identity-encoded), keep-alive connections reused."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max_connections, limit_per_host=0, ttl_dns_cache=10),
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
        auto_decompress=False,
        timeout=aiohttp.ClientTimeout(total=None),
    )


def sync_client(*, timeout: httpx.Timeout | float, **kwargs) -> httpx.Client:
    return httpx.Client(timeout=timeout, **(client_options() | kwargs))


def address_problem(address: str) -> str | None:
    """Why this IP address is not a public one, or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if not ip.is_global:  # private, shared (CGNAT), reserved, documentation, multicast, unspecified
        return f"{ip} is not a public address"
    return None


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def host_problem(host: str, port: int) -> str | None:
    """Resolve `host` (a name or a literal address): why it is not public, or None when every address
    it resolves to is public. A name that does not resolve is a problem too."""
    literal = _literal(host)
    if literal is not None:
        return address_problem(literal)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return f"{host} does not resolve"
    return _first_problem(host, infos)


async def host_problem_async(host: str, port: int) -> str | None:
    literal = _literal(host)
    if literal is not None:
        return address_problem(literal)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return f"{host} does not resolve"
    return _first_problem(host, infos)


def _first_problem(host: str, infos) -> str | None:
    for info in infos:
        if (problem := address_problem(info[4][0])) is not None:
            return f"{host}: {problem}"
    return None
