"""The production-safety checks, run as a deploy runs them: `manage.py check`, `check --deploy`, and a
server importing the ASGI or WSGI application. Each in a fresh interpreter with its own environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Everything the suite's own environment could lend a child process that would change the posture.
INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "ARENA_VOTER_SALT",
    "ARENA_VERIFICATION_PROVIDER",
    "FORWARDED_ALLOW_IPS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest for their own process
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], **env)


def test_debug_mode_passes_with_nothing_configured():
    out = manage("check", DJANGO_DEBUG="1")
    assert out.returncode == 0, out.stderr


def test_nothing_configured_is_production_and_is_refused():
    out = manage("check")
    assert out.returncode != 0
    for code in ("portal.E001", "portal.E002", "portal.E003", "portal.E004", "portal.E005", "portal.E008"):
        assert code in out.stderr


def test_documented_production_environment_passes_check_deploy_without_a_warning(production_env):
    out = manage("check", "--deploy", "--fail-level", "WARNING", **production_env)
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"DJANGO_SECRET_KEY": "short-but-not-the-dev-key"}, "portal.E006"),
        ({"ARENA_VOTER_SALT": ""}, "portal.E005"),
        ({"FORWARDED_ALLOW_IPS": "*"}, "portal.E008"),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.5,proxy.example.kr"}, "portal.E008"),
    ],
)
def test_one_unsafe_production_setting_is_refused(production_env, change, code):
    out = manage("check", **(production_env | change))
    assert out.returncode != 0
    assert code in out.stderr


def test_debug_with_a_public_host_is_refused():
    out = manage("check", DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="portal.example.kr")
    assert out.returncode != 0
    assert "portal.E007" in out.stderr


@pytest.mark.parametrize("module", ["portal.asgi", "portal.wsgi"])
def test_the_server_application_refuses_to_load_with_development_settings(production_env, module):
    """gunicorn and uvicorn import the application without manage.py: the refusal must be there."""
    out = run(["-c", f"import {module}"], **(production_env | {"REDIS_URL": "", "ARENA_VOTER_SALT": ""}))
    assert out.returncode != 0
    assert "ImproperlyConfigured: The portal refuses to start with these settings:" in out.stderr
    assert "portal.E002" in out.stderr and "portal.E005" in out.stderr
    assert "REDIS_URL" in out.stderr  # the hint says what to set


@pytest.mark.parametrize("module", ["portal.asgi", "portal.wsgi"])
def test_the_server_application_loads_in_the_documented_production_environment(production_env, module):
    out = run(["-c", f"import {module}; print({module}.application is not None)"], **production_env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_the_server_application_refuses_debug_on_a_public_host():
    out = run(["-c", "import portal.asgi"], DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="*")
    assert out.returncode != 0
    assert "portal.E007" in out.stderr
