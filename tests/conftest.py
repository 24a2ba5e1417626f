import os
from pathlib import Path

import pytest

from arena.endpoints.demo_models import DemoModelServer
from portal.celery import app as celery_app
from tests.servers import ServerThread


@pytest.fixture(autouse=True, scope="session")
def _eager_celery():
    # Tests run tasks inline even when a Redis broker is configured; no worker is part of the suite.
    # A task's failure reaches whoever waits for its result (`.get()`), never the request that queued
    # it, as with a worker (CELERY_TASK_EAGER_PROPAGATES).
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True, scope="session")
def _socket_db_threads_closed(django_db_setup, django_db_blocker):
    # The sockets' database threads keep their connections; closed before the test database is dropped.
    yield
    from core import socket_db

    with django_db_blocker.unblock():
        socket_db.shutdown()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attest(endpoint, **fields):
    """Sign an attestation for a version, as its team would before it may be sampled."""
    from arena.endpoints.versions import attestation_sign

    values = {
        "checkpoint": f"sha256:{endpoint.model_id}",
        "licence": "Apache-2.0",
        "statement": "평가받는 모델은 공개된 모델과 같습니다.",
        "signed_by_name": "시험 책임자",
    }
    attestation_sign(endpoint=endpoint, **(values | fields))
    return endpoint


def register_attested(**kwargs):
    """`endpoint_register`, then the attestation without which a version is never sampled."""
    from arena.endpoints.services import endpoint_register

    endpoint, created = endpoint_register(**kwargs)
    return attest(endpoint), created


@pytest.fixture
def demo_endpoints(demo_models_url):
    """Register built-in demo models (by model id) as endpoints of their demo teams, attested as the
    demo attests them (with their made-up sizes)."""
    from arena.battles.demo import demo_attest
    from arena.endpoints.demo_models import BY_ID
    from arena.endpoints.services import endpoint_register

    def register(*model_ids: str):
        registered = []
        for m in model_ids:
            endpoint = endpoint_register(
                team=BY_ID[m].team,
                model=BY_ID[m].name,
                base_url=demo_models_url + "/v1",
                model_id=m,
                internal=True,
                is_demo=True,
            )[0]
            demo_attest(endpoint)
            registered.append(endpoint)
        return registered

    return register


@pytest.fixture(scope="session")
def demo_models_url():
    """The built-in demo model server on a real port, 20x faster than in `make run`."""
    with ServerThread(DemoModelServer(speed=20)) as server:
        yield server.url


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API keeps an event loop running on the main thread once started; async tests
    # after it could not start their own. Browser tests therefore run last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters, throttles and the moderation rules cache must not leak between tests.
    from django.core.cache import cache

    cache.clear()
    yield


SEEDING_MIGRATIONS = [
    ("portal.migrations.0001_create_role_groups", "create_groups"),
    ("portal.migrations.0004_facilitator_role_group", "create_group"),
    ("arena.migrations.0004_seed_moderation_rules", "seed"),
    ("arena.migrations.0006_ledger_head", "create_head"),
    ("arena.migrations.0009_default_campaign", "create"),
    ("arena.migrations.0012_seed_access_needs_cell", "create"),
    ("evaluation.migrations.0002_preload_stage_1", "create"),
    ("evaluation.migrations.0004_team_representative_role", "create_group"),
]


@pytest.fixture
def seed_data(transactional_db):
    """Transactional tests flush the database, rows seeded by data migrations included: put them back
    by running the same seeding functions (role groups, default moderation rules, the ledger head)."""
    import importlib

    from django.apps import apps

    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


class OIDCProviderProcess:
    """tests/oidc_provider.py in its own process on a free local port; `behave` sets how it answers."""

    def __init__(self) -> None:
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parents[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider"], cwd=root, stdout=subprocess.PIPE, text=True
        )
        self.issuer = self.process.stdout.readline().strip()
        if not self.issuer.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("the test identity provider did not start")

    def behave(self, mode: str = "good", **claims) -> None:
        import httpx

        httpx.post(
            self.issuer + "/_control", json={"mode": mode, "claims": claims}, timeout=5
        ).raise_for_status()

    def token_requests(self) -> int:
        import httpx

        return httpx.get(self.issuer + "/_state", timeout=5).json()["token_requests"]

    def settings_entry(self, name: str = "testid") -> dict:
        from tests.oidc_provider import CLIENT_ID

        return {
            "name": name,
            "label": "시험 본인확인",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret_env": "TEST_OIDC_CLIENT_SECRET",
            "scopes": ["openid", "birthdate", "gender", "address"],
            "claims": {
                "person": "ci",
                "birthdate": "birthdate",
                "gender": "gender",
                "region": "address.region",
            },
            "identifier_scope": "national",
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def oidc_provider_process():
    provider = OIDCProviderProcess()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_provider(oidc_provider_process, settings, monkeypatch):
    """The portal configured to verify identity through the local OpenID Connect provider, which
    answers correctly for a 40-year-old woman from Seoul until a test says otherwise."""
    from tests.oidc_provider import CLIENT_SECRET

    monkeypatch.setenv("TEST_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    settings.ARENA_VERIFICATION_PROVIDER = "core.oidc.OIDCVerification"
    settings.ARENA_OIDC_PROVIDERS = [oidc_provider_process.settings_entry()]
    oidc_provider_process.behave("good", **_person_claims())
    return oidc_provider_process


@pytest.fixture
def person_claims():
    """Build the claims the test provider sends: a 40-year-old woman from Seoul, with overrides."""
    return _person_claims


def _person_claims(**overrides) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    claims = {
        "ci": "CI-sample-0001-do-not-store",
        "birthdate": today.replace(year=today.year - 40).isoformat(),
        "gender": "female",
        "address": {"region": "서울특별시"},
    }
    return claims | overrides


@pytest.fixture
def live_portal(seed_data):
    """The portal's ASGI application on a real port, as portal.asgi serves it once its start-up checks
    pass. Logging is left to pytest (caplog), so a traceback the server logs is seen by the test."""
    from portal.routing import application

    with ServerThread(application, log_config=None) as server:
        yield server.url


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
