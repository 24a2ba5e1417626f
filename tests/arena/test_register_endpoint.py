"""Registering a team endpoint (the command, the service, the admin) and what its settings may be.

Attacker's view: an endpoint form or command must not send any process variable (DJANGO_SECRET_KEY,
DATABASE_URL, another team's key) to any host, nor point the portal at its own network."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from arena.endpoints import inference
from arena.endpoints import services as endpoint_services
from arena.endpoints.services import endpoint_register
from arena.models import ModelEndpoint, Team
from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db

PUBLIC = "https://8.8.8.8/v1"  # a literal public address: validated, never contacted


def register(*extra):
    out = io.StringIO()
    call_command("register_endpoint", "--team", "팀 X", "--model", "X-1", *extra, stdout=out)
    return out.getvalue()


def test_register_is_idempotent_per_team_and_model(monkeypatch):
    monkeypatch.setenv("TEAM_X_KEY", "sk-very-secret")
    common = ("--team-code", "X", "--api-key-env", "TEAM_X_KEY", "--internal")
    assert "Registered" in register("--base-url", "http://x:8000/v1", "--model-id", "x1", *common)
    out = register("--base-url", "http://x:9000/v1", "--model-id", "x1-v2", "--weight", "2", *common)
    assert "Updated" in out and "sk-very-secret" not in out
    endpoint = ModelEndpoint.objects.get()
    assert (endpoint.base_url, endpoint.model_id, endpoint.weight) == ("http://x:9000/v1", "x1-v2", 2.0)
    assert endpoint.is_internal and endpoint.team.code == "X"
    assert endpoint.api_key() == "sk-very-secret"
    stored = [str(v) for v in ModelEndpoint.objects.values().get().values()]
    assert not any("sk-very-secret" in v for v in stored)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--base-url", "not a url", "--model-id", "x"), "http://"),
        (("--base-url", PUBLIC, "--model-id", "x", "--weight", "-1"), "--weight"),
        (("--base-url", PUBLIC + "?api-version=1", "--model-id", "x"), "?"),
        (("--base-url", PUBLIC + "#frag", "--model-id", "x"), "#"),
        (("--base-url", "https://team:pw@8.8.8.8/v1", "--model-id", "x"), "비밀번호"),
        # The portal's own network, unless an administrator says the server lives there.
        (("--base-url", "http://127.0.0.1:6379/v1", "--model-id", "x"), "loopback"),
        (("--base-url", "http://localhost:8000/v1", "--model-id", "x"), "loopback"),
        (("--base-url", "http://169.254.169.254/latest", "--model-id", "x"), "link-local"),
        (("--base-url", "http://10.1.2.3:8000/v1", "--model-id", "x"), "not a public address"),
        (("--base-url", "http://[::ffff:127.0.0.1]:8000/v1", "--model-id", "x"), "loopback"),
        (("--base-url", "http://[fe80::1]/v1", "--model-id", "x"), "link-local"),
        (("--base-url", "http://no-such-host.invalid/v1", "--model-id", "x"), "does not resolve"),
        # Key variables: only TEAM_<this team's code>_..._KEY.
        (("--base-url", PUBLIC, "--model-id", "x", "--api-key-env", "DJANGO_SECRET_KEY"), "TEAM_"),
        (("--base-url", PUBLIC, "--model-id", "x", "--api-key-env", "DATABASE_URL"), "TEAM_"),
        (("--base-url", PUBLIC, "--model-id", "x", "--api-key-env", "TEAM_X_KEY"), "팀 코드"),
        (
            ("--base-url", PUBLIC, "--model-id", "x", "--team-code", "X", "--api-key-env", "TEAM_Y_KEY"),
            "TEAM_X_",
        ),
        (("--base-url", PUBLIC, "--model-id", "x", "--team-code", "x-team"), "팀 코드"),
    ],
)
def test_bad_input_changes_nothing(extra, says):
    with pytest.raises(CommandError) as refused:
        register(*extra)
    assert says in str(refused.value)
    assert ModelEndpoint.objects.count() == 0
    assert not Team.objects.exclude(code="").exists()


SIGNED = ("--checkpoint", "sha256:x1", "--licence", "Apache-2.0", "--statement", "같은 모델입니다.")


def test_a_version_registered_with_its_attestation_may_be_sampled_and_without_it_never():
    plain = register("--base-url", PUBLIC, "--model-id", "x0")
    assert "not attested" in plain
    out = register(
        *("--model", "X-2", "--base-url", PUBLIC, "--model-id", "x2"),
        *SIGNED,
        *("--signed-by", "홍 책임", "--params-total", "8000000000", "--open-weights"),
    )
    assert ", attested" in out
    assert list(ModelEndpoint.objects.available().values_list("model_id", flat=True)) == ["x2"]
    attestation = ModelEndpoint.objects.get(model_id="x2").attestation
    assert (attestation.signed_by_name, attestation.params_total, attestation.open_weights) == (
        "홍 책임",
        8_000_000_000,
        True,
    )


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (SIGNED, "--signed-by"),  # half an attestation is refused before anything is written
        # A refused attestation (active parameters above the total) leaves no unattested version behind.
        (SIGNED + ("--signed-by", "홍", "--params-total", "10", "--params-active", "20"), "nothing was"),
    ],
)
def test_a_refused_attestation_registers_nothing(extra, says):
    with pytest.raises(CommandError) as refused:
        register("--base-url", PUBLIC, "--model-id", "x", *extra)
    assert says in str(refused.value)
    assert ModelEndpoint.objects.count() == 0


def test_a_public_host_and_a_second_key_of_the_same_team_are_accepted(monkeypatch):
    monkeypatch.setenv("TEAM_X_LARGE_KEY", "sk-large")
    register("--base-url", PUBLIC, "--model-id", "x", "--team-code", "X", "--api-key-env", "TEAM_X_LARGE_KEY")
    endpoint = ModelEndpoint.objects.get()
    assert not endpoint.is_internal and endpoint.api_key() == "sk-large"


def test_a_row_written_around_the_checks_still_cannot_read_other_variables(monkeypatch):
    """Defence in depth: the key is read only from a variable this team may name."""
    monkeypatch.setenv("TEAM_Y_KEY", "sk-team-y")
    team = Team.objects.create(name="팀 X", code="X")
    sneaky = ModelEndpoint.objects.create(team=team, name="m", base_url=PUBLIC, model_id="m")
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "TEAM_Y_KEY"):
        sneaky.api_key_env = name
        assert sneaky.api_key() is None


def test_another_team_cannot_take_a_code(monkeypatch):
    endpoint_register(team="팀 X", model="a", base_url=PUBLIC, model_id="a", team_code="X")
    with pytest.raises(ValidationError):
        endpoint_register(team="팀 Y", model="b", base_url=PUBLIC, model_id="b", team_code="X")


# The endpoint form carries the attestation inline; an add without one sends its empty management form.
NO_ATTESTATION = {"attestation-TOTAL_FORMS": "0", "attestation-INITIAL_FORMS": "0"}


def test_admin_form_refuses_a_private_host_and_a_foreign_key_variable(admin_client):
    client = admin_client  # a superuser: an administrator
    team = Team.objects.create(name="팀 X", code="X")
    form = {
        "team": team.pk,
        "name": "X-1",
        "base_url": "http://169.254.169.254/v1",
        "model_id": "x",
        "api_key_env": "DJANGO_SECRET_KEY",
        "aliases": "",
        "weight": "1",
        "is_active": "on",
    } | NO_ATTESTATION
    response = client.post("/admin/arena/modelendpoint/add/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "공개 인터넷 주소가 아닙니다" in html and "TEAM_&lt;팀 코드&gt;_KEY" in html
    assert not ModelEndpoint.objects.exists()
    form |= {"base_url": "http://127.0.0.1:8001/v1", "api_key_env": "TEAM_X_KEY", "is_internal": "on"}
    assert client.post("/admin/arena/modelendpoint/add/", form).status_code == 302
    assert ModelEndpoint.objects.get().is_internal


def test_only_administrators_may_mark_an_endpoint_internal(client):
    staff = make_user("reviewer", roles.MINISTRY_REVIEWER, is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="modelendpoint"))
    client.force_login(staff)
    team = Team.objects.create(name="팀 X", code="X")
    form = {
        "team": team.pk,
        "name": "X-1",
        "base_url": "http://127.0.0.1:8001/v1",
        "model_id": "x",
        "api_key_env": "",
        "aliases": "",
        "weight": "1",
        "is_active": "on",
        "is_internal": "on",
    } | NO_ATTESTATION
    response = client.post("/admin/arena/modelendpoint/add/", form)
    assert response.status_code == 200 and "공개 인터넷 주소가 아닙니다" in response.content.decode()
    assert not ModelEndpoint.objects.exists()


async def test_the_inference_client_checks_the_host_again_at_request_time():
    """A name that was public at registration can be repointed; the request itself is refused."""
    endpoint = inference.Endpoint(base_url="http://127.0.0.1:9/v1", model_id="m", public_only=True)
    with pytest.raises(inference.InferenceError) as refused:
        async for _item in inference.stream_chat(endpoint, [{"role": "user", "content": "hi"}]):
            pass
    assert refused.value.kind == "blocked_host" and not refused.value.retryable


def test_the_portal_sends_team_endpoints_through_that_check():
    team = Team.objects.create(name="팀 X", code="X")
    outside = ModelEndpoint.objects.create(team=team, name="a", base_url=PUBLIC, model_id="a")
    demo = ModelEndpoint.objects.create(team=team, name="b", base_url=PUBLIC, model_id="b", is_internal=True)
    assert endpoint_services.endpoint_config(outside).public_only is True
    assert endpoint_services.endpoint_config(demo).public_only is False
