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
SWITCHES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "FORWARDED_ALLOW_IPS",
)


def read_settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_nothing_configured_runs_embedded_with_debug_off():
    found = read_settings()
    assert found["db"] == "django.db.backends.sqlite3"
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["eager"] is True
    # DEBUG is a developer's explicit choice (make run sets DJANGO_DEBUG=1), never the default.
    assert found["debug"] is False
    assert read_settings(DJANGO_DEBUG="1")["debug"] is True


def test_database_and_redis_urls_switch_to_services():
    found = read_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert found["db"] == "django.db.backends.postgresql"
    assert found["db_name"] == "test"
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"
    assert found["cache"] == "core.redis_cache.RedisCache"  # Django's, one client per pool
    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["eager"] is False


def test_a_misspelt_boolean_is_refused():
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(DJANGO_DEBUG="maybe", DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert out.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in out.stderr


@pytest.mark.parametrize(
    "name",
    [
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "ARENA_VOTER_SALT",
        "FORWARDED_ALLOW_IPS",
        "HEALTHZ_DETAIL_NETWORKS",
        "AXES_FAILURE_LIMIT",
        "DJANGO_HSTS_SECONDS",
    ],
)
def test_env_example_documents_the_variable(name):
    assert f"{name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")


HEADERS_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
host = {"HTTP_HOST": "portal.example.kr"}
language = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True, **host)
plain = client.get("/arena/privacy/", **host)
health = client.get("/healthz", **host)
print(json.dumps({
    "headers": dict(language.headers),
    "language_cookie": language.cookies["django_language"].output(),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "healthz_status": health.status_code,
}))
"""


def test_production_sends_the_security_headers_and_secure_cookies(production_env):
    env = {k: v for k, v in production_env.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run(
        [sys.executable, "-c", HEADERS_PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    headers = found["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in headers["Permissions-Policy"] and "microphone=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in found["language_cookie"] and "HttpOnly" in found["language_cookie"]
    # Plain HTTP is sent to HTTPS, except the load balancer's health probe.
    assert found["plain_status"] == 301
    assert found["plain_location"] == "https://portal.example.kr/arena/privacy/"
    assert found["healthz_status"] != 301
