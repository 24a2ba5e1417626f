"""The checks that stop a production start on development-only settings.

The settings module is permissive so that a fresh clone runs with nothing configured; these checks are
what keeps that convenience out of production. They run as Django system checks (every `manage.py`
command) and again when the ASGI or WSGI application loads (`refuse_unsafe_start`), so a server
started straight from `gunicorn portal.asgi:application` cannot skip them.

Most bite only when DEBUG is off. One bites when DEBUG is on: DEBUG with a public host name, which
would show tracebacks and settings to anyone who reaches the site.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from core.verification import provider

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
MIN_SECRET_LENGTH = 50


def _is_local_host(host: str) -> bool:
    host = host.lstrip(".")
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def debug_exposure_problems() -> list[CheckMessage]:
    if not settings.DEBUG:
        return []
    public = [host for host in settings.ALLOWED_HOSTS if not _is_local_host(host)]
    if not public:
        return []
    return [
        Error(
            f"DEBUG is on and ALLOWED_HOSTS names hosts other than this machine: {', '.join(public)}.",
            hint="DEBUG pages show code and settings to anyone; unset DJANGO_DEBUG (production) or keep "
            "DJANGO_ALLOWED_HOSTS local.",
            id="portal.E007",
        )
    ]


def _proxy_problem() -> str | None:
    raw = settings.FORWARDED_ALLOW_IPS
    if raw is None:
        return "FORWARDED_ALLOW_IPS is unset"
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if item == "*":
            return "FORWARDED_ALLOW_IPS trusts every address ('*')"
        if item.startswith("unix:"):
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"FORWARDED_ALLOW_IPS has {item!r}, which is not an address or network"
    return None


def production_problems() -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = []
    secret = settings.SECRET_KEY
    if secret == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "DEBUG is off but SECRET_KEY is the development key.",
                hint="Set DJANGO_SECRET_KEY to a long random value.",
                id="portal.E001",
            )
        )
    elif len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 5:
        errors.append(
            Error(
                f"DEBUG is off but SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters or barely varied.",
                hint="Set DJANGO_SECRET_KEY to a long random value, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'.",
                id="portal.E006",
            )
        )
    layer = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if layer.endswith("InMemoryChannelLayer"):
        errors.append(
            Error(
                "DEBUG is off but the channel layer is in memory: websockets break across processes.",
                hint="Set REDIS_URL.",
                id="portal.E002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "DEBUG is off but Celery runs tasks eagerly inside web requests.",
                hint="Set REDIS_URL (or CELERY_BROKER_URL) and run Celery workers and beat.",
                id="portal.E003",
            )
        )
    if getattr(provider(), "is_development", False):
        errors.append(
            Error(
                "DEBUG is off but identity verification uses the development provider (anyone can be anyone).",
                hint="Set ARENA_VERIFICATION_PROVIDER to a real 본인확인 provider class.",
                id="portal.E004",
            )
        )
    if settings.ARENA_VOTER_SALT == settings.DEV_VOTER_SALT or len(settings.ARENA_VOTER_SALT) < 32:
        errors.append(
            Error(
                "DEBUG is off but ARENA_VOTER_SALT is the development salt or shorter than 32 characters: "
                "anyone could link voter pseudonyms to sessions.",
                hint="Set ARENA_VOTER_SALT to a long random value (a new one per evaluation campaign).",
                id="portal.E005",
            )
        )
    if (problem := _proxy_problem()) is not None:
        errors.append(
            Error(
                f"DEBUG is off but {problem}: behind a proxy either every citizen shares the proxy's "
                "address (and its usage limits) or any client can claim any address.",
                hint="Set FORWARDED_ALLOW_IPS to your reverse proxies' addresses (127.0.0.1 when the proxy "
                "runs on this host, or an empty value when clients connect directly).",
                id="portal.E008",
            )
        )
    if not settings.ARENA_CANARY_PROMPTS_FILE:
        errors.append(
            Warning(
                "DEBUG is off and the drift canaries use the built-in prompts, which are public in the "
                "source: a team could recognise them and answer them from the attested model.",
                hint="Set ARENA_CANARY_PROMPTS_FILE to a file of secret prompts, blank-line separated.",
                id="portal.W002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Warning(
                "DEBUG is off and the database is SQLite.",
                hint="Set DATABASE_URL to PostgreSQL for anything beyond one process.",
                id="portal.W001",
            )
        )
    return errors


def method_problems() -> list[CheckMessage]:
    """Method settings with a fixed set of values: an unknown one would silently change no board."""
    errors = []
    if settings.ARENA_SAMPLER not in ("teams", "active"):
        errors.append(
            Error(
                f"ARENA_SAMPLER is {settings.ARENA_SAMPLER!r}.",
                hint='Use "teams" (equal exposure per team) or "active" (active sampling).',
                id="portal.E020",
            )
        )
    if settings.LEADERBOARD_TIES_MODEL not in ("bradley_terry", "rao_kupper"):
        errors.append(
            Error(
                f"LEADERBOARD_TIES_MODEL is {settings.LEADERBOARD_TIES_MODEL!r}.",
                hint='Use "bradley_terry" or "rao_kupper".',
                id="portal.E021",
            )
        )
    return errors


@register(Tags.security, deploy=False)
def production_settings_check(app_configs, **kwargs):
    return debug_exposure_problems() + production_problems() + method_problems()


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured, naming every problem, if this process must not serve requests."""
    errors = [
        m for m in debug_exposure_problems() + production_problems() + method_problems() if m.is_serious()
    ]
    if errors:
        lines = "\n".join(f"  {m.id}: {m.msg} {m.hint}" for m in errors)
        raise ImproperlyConfigured(f"The portal refuses to start with these settings:\n{lines}")
