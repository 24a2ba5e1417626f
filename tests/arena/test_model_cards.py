"""Model cards (arena/model_cards.py): at the reveal, on the model page, and as leaderboard columns."""

import datetime as dt

import pytest
from django.utils import timezone

from arena import energy, model_cards
from arena.battles import services
from arena.consent import session_voter
from arena.models import Attestation, Battle, ModelEndpoint
from arena.ratings import snapshots as leaderboard
from tests.arena.factories import bt_votes, endpoints

pytestmark = pytest.mark.django_db


def attest(endpoint, *, total, active=None, licence="Apache-2.0", open_weights=True):
    return Attestation.objects.create(
        endpoint=endpoint,
        checkpoint="sha256:" + "ab" * 32,
        params_total=total,
        params_active=active,
        licence=licence,
        open_weights=open_weights,
        release_url="https://huggingface.co/example/model",
        release_date=dt.date(2026, 1, 15),
        statement="평가받는 모델은 공개한 모델과 같습니다.",
        signed_by_name="홍길동",
        signed_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("total", "code"),
    [
        (1_500_000_000, "XS"),
        (8_000_000_000, "S"),
        (32_000_000_000, "M"),
        (70_000_000_000, "L"),
        (671e9, "XL"),
    ],
)
def test_size_classes_by_total_parameters(total, code):
    assert model_cards.size_class(int(total))[0] == code
    assert model_cards.size_class(None) is None


def test_a_card_without_an_attestation_invents_nothing():
    endpoint = endpoints(1)[0]
    card = model_cards.card_for(endpoint, output_tokens=500)
    assert not card.attested and card.size_class is None and card.per_million is None and card.answer is None


def test_a_mixture_of_experts_card_carries_both_counts_and_its_class():
    endpoint = endpoints(1)[0]
    attest(endpoint, total=235_000_000_000, active=22_000_000_000)
    card = model_cards.card_for(ModelEndpoint.objects.get(pk=endpoint.pk), output_tokens=1200)
    assert card.mixture_of_experts and card.size_class == "XL"
    expected = energy.estimate(params_active=22_000_000_000, params_total=235_000_000_000, output_tokens=1200)
    assert card.answer == expected and card.per_million.energy_class == expected.energy_class


def voted_battle(client, model_a, model_b, *, tokens_a=(400, 300), tokens_b=(900, None)):
    client.post("/arena/consent/")
    voter = session_voter(client.session)
    battle = Battle.objects.create(
        voter=voter,
        model_a=model_a,
        model_b=model_b,
        model_a_version="team-a/model-a-2026-01",
        model_b_version="model-b-v2",
        pair_probability=1.0,
    )
    finished = timezone.now() - dt.timedelta(seconds=30)
    for index, (ta, tb) in enumerate(zip(tokens_a, tokens_b, strict=True)):
        services.turn_record(
            battle=battle,
            index=index,
            prompt="질문",
            side_a=services.SideResult("답 A", "", 100, 20.0, ta, "stop", ""),
            side_b=services.SideResult("답 B", "", 100, 20.0, tb, "stop", ""),
            started_at=finished - dt.timedelta(seconds=3),
            finished_at=finished,
        )
    return battle


def test_the_reveal_shows_both_cards_with_the_energy_of_this_battles_answers(client):
    model_a, model_b = endpoints(2)
    attest(model_a, total=8_000_000_000)
    battle = voted_battle(client, model_a, model_b)
    html = client.post(
        "/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="model-card-a"' in html and 'data-testid="model-card-b"' in html
    assert "team-a/model-a-2026-01" in html and "model-b-v2" in html
    assert "소형 (S)" in html and "파라미터 8B" in html and "Apache-2.0" in html and "2026-01-15" in html
    answer = energy.estimate(params_active=8_000_000_000, params_total=8_000_000_000, output_tokens=700)
    assert (
        f"약 {answer.wh:.3f} Wh (범위 {answer.wh_low:.3f}–{answer.wh_high:.3f} Wh), 출력 토큰 700개" in html
    )
    assert f"출력 100만 토큰당 약 {answer.wh_per_million:.0f} Wh" in html
    assert 'data-testid="energy-method"' in html and "EcoLogits 0.11" in html
    # The other side attested nothing: the card says so and shows no figure.
    assert "팀이 아직 모델 확인서를 내지 않아 알 수 없습니다." in html


def test_no_card_before_the_vote(client):
    model_a, model_b = endpoints(2)
    attest(model_a, total=8_000_000_000)
    battle = voted_battle(client, model_a, model_b)
    page = client.get(f"/arena/battles/{battle.pk}/").content.decode()
    assert "model-card-a" not in page and "Apache-2.0" not in page and model_a.name not in page


def test_the_model_page_shows_the_same_card_and_asks_for_the_reasons(client):
    endpoint = endpoints(1)[0]
    attest(endpoint, total=32_000_000_000, licence="자체 라이선스", open_weights=False)
    html = client.get(f"/arena/models/{endpoint.pk}/").content.decode()
    assert 'data-testid="model-card-model"' in html and "중형 (M)" in html and "가중치 비공개" in html
    assert 'data-testid="card-energy-class"' in html and "card-energy-answer" not in html
    assert f'hx-get="/arena/models/{endpoint.pk}/reasons/"' in html


def test_the_leaderboard_shows_energy_and_size_columns_on_request(client, settings):
    settings.LEADERBOARD_MIN_VOTES = 10
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    models = endpoints(3)
    attest(models[0], total=8_000_000_000)
    attest(models[1], total=400_000_000_000, active=17_000_000_000)
    bt_votes(models, [0.3, 0.0, -0.3], 200, seed=3)
    leaderboard.snapshot_recompute()
    plain = client.get("/leaderboard/").content.decode()
    assert "100만 토큰당 Wh" not in plain and 'data-testid="energy-columns-on"' in plain
    html = client.get("/leaderboard/?columns=energy", HTTP_HX_REQUEST="true").content.decode()
    assert "100만 토큰당 Wh" in html and "17B / 400B" in html and "확인서 없음" in html
    small = energy.estimate(params_active=8_000_000_000, params_total=8_000_000_000, output_tokens=1)
    assert (
        f'data-testid="energy-class-{models[0].pk}"><span class="energy-class energy-{small.energy_class}"'
        in html
    )
