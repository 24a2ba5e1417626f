"""Derivative-model counts from a Hugging Face-compatible model hub.

`GET {hub}/api/models?filter=base_model:{repo}` lists the models that declare `repo` as their base;
the hub pages with a `Link: <...>; rel="next"` header. A derivative's relation (fine-tune, adapter,
quantization, merge) is read from its `base_model:{relation}:{repo}` tag. The count is what the hub
declares, no more: models that do not name their base are not found (stated on the scorecard).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import httpx

from core import outbound

RELATIONS = ("finetune", "adapter", "quantized", "merge")
PAGE_SIZE = 1000
MAX_PAGES = 50
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class HubError(Exception):
    """The hub could not be read; nothing was changed."""


@dataclass(frozen=True)
class DerivativeCount:
    repo: str
    total: int
    by_relation: dict[str, int]


def derivatives_count(hub_url: str, repo: str, *, client: httpx.Client | None = None) -> DerivativeCount:
    own = client is None
    client = client or outbound.sync_client(timeout=TIMEOUT)
    url: str | None = f"{hub_url.rstrip('/')}/api/models"
    params: dict | None = {"filter": f"base_model:{repo}", "limit": PAGE_SIZE}
    seen: set[str] = set()
    relations: Counter = Counter()
    try:
        pages = 0
        while url is not None:
            pages += 1
            if pages > MAX_PAGES:
                raise HubError(f"more than {MAX_PAGES} pages")
            try:
                response = client.get(url, params=params)
            except httpx.HTTPError as error:
                raise HubError(f"{type(error).__name__}: {error}") from error
            if response.status_code != 200:
                raise HubError(f"HTTP {response.status_code}")
            try:
                models = response.json()
            except ValueError as error:
                raise HubError("the hub did not answer JSON") from error
            if not isinstance(models, list):
                raise HubError("the hub answered something other than a list of models")
            for model in models:
                name = model.get("id") or model.get("modelId") if isinstance(model, dict) else None
                if not name or name == repo or name in seen:
                    continue
                seen.add(name)
                tags = set(model.get("tags") or [])
                relation = next((r for r in RELATIONS if f"base_model:{r}:{repo}" in tags), "other")
                relations[relation] += 1
            following = response.links.get("next", {}).get("url")
            url, params = following, None  # the next link carries its own query
    finally:
        if own:
            client.close()
    return DerivativeCount(repo=repo, total=len(seen), by_relation=dict(relations))
