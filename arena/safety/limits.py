"""Usage limits that hold across processes and cannot be turned against others: counters in the cache
(Redis when REDIS_URL is set), per pseudonym, per device and per network.

Fixed windows keyed by the window's index. Taking an allowance is all or nothing: when one of several
limits refuses, the counts already taken for the others are given back, so a refused prompt or vote
leaves no trace. Budgets that a whole network shares have a ceiling well above what one person can
use, and what one person uses is counted against their own (network, pseudonym) budget first, so one
client cannot exhaust a network (an office, a school, a mobile carrier's NAT) for everyone else.
Nothing is counted globally per prompt: a repeated prompt is counted per network.

Who is counting, and what we keep of them (PIPA, shared/research/domain-facts.md 4.3):

- The network is the /24 (IPv4) or /48 (IPv6) the request comes from: one household, office or
  carrier gateway, never a single device. It is kept only as an HMAC under a key made for the day
  (DailyKey) and deleted when the next day's key is made: within a day the votes of one network can
  be tested together; after it, not even we can tell which network a hash was. No raw address is
  stored anywhere (the access log is the web server's, outside this code).
- The device fingerprint is that network plus two headers every browser sends with every request:
  the browser family and major version with the operating system (from User-Agent), and the
  preferred languages (Accept-Language). Nothing is read from the device (no cookie of ours, no
  canvas, fonts, screen or timezone probing), so it tells "the same kind of browser in the same
  network", which is what a script opening thirty sessions looks like, not who anyone is. It is
  hashed with the same daily key and lives only in the cache for the length of a limit's window;
  it is never written to the database.
- Both serve one purpose, stated in the privacy notice: keeping usage within fair limits and votes
  honest. That is proportionate (PIPA articles 3 and 16: the least data for the purpose) where a
  stored address or an active fingerprint would not be.

Behind a reverse proxy the client address is only right if uvicorn trusts that proxy's
X-Forwarded-For: FORWARDED_ALLOW_IPS (README, .env.example).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arena.errors import ArenaError
from arena.models import DailyKey
from arena.safety import textnorm


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


# --- who is asking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """A request's network and device, as today's keyed hashes (see the module docstring)."""

    network: str
    device: str

    @classmethod
    def unknown(cls) -> Client:
        return cls(network="unknown", device="unknown")


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) a client is in: one household or office, not one device."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


_BROWSERS = re.compile(r"(Edg|OPR|SamsungBrowser|Whale|Firefox|Chrome|CriOS|FxiOS|Version)/(\d+)")
_SYSTEMS = re.compile(r"Windows|Android|iPhone|iPad|Mac OS X|CrOS|Linux")


def device_class(user_agent: str, accept_language: str) -> str:
    """Browser family and major version, operating system, preferred languages: what every browser
    says with every request, reduced so it does not single anyone out."""
    browser = _BROWSERS.search(user_agent or "")
    system = _SYSTEMS.search(user_agent or "")
    languages = ",".join(
        part.split(";")[0].strip().lower() for part in (accept_language or "").split(",")[:3]
    )
    family = f"{browser.group(1)}/{browser.group(2)}" if browser else (user_agent or "")[:40]
    return f"{family}|{system.group() if system else '-'}|{languages}"


_day_keys: dict[dt.date, str] = {}


def day_key(today: dt.date | None = None) -> str:
    """Today's hashing key, made on first use; earlier days' keys are deleted then."""
    today = today or timezone.localdate()
    key = _day_keys.get(today)
    if key is not None:
        return key
    row = DailyKey.objects.filter(day=today).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DailyKey.objects.create(day=today, key=secrets.token_hex(32))
        except IntegrityError:  # another process made it first
            row = DailyKey.objects.get(day=today)
        DailyKey.objects.filter(day__lt=today).delete()
    _day_keys.clear()
    _day_keys[today] = row.key
    return row.key


def _keyed(value: str) -> str:
    return hmac.new(day_key().encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_of(address: str | None, user_agent: str = "", accept_language: str = "") -> Client:
    network = network_of(address)
    if network == "unknown":
        return Client.unknown()
    return Client(
        network=_keyed(f"net:{network}"),
        device=_keyed(f"dev:{network}|{device_class(user_agent, accept_language)}"),
    )


def client_from_scope(scope) -> Client:
    """For the websocket consumer: the ASGI client address and the handshake's headers."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    address = (scope.get("client") or [None])[0]
    return client_of(address, headers.get("user-agent", ""), headers.get("accept-language", ""))


def client_from_request(request) -> Client:
    meta = request.META
    return client_of(
        meta.get("REMOTE_ADDR"), meta.get("HTTP_USER_AGENT", ""), meta.get("HTTP_ACCEPT_LANGUAGE", "")
    )


# --- the limits --------------------------------------------------------------------------------------


def battles_per_hour() -> Limit:
    return Limit("battles", settings.ARENA_BATTLES_PER_HOUR, 3600)


def battles_per_hour_device() -> Limit:
    return Limit("battles_device", settings.ARENA_BATTLES_PER_HOUR_PER_DEVICE, 3600)


def battles_per_hour_network() -> Limit:
    return Limit("battles_network", settings.ARENA_BATTLES_PER_HOUR_PER_NETWORK, 3600)


def votes_per_day() -> Limit:
    return Limit("votes", settings.ARENA_VOTES_PER_DAY, 86400)


def votes_per_day_device() -> Limit:
    return Limit("votes_device", settings.ARENA_VOTES_PER_DAY_PER_DEVICE, 86400)


def votes_per_day_network() -> Limit:
    return Limit("votes_network", settings.ARENA_VOTES_PER_DAY_PER_NETWORK, 86400)


def consents_per_day_device() -> Limit:
    return Limit("consents_device", settings.ARENA_CONSENTS_PER_DAY_PER_DEVICE, 86400)


def consents_per_day_network() -> Limit:
    return Limit("consents_network", settings.ARENA_CONSENTS_PER_DAY_PER_NETWORK, 86400)


def chars_per_voter() -> Limit:
    return Limit("chars", settings.ARENA_CHARS_PER_2H_PER_VOTER, 7200)


def chars_per_network() -> Limit:
    return Limit("chars_network", settings.ARENA_CHARS_PER_2H_PER_NETWORK, 7200)


def prompt_repeats() -> Limit:
    return Limit("prompt", settings.ARENA_PROMPT_REPEATS_PER_DAY, 86400)


def prompt_digest(text: str) -> str:
    """The same prompt however it is spelled: normalised, case and spacing and punctuation ignored."""
    judged = textnorm.fold(text).casefold()
    return hashlib.sha256(re.sub(r"[\W_]+", "", judged).encode()).hexdigest()


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
        if _count(key, amount, limit.window + 60) > limit.maximum:
            cache.decr(key, amount)
            give_back(taken)
            raise LimitExceeded(_message(limit, retry_after), retry_after)
        taken.append((key, amount))
    return taken


def _count(key: str, amount: int, timeout: int) -> int:
    """Add to a counter that starts at 0 and lives `timeout` seconds: one round trip on the portal's
    Redis cache (core/redis_cache.py), an add and an incr on any other."""
    if (count := getattr(cache, "count", None)) is not None:
        return count(key, amount, timeout)
    cache.add(key, 0, timeout=timeout)
    return cache.incr(key, amount)


def give_back(receipt: Receipt) -> None:
    for key, amount in receipt:
        with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing left to give back
            cache.decr(key, amount)


@dataclass
class TurnAllowance:
    """What a turn took: the characters are given back when nothing was streamed after all."""

    receipt: Receipt
    chars: Receipt

    def give_back_chars(self) -> None:
        give_back(self.chars)
        self.chars = []

    def give_back_all(self) -> None:
        give_back(self.receipt)
        self.give_back_chars()


def turn_take(
    *, voter: str, client: Client, text: str, new_battle: bool, exempt: bool = False
) -> TurnAllowance:
    """A turn's allowance: characters from the voter's own budget in this network and from the
    network's higher ceiling; the same prompt at most so often from one network; a new battle
    counted per pseudonym, device and network (verified panel members: per pseudonym only)."""
    # Without a client address (a Unix socket and no trusted proxy) there is no network to share a
    # budget with: only the voter's own limits apply, never one budget for everyone.
    known = client.network != "unknown"
    chars_requests = [(chars_per_voter(), f"{client.network}|{voter}", len(text))]
    if known:
        chars_requests.append((chars_per_network(), client.network, len(text)))
    chars = take(*chars_requests)
    requests = [(prompt_repeats(), f"{client.network if known else voter}|{prompt_digest(text)}", 1)]
    if new_battle:
        requests.append((battles_per_hour(), voter, 1))
        if known and not exempt:
            requests += [
                (battles_per_hour_device(), client.device, 1),
                (battles_per_hour_network(), client.network, 1),
            ]
    try:
        receipt = take(*requests)
    except LimitExceeded:
        give_back(chars)
        raise
    return TurnAllowance(receipt, chars)


def vote_take(*, voter: str, client: Client | None, exempt: bool = False) -> bool:
    """Count a vote. Over the voter's own daily limit it is refused (LimitExceeded); over the device's
    or the network's it is kept and not counted (returns False), so nobody sharing a network is
    locked out by someone else. Verified panel members are held to their own limit only."""
    take((votes_per_day(), voter, 1))
    if exempt or client is None or client.network == "unknown":
        return True
    try:
        take((votes_per_day_device(), client.device, 1), (votes_per_day_network(), client.network, 1))
    except LimitExceeded:
        return False
    return True


def consent_take(client: Client) -> None:
    """A new pseudonym from this device and network; refused past the daily limits."""
    if client.network == "unknown":
        return
    take((consents_per_day_device(), client.device, 1), (consents_per_day_network(), client.network, 1))


def _message(limit: Limit, retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    wait = ngettext("%(n)d분", "%(n)d분", minutes) % {"n": minutes}
    texts = {
        "battles": _("한 시간에 새 대결은 %(max)d번까지 시작할 수 있습니다."),
        "battles_device": _("이 기기에서 한 시간에 시작할 수 있는 새 대결(%(max)d번)을 넘었습니다."),
        "battles_network": _("같은 네트워크에서 한 시간에 시작할 수 있는 새 대결(%(max)d번)을 넘었습니다."),
        "votes": _("하루에 투표는 %(max)d번까지 할 수 있습니다."),
        "votes_device": _("이 기기에서 하루에 할 수 있는 투표(%(max)d번)를 넘었습니다."),
        "votes_network": _("같은 네트워크에서 하루에 할 수 있는 투표(%(max)d번)를 넘었습니다."),
        "consents_device": _("이 기기에서 오늘 새로 참여할 수 있는 횟수(%(max)d번)를 넘었습니다."),
        "consents_network": _("같은 네트워크에서 오늘 새로 참여할 수 있는 횟수(%(max)d번)를 넘었습니다."),
        "chars": _("두 시간 동안 보낼 수 있는 질문 분량(%(max)d자)을 넘었습니다."),
        "chars_network": _("같은 네트워크에서 두 시간 동안 보낼 수 있는 질문 분량(%(max)d자)을 넘었습니다."),
        "prompt": _(
            "같은 질문이 오늘 이 네트워크에서 너무 많이 제출되었습니다. 다른 질문으로 참여해 주세요."
        ),
    }
    return f"{texts[limit.name] % {'max': limit.maximum}} " + _("%(wait)s 뒤에 다시 시도해 주세요.") % {
        "wait": wait
    }
