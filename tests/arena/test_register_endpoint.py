import io

import pytest
from django.core.management import CommandError, call_command

from arena.models import ModelEndpoint

pytestmark = pytest.mark.django_db


def register(*extra):
    out = io.StringIO()
    call_command("register_endpoint", "--team", "팀 X", "--model", "X-1", *extra, stdout=out)
    return out.getvalue()


def test_register_is_idempotent_per_team_and_model(monkeypatch):
    monkeypatch.setenv("TEAM_X_KEY", "sk-very-secret")
    assert "Registered" in register(
        "--base-url", "http://x:8000/v1", "--model-id", "x1", "--api-key-env", "TEAM_X_KEY"
    )
    out = register(
        "--base-url",
        "http://x:9000/v1",
        "--model-id",
        "x1-v2",
        "--api-key-env",
        "TEAM_X_KEY",
        "--weight",
        "2",
    )
    assert "Updated" in out and "sk-very-secret" not in out
    endpoint = ModelEndpoint.objects.get()
    assert (endpoint.base_url, endpoint.model_id, endpoint.weight) == ("http://x:9000/v1", "x1-v2", 2.0)
    assert endpoint.api_key() == "sk-very-secret"
    stored = [str(v) for v in ModelEndpoint.objects.values().get().values()]
    assert not any("sk-very-secret" in v for v in stored)


@pytest.mark.parametrize(
    "extra",
    [
        ("--base-url", "not a url", "--model-id", "x"),
        ("--base-url", "http://x/v1", "--model-id", "x", "--weight", "-1"),
    ],
)
def test_bad_input_changes_nothing(extra):
    with pytest.raises(CommandError):
        register(*extra)
    assert ModelEndpoint.objects.count() == 0
