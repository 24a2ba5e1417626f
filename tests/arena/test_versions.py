"""Model versions: the variant cap, attestation before sampling, retirement, the listing rule on every
board, and the method version every board, answer and export carries."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone, translation

from arena.battles import services as battle_services
from arena.endpoints.services import endpoint_register
from arena.endpoints.versions import attestation_sign, version_retire
from arena.errors import NoModelsAvailable
from arena.models import Attestation, Battle, LeaderboardSnapshot, MethodChange, ModelEndpoint, Team, Vote
from arena.ratings import listing
from arena.ratings.export import export_votes
from arena.ratings.method import ALGORITHM
from arena.ratings.snapshots import snapshot_recompute
from core.audit import AuditLog
from tests.arena.factories import bt_votes, endpoints
from tests.conftest import attest

pytestmark = pytest.mark.django_db

PUBLIC = "https://8.8.8.8/v1"  # validated, never contacted


def variant(name: str, team: str = "팀 V"):
    return endpoint_register(team=team, model=name, base_url=PUBLIC, model_id=name)[0]


# --- 1. Variant cap ------------------------------------------------------------------------------


def test_a_fourth_active_variant_is_refused_by_the_service_and_the_command(settings):
    assert settings.ARENA_MAX_ACTIVE_VARIANTS == 3
    for name in ("v1", "v2", "v3"):
        variant(name)
    with pytest.raises(ValidationError) as refused:
        variant("v4")
    assert "is_active" in refused.value.message_dict
    assert "익명 변형 3개" in refused.value.message_dict["is_active"][0]
    assert not ModelEndpoint.objects.filter(name="v4").exists()
    with pytest.raises(CommandError) as command:
        call_command(
            "register_endpoint",
            "--team",
            "팀 V",
            "--model",
            "v4",
            "--base-url",
            PUBLIC,
            "--model-id",
            "v4",
            stdout=io.StringIO(),
        )
    assert "is_active" in str(command.value) and "상한 3개" in str(command.value)
    # Retiring one frees a place; a retired version never counts.
    version_retire(
        endpoint=ModelEndpoint.objects.get(name="v1"), reason="superseded", retired_on=timezone.localdate()
    )
    assert variant("v4").is_active
    assert ModelEndpoint.objects.active_variants().filter(team__name="팀 V").count() == 3


def test_the_refusal_is_in_english_too():
    for name in ("v1", "v2", "v3"):
        variant(name)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        variant("v4")
    message = refused.value.message_dict["is_active"][0]
    assert "variants" in message and "3" in message and "팀" not in message.split("'")[0]


NO_ATTESTATION = {"attestation-TOTAL_FORMS": "0", "attestation-INITIAL_FORMS": "0"}


def test_the_admin_refuses_a_fourth_variant_one_by_one_and_all_at_once(admin_client):
    team = Team.objects.create(name="팀 V")
    for name in ("v1", "v2", "v3"):
        variant(name)
    form = {
        "team": team.pk,
        "name": "v4",
        "base_url": PUBLIC,
        "model_id": "v4",
        "api_key_env": "",
        "aliases": "",
        "weight": "1",
        "is_active": "on",
    } | NO_ATTESTATION
    response = admin_client.post("/admin/arena/modelendpoint/add/", form)
    assert response.status_code == 200 and "익명 변형 3개" in response.content.decode()
    assert ModelEndpoint.objects.filter(team=team).count() == 3
    # The team page's inline: four new rows in one save on an empty team.
    other = Team.objects.create(name="팀 W")
    rows = {
        "name": "팀 W",
        "code": "",
        "organization": "",
        "description": "",
        "aliases": "",
        "endpoints-TOTAL_FORMS": "4",
        "endpoints-INITIAL_FORMS": "0",
    }
    for i in range(4):
        rows |= {
            f"endpoints-{i}-name": f"w{i}",
            f"endpoints-{i}-base_url": PUBLIC,
            f"endpoints-{i}-model_id": f"w{i}",
            f"endpoints-{i}-api_key_env": "",
            f"endpoints-{i}-weight": "1",
            f"endpoints-{i}-is_active": "on",
        }
    response = admin_client.post(f"/admin/arena/team/{other.pk}/change/", rows)
    assert (
        response.status_code == 200 and "동시에 쓸 수 있는 익명 변형은 3개까지" in response.content.decode()
    )
    assert not ModelEndpoint.objects.filter(team=other).exists()


# --- 2. Attestation ------------------------------------------------------------------------------


def test_a_version_without_an_attestation_is_never_sampled(demo_endpoints, demo_models_url):
    (garam,) = demo_endpoints("demo-garam")
    bare = endpoint_register(
        team="팀 무확인",
        model="무확인",
        base_url=demo_models_url + "/v1",
        model_id="demo-raon",
        internal=True,
    )[0]
    assert list(ModelEndpoint.objects.available()) == [garam]
    with pytest.raises(NoModelsAvailable):
        battle_services.battle_create(voter="v")
    attest(bare)
    battle = battle_services.battle_create(voter="v")
    assert {battle.model_a_id, battle.model_b_id} == {garam.pk, bare.pk}


@pytest.mark.parametrize(
    ("missing", "field", "korean", "english"),
    [
        (
            "checkpoint",
            "checkpoint",
            "체크포인트 또는 가중치 해시: 비어 있습니다",
            "Checkpoint or weights hash: empty",
        ),
        ("statement", "statement", "동일성 확인 진술: 비어 있습니다", "Identity statement: empty"),
    ],
)
def test_an_attestation_without_a_hash_or_a_statement_is_refused_naming_the_field(
    missing, field, korean, english
):
    endpoint = variant("v1")
    values = {
        "checkpoint": "sha256:abc",
        "licence": "MIT",
        "statement": "같습니다.",
        "signed_by_name": "책임자",
    }
    values[missing] = "   "
    for language, says in (("ko", korean), ("en", english)):
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                attestation_sign(endpoint=endpoint, **values)
            assert says in refused.value.message_dict[field][0]
    assert not Attestation.objects.exists() and not AuditLog.objects.exists()


def test_a_sign_off_is_audit_logged_and_a_tested_checkpoint_is_frozen():
    a, b = endpoints(2)
    attest(a, checkpoint="sha256:first")
    entry = AuditLog.objects.get(action="attestation_signed")
    assert entry.target == f"endpoint:{a.pk}" and entry.details["signed_by_name"] == "시험 책임자"
    attest(b)
    bt_votes([a, b], [0, 0], 3)
    with pytest.raises(ValidationError) as refused:
        attest(a, checkpoint="sha256:second")
    assert "새 버전으로 등록" in refused.value.message_dict["checkpoint"][0]
    assert Attestation.objects.get(endpoint=a).checkpoint == "sha256:first"
    attest(
        a, checkpoint="sha256:first", licence="Apache-2.0 (개정)"
    )  # other facts may be corrected, audit-logged again
    assert AuditLog.objects.filter(action="attestation_signed", target=f"endpoint:{a.pk}").count() == 2


def test_the_admin_sign_off_is_audit_logged_with_who_signed(admin_client):
    endpoint = variant("v1")
    form = {
        "team": endpoint.team_id,
        "name": "v1",
        "base_url": PUBLIC,
        "model_id": "v1",
        "api_key_env": "",
        "aliases": "",
        "weight": "1",
        "is_active": "on",
        "attestation-TOTAL_FORMS": "1",
        "attestation-INITIAL_FORMS": "0",
        "attestation-0-checkpoint": "",
        "attestation-0-licence": "MIT",
        "attestation-0-statement": "같습니다.",
        "attestation-0-signed_by_name": "책임자",
        "attestation-0-signed_at_0": "2026-12-01",
        "attestation-0-signed_at_1": "10:00:00",
    }
    response = admin_client.post(f"/admin/arena/modelendpoint/{endpoint.pk}/change/", form)
    assert (
        response.status_code == 200
        and "체크포인트 또는 가중치 해시: 비어 있습니다" in response.content.decode()
    )
    assert not Attestation.objects.exists()
    form["attestation-0-checkpoint"] = "sha256:abc"
    assert admin_client.post(f"/admin/arena/modelendpoint/{endpoint.pk}/change/", form).status_code == 302
    attestation = Attestation.objects.get()
    entry = AuditLog.objects.get(action="attestation_signed")
    assert entry.actor == attestation.signed_by and entry.details["changed"]["checkpoint"] == "sha256:abc"


def test_the_model_page_shows_the_attestation(client):
    endpoint = attest(variant("v1"), release_url="https://example.org/v1", params_total=7_000_000_000)
    html = client.get(f"/arena/models/{endpoint.pk}/").content.decode()
    assert 'data-testid="attestation"' in html and "sha256:v1" in html and "https://example.org/v1" in html
    assert "시험 책임자" not in html  # the signer's name stays with staff


# --- 3. Retirement -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "retired_on", "field", "says"),
    [
        ("", dt.date(2026, 1, 1), "reason", "은퇴 사유: 정해진 목록에서 골라 주세요."),
        ("because", dt.date(2026, 1, 1), "reason", "은퇴 사유"),
        ("superseded", None, "retired_on", "은퇴일: 날짜를 적어 주세요."),
        ("superseded", dt.date(2999, 1, 1), "retired_on", "앞으로의 날짜"),
    ],
)
def test_a_retirement_without_a_listed_reason_or_a_date_changes_nothing(reason, retired_on, field, says):
    endpoint = variant("v1")
    ModelEndpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - dt.timedelta(days=9999))
    endpoint.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        version_retire(endpoint=endpoint, reason=reason, retired_on=retired_on)
    assert says in refused.value.message_dict[field][0]
    endpoint.refresh_from_db()
    assert endpoint.retired_on is None and not AuditLog.objects.exists()


def test_a_retired_version_keeps_its_rows_and_the_export_keeps_every_tested_version(settings, tmp_path):
    settings.LEADERBOARD_MIN_VOTES = 5
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    models = [attest(m) for m in endpoints(3)]
    bt_votes(models, [0.0, 0.3, -0.3], 150)
    # A version that took part in battles but never got a vote (its battles failed) is in the log too.
    extra = attest(endpoints(1, prefix="실패")[0])
    Battle.objects.create(
        voter="x",
        model_a=extra,
        model_b=models[0],
        model_a_version="m0",
        model_b_version="m0",
        pair_probability=0.5,
        status=Battle.Status.FAILED,
    )
    version_retire(endpoint=models[1], reason="withdrawn", retired_on=timezone.localdate(), note="팀 요청")
    assert models[1].pk not in {e.pk for e in ModelEndpoint.objects.available()}
    export_votes(tmp_path)
    exported = json.loads((tmp_path / "models.json").read_text(encoding="utf-8"))
    in_log = set(Battle.objects.values_list("model_a_id", flat=True)) | set(
        Battle.objects.values_list("model_b_id", flat=True)
    )
    assert {m["id"] for m in exported["models"]} == in_log
    retired = next(m for m in exported["models"] if m["id"] == models[1].pk)
    assert retired["retirement_reason"] == "withdrawn" and retired["attestation"]["checkpoint"]
    boards = [s for s in LeaderboardSnapshot.objects.all() if s.rows]  # the panel has no votes here
    assert len(boards) == 4  # overall, korean, style-controlled, public
    for snapshot in boards:
        row = next(r for r in snapshot.rows if r["endpoint_id"] == models[1].pk)
        assert row["retired"] and row["votes"] > 0
    out = io.StringIO()
    call_command("leaderboard_from_export", str(tmp_path), stdout=out)
    assert "DIFFERENT" not in out.getvalue() and "[retired]" in out.getvalue()


def test_the_changes_page_lists_retirements_and_every_tested_version(client):
    a, b = endpoints(2)
    bt_votes([a, b], [0, 0], 4)
    version_retire(endpoint=a, reason="programme_exit", retired_on=timezone.localdate(), note="2차 탈락")
    html = client.get("/methodology/changes/").content.decode()
    assert 'data-testid="retirements"' in html and "단계평가에서 탈락" in html and "2차 탈락" in html
    register = html.split('data-testid="version-register"')[1]
    assert a.name in register and b.name in register


# --- 4. Listing rule and provisional badge -------------------------------------------------------

RULES = listing.ListingRules(min_votes=300, provisional_votes=1000, fresh_votes=2000, variant_cap=3)


@pytest.mark.parametrize(
    ("board", "counted", "fresh", "tested", "listed", "provisional", "why"),
    [
        (299, 299, 0, 1, False, True, "votes"),
        (300, 999, 0, 1, True, True, "votes"),
        (1000, 1000, 0, 3, True, False, None),  # at the cap: no fresh votes needed
        (1500, 1500, 1999, 4, True, True, "variants"),  # over the cap: 2,000 fresh votes needed
        (2500, 2500, 2000, 4, True, False, None),
        (200, 2500, 2000, 4, False, False, None),  # a narrow board ranks on its own votes
    ],
)
def test_the_listing_rule(board, counted, fresh, tested, listed, provisional, why):
    facts = listing.VersionFacts(counted_votes=counted, fresh_votes=fresh, team_variants_tested=tested)
    result = listing.listing(board, facts, RULES)
    assert (result.listed, result.provisional, result.provisional_reason) == (listed, provisional, why)


def test_a_team_over_the_cap_stays_provisional_until_fresh_votes_arrive(settings):
    settings.LEADERBOARD_MIN_VOTES = 10
    settings.LEADERBOARD_PROVISIONAL_VOTES = 50
    settings.LEADERBOARD_PROVISIONAL_FRESH_VOTES = 60
    settings.ARENA_MAX_ACTIVE_VARIANTS = 1
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    rival = attest(endpoints(1, prefix="상대")[0])
    team = Team.objects.create(name="변형팀")
    old, new = (
        ModelEndpoint.objects.create(team=team, name=n, base_url=PUBLIC, model_id=n, is_active=False)
        for n in ("구", "신")
    )
    attest(old)
    bt_votes([old, rival], [0, 0], 100)  # two variants tested: over a cap of one
    attest(new, release_date=timezone.localdate() - dt.timedelta(days=1))
    Attestation.objects.filter(endpoint=new).update(signed_at=timezone.now() - dt.timedelta(days=2))
    bt_votes([new, rival], [0, 0], 200, seed=1)
    Vote.objects.filter(Q(battle__model_a=new) | Q(battle__model_b=new)).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )  # all before the release: not fresh
    row = _row(new)
    assert row["votes"] >= 50 and row["provisional"] and row["provisional_reason"] == "variants"
    bt_votes([new, rival], [0, 0], 60, seed=2)  # cast now: fresh
    row = _row(new)
    assert not row["provisional"] and row["listed"]


def _row(endpoint):
    snapshot_recompute(["overall"])
    return next(r for r in LeaderboardSnapshot.objects.first().rows if r["endpoint_id"] == endpoint.pk)


def test_every_board_shows_the_badges_and_the_listing_rule(client, settings):
    settings.LEADERBOARD_MIN_VOTES = 20
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    models = endpoints(3)
    bt_votes(models, [0, 0.2, -0.2], 300)
    version_retire(endpoint=models[2], reason="superseded", retired_on=timezone.localdate())
    snapshot_recompute()
    for view in ("overall", "korean", "style_controlled"):
        html = client.get("/leaderboard/", {"view": view}).content.decode()
        assert 'data-testid="badge-provisional"' in html and 'data-testid="badge-retired"' in html
        assert 'data-testid="listing-rule"' in html and f"방법 버전 {ALGORITHM}.0" in html


# --- 5. Method version and changelog --------------------------------------------------------------


def test_a_board_answer_carries_the_method_version(client, settings):
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    bt_votes(endpoints(2), [0, 0], 20)
    snapshot_recompute()
    answer = client.get("/api/v1/leaderboard/", {"view": "korean"}).json()
    assert answer["method_version"] == f"{ALGORITHM}.0" == answer["method"]["version"]
    exposure = client.get("/api/v1/leaderboard/exposure/").json()
    assert exposure["method_version"] == answer["method_version"]
    csv = client.get("/leaderboard/ranking.csv", {"view": "korean"}).content.decode()
    assert f",{ALGORITHM}.0," in csv


def test_a_settings_change_is_a_new_dated_changelog_entry(settings, client):
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    bt_votes(endpoints(2), [0, 0], 20)
    first = snapshot_recompute(["overall"])[0]
    settings.LEADERBOARD_MIN_VOTES = 500
    second = snapshot_recompute(["overall"])[0]
    assert (first.method_version, second.method_version) == (f"{ALGORITHM}.0", f"{ALGORITHM}.1")
    entry = MethodChange.objects.get(version=f"{ALGORITHM}.1")
    assert "min_votes: 300 -> 500" in entry.what and entry.settings["min_votes"] == 500
    assert snapshot_recompute(["overall"])[0].method_version == f"{ALGORITHM}.1"  # no change, no entry
    html = client.get("/methodology/changes/").content.decode()
    assert f"{ALGORITHM}.1" in html and "bt-bootstrap-1.0" in html and "사유 보완 중" in html


def test_leaderboard_from_export_refuses_a_method_version_it_does_not_implement(settings, tmp_path):
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    bt_votes(endpoints(2), [0, 0], 20)
    export_votes(tmp_path)
    boards = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    assert {b["method_version"] for b in boards.values()} == {f"{ALGORITHM}.0"}
    for board in boards.values():
        board["method_version"] = "bt-bootstrap-1.0"
    (tmp_path / "leaderboard.json").write_text(json.dumps(boards), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("leaderboard_from_export", str(tmp_path), stdout=io.StringIO())
    message = str(refused.value)
    assert "bt-bootstrap-1.0" in message and "does not implement" in message and ALGORITHM in message
