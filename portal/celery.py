"""The Celery app. Settings come from Django's CELERY_* settings; with no broker they run eagerly."""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each arena context keeps its tasks next to its services; autodiscovery looks one level deep only.
ARENA_CONTEXTS = ["arena.endpoints", "arena.battles", "arena.ratings", "arena.integrity"]
app.autodiscover_tasks(lambda: [*settings.INSTALLED_APPS, *ARENA_CONTEXTS])
