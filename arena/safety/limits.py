"""Usage limits that hold across processes: counters in the cache (Redis when REDIS_URL is set).

Fixed windows keyed by the window's index. Taking an allowance is all or nothing: when one of several
limits refuses, the counts already taken for the others are given back, so a refused prompt or vote
leaves no trace. Subjects (voter pseudonyms, network prefixes, prompt digests) are hashed before they
become keys; nothing here is stored beyond the window.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arena.errors import ArenaError


@dataclass(frozen=True)
class Limit:
    name: str
    maximum: int
    window: int  # seconds


class LimitExceeded(ArenaError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code=self.code)
        self.retry_after = retry_after


def battles_per_hour() -> Limit:
    return Limit("battles", settings.ARENA_BATTLES_PER_HOUR, 3600)


def votes_per_day() -> Limit:
    return Limit("votes", settings.ARENA_VOTES_PER_DAY, 86400)


def chars_per_network() -> Limit:
    return Limit("chars", settings.ARENA_CHARS_PER_2H_PER_NETWORK, 7200)


def prompt_repeats() -> Limit:
    return Limit("prompt", settings.ARENA_PROMPT_REPEATS_PER_DAY, 86400)


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) a client is in: one household or office, not one device."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def prompt_digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest()


def _key(limit: Limit, subject: str, now: float) -> tuple[str, int]:
    window_index = int(now // limit.window)
    digest = hmac.new(settings.ARENA_VOTER_SALT.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]
    retry_after = math.ceil((window_index + 1) * limit.window - now)
    return f"limit:{limit.name}:{digest}:{window_index}", retry_after


Receipt = list[tuple[str, int]]


def take(*requests: tuple[Limit, str, int]) -> Receipt:
    """Take `amount` from each (limit, subject) allowance, or none of them. Raises LimitExceeded.
    Returns a receipt for `give_back` in case the work it paid for does not happen after all."""
    now = time.time()
    taken: Receipt = []
    for limit, subject, amount in requests:
        key, retry_after = _key(limit, subject, now)
        cache.add(key, 0, timeout=limit.window + 60)
        if cache.incr(key, amount) > limit.maximum:
            cache.decr(key, amount)
            give_back(taken)
            raise LimitExceeded(_message(limit, retry_after), retry_after)
        taken.append((key, amount))
    return taken


def give_back(receipt: Receipt) -> None:
    for key, amount in receipt:
        with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing left to give back
            cache.decr(key, amount)


def _message(limit: Limit, retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    wait = ngettext("%(n)d분", "%(n)d분", minutes) % {"n": minutes}
    texts = {
        "battles": _("한 시간에 새 대결은 %(max)d번까지 시작할 수 있습니다."),
        "votes": _("하루에 투표는 %(max)d번까지 할 수 있습니다."),
        "chars": _("같은 네트워크에서 두 시간 동안 보낼 수 있는 질문 분량(%(max)d자)을 넘었습니다."),
        "prompt": _("같은 질문이 오늘 너무 많이 제출되었습니다. 다른 질문으로 참여해 주세요."),
    }
    return f"{texts[limit.name] % {'max': limit.maximum}} " + _("%(wait)s 뒤에 다시 시도해 주세요.") % {
        "wait": wait
    }
