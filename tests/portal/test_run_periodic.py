import io

import pytest
from django.core.management import call_command

from arena.models import ModelEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


def test_embedded_scheduler_runs_every_beat_entry(seed_data):
    from arena.services import endpoint_register

    endpoint_register(
        team="고장팀", model="고장-모델", base_url="http://127.0.0.1:9/v1", model_id="broken", internal=True
    )
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    text = out.getvalue()
    for name in (
        "probe-model-endpoints",
        "refresh-leaderboard",
        "purge-old-conversations",
        "scan-voter-anomalies",
        "publish-ledger-roots",
    ):
        assert f"{name}:" in text
    assert not ModelEndpoint.objects.get(model_id="broken").is_healthy
