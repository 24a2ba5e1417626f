"""The one door for the portal's outbound HTTP: every client is built here, with the same rules.

No redirects are followed (a redirect from a team's endpoint or a hub is an error to see, not a
detour to take), proxies and .netrc from the environment are ignored (trust_env=False: keys must not
leak to a proxy nobody configured for this), and every request names the portal.
Model inference uses an async client (arena/inference.py); staff tools such as the model-hub sync and
identity verification (portal/oidc.py: discovery, keys and the token request to a 본인확인 provider) use
a short-lived sync client, so a provider can no more redirect a token request elsewhere than a team's
endpoint can.

Errors keep their httpx types: httpx.TransportError means the other side was unreachable or too slow
(worth a retry), an HTTP status means it answered and said no; callers tell people which it was.
"""

from __future__ import annotations

import httpx

USER_AGENT = "k-ai-portal/1.0"


def client_options() -> dict:
    return {"follow_redirects": False, "headers": {"User-Agent": USER_AGENT}, "trust_env": False}


def async_client(**kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(**(client_options() | kwargs))


def sync_client(*, timeout: httpx.Timeout | float, **kwargs) -> httpx.Client:
    return httpx.Client(timeout=timeout, **(client_options() | kwargs))
