"""The one door for the portal's outbound HTTP: every client is built here, with the same rules.

No redirects are followed (a redirect from a team's endpoint or a hub is an error to see, not a
detour to take), proxies and .netrc from the environment are ignored (trust_env=False: keys must not
leak to a proxy nobody configured for this), and every request names the portal.
Model inference uses an async client (arena/inference.py); staff tools such as the model-hub sync use
a short-lived sync client.
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
