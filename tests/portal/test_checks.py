"""The production-safety system checks, run as `manage.py check` would run them at deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage_check(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_debug_mode_passes_with_nothing_configured():
    out = manage_check(DJANGO_DEBUG="1")
    assert out.returncode == 0, out.stderr


def test_production_refuses_dev_key_in_memory_layer_and_eager_celery():
    out = manage_check(DJANGO_DEBUG="0")
    assert out.returncode != 0
    for code in ("portal.E001", "portal.E002", "portal.E003", "portal.E004"):
        assert code in out.stderr


def test_production_with_real_key_and_redis_passes_with_only_the_sqlite_warning():
    out = manage_check(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        REDIS_URL="redis://127.0.0.1:6379/0",
        # Any non-development provider class passes the check; the test does not verify anyone.
        ARENA_VERIFICATION_PROVIDER="tests.portal.test_checks.StandInProvider",
    )
    assert out.returncode == 0, out.stderr
    assert "portal.W001" in out.stderr
    assert "portal.E00" not in out.stderr


class StandInProvider:
    """Stands in for a real 본인확인 provider so the production settings check can be exercised."""

    name = "stand-in"
    is_development = False
