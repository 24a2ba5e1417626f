"""Settings in both modes, read in a fresh interpreter so the environment really differs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
}))
"""
SWITCHES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_DEBUG")


def read_settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_nothing_configured_runs_embedded():
    found = read_settings()
    assert found["db"] == "django.db.backends.sqlite3"
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["eager"] is True
    assert found["debug"] is True


def test_database_and_redis_urls_switch_to_services():
    found = read_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert found["db"] == "django.db.backends.postgresql"
    assert found["db_name"] == "test"
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["eager"] is False


def test_a_misspelt_boolean_is_refused():
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(DJANGO_DEBUG="maybe", DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert out.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in out.stderr


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "ARENA_VOTER_SALT"]
)
def test_env_example_documents_the_variable(name):
    assert f"{name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
