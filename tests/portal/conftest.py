"""Shared by the production-posture tests: the environment the README documents for production."""

import pytest

# The production environment README.md and .env.example document (no service is contacted).
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_",
    "DATABASE_URL": "postgres://kai:secret@db.internal:5432/kai",
    "REDIS_URL": "redis://:secret@redis.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "portal.example.kr",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.kr",
    "ARENA_VOTER_SALT": "campaign-2026-" + "s" * 40,
    "FORWARDED_ALLOW_IPS": "10.0.0.5",
    "ARENA_CANARY_PROMPTS_FILE": "/etc/kai/canaries.txt",
    # Any non-development provider class passes; the tests verify nobody.
    "ARENA_VERIFICATION_PROVIDER": "tests.portal.conftest.StandInProvider",
}


class StandInProvider:
    """Stands in for a real 본인확인 provider so the production settings check can be exercised."""

    name = "stand-in"
    is_development = False


@pytest.fixture
def production_env() -> dict[str, str]:
    return dict(PRODUCTION)
