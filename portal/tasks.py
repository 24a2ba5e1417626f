"""Celery adapters of the site shell."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def sessions_clear() -> str:
    """Delete expired sessions, most of them anonymous citizens' consent sessions (beat: daily);
    what `manage.py clearsessions` does, for whichever session engine is configured."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return "expired sessions deleted"
