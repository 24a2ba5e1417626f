"""System checks that stop a production start on development-only settings.

The settings module is permissive so that a fresh clone runs with nothing configured; these checks are
what keeps that convenience out of production. They only bite when DEBUG is off.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core.verification import provider


@register(Tags.security, deploy=False)
def production_settings_check(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "DEBUG is off but SECRET_KEY is the development key.",
                hint="Set DJANGO_SECRET_KEY to a long random value.",
                id="portal.E001",
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
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Warning(
                "DEBUG is off and the database is SQLite.",
                hint="Set DATABASE_URL to PostgreSQL for anything beyond one process.",
                id="portal.W001",
            )
        )
    return errors
