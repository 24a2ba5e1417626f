import pytest
from django.contrib.sessions.backends.db import SessionStore

from arena.consent import consent_give, session_voter
from arena.endpoints.services import endpoint_register
from tests.conftest import attest

DEAD_URL = "http://127.0.0.1:9/v1"  # nothing listens on port 9


@pytest.fixture
def two_demo_endpoints(demo_endpoints):
    return demo_endpoints("demo-garam", "demo-raon")


@pytest.fixture
def one_dead_endpoint(demo_endpoints):
    return [
        *demo_endpoints("demo-garam"),
        attest(
            endpoint_register(
                team="고장팀", model="고장-모델", base_url=DEAD_URL, model_id="broken", internal=True
            )[0]
        ),
    ]


@pytest.fixture
def consented_session():
    session = SessionStore()
    consent_give(session)
    session.save()
    return session


@pytest.fixture
def voter(consented_session):
    return session_voter(consented_session)
