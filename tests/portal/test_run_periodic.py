import datetime as dt
import io

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from arena.models import CanaryRun, ModelEndpoint
from tests.conftest import attest

pytestmark = pytest.mark.django_db(transaction=True)


def test_embedded_scheduler_runs_every_beat_entry(seed_data):
    from arena.endpoints.services import endpoint_register

    expired, live = SessionStore(), SessionStore()
    for session in (expired, live):
        session["arena_consent"] = "2026-11"
        session.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    broken, _ = endpoint_register(
        team="고장팀", model="고장-모델", base_url="http://127.0.0.1:9/v1", model_id="broken", internal=True
    )
    attest(broken)
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    text = out.getvalue()
    for name in (
        "probe-model-endpoints",
        "drift-canaries",
        "refresh-leaderboard",
        "purge-old-conversations",
        "scan-voter-anomalies",
        "publish-ledger-roots",
        "release-stuck-battles",
        "clear-expired-sessions",
    ):
        assert f"{name}:" in text
    assert not ModelEndpoint.objects.get(model_id="broken").is_healthy
    assert CanaryRun.objects.get(endpoint=broken).outcome == "unhealthy"  # no answer: unhealthy, not drift
    # Anonymous sessions do not pile up: the expired one is gone, the live one stays.
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
