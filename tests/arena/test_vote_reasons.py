"""One-tap reasons after voting: kept per side with the vote, configurable, exported, counted per model."""

import json

import pytest

from arena.battles import services
from arena.consent import session_voter
from arena.errors import ArenaError
from arena.models import ReasonTag, Vote, VoteTag
from arena.ratings.export import export_votes
from tests.arena.factories import finished_battle

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client, two_demo_endpoints):
    client.post("/arena/consent/")
    return client, session_voter(client.session)


def voted(voter, choice):
    battle = finished_battle(voter)
    services.vote_record(battle_id=battle.pk, voter=voter, choice=choice)
    return battle


def tags(battle):
    return sorted(VoteTag.objects.filter(vote__battle=battle).values_list("side", "tag"))


@pytest.mark.parametrize(
    ("choice", "tag", "sides"),
    [
        ("a", "accurate", ["a"]),
        ("a", "made_up", ["b"]),
        ("b", "accurate", ["b"]),
        ("b", "made_up", ["a"]),
        ("tie", "clear", ["a", "b"]),
        ("both_bad", "harmful", ["a", "b"]),
    ],
)
def test_a_tap_speaks_of_the_sides_the_vote_implies_and_a_second_tap_takes_it_back(
    citizen, choice, tag, sides
):
    _client, voter = citizen
    battle = voted(voter, choice)
    assert services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag=tag) is True
    assert tags(battle) == [(side, tag) for side in sides]
    assert services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag=tag) is False
    assert tags(battle) == []


def test_a_good_point_after_both_bad_an_unknown_tag_or_someone_elses_vote_are_refused(citizen):
    _client, voter = citizen
    battle = voted(voter, "both_bad")
    for kwargs in (
        {"voter": voter, "tag": "accurate"},
        {"voter": voter, "tag": "no-such-tag"},
        {"voter": "someone-else", "tag": "harmful"},
    ):
        with pytest.raises(ArenaError):
            services.vote_tag_toggle(battle_id=battle.pk, **kwargs)
    unvoted = finished_battle(voter)
    with pytest.raises(ArenaError):
        services.vote_tag_toggle(battle_id=unvoted.pk, voter=voter, tag="harmful")
    assert VoteTag.objects.count() == 0


def test_the_reveal_offers_the_reasons_that_fit_the_vote_and_each_tap_answers_in_place(citizen):
    client, voter = citizen
    battle = finished_battle(voter)
    html = client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "b"}, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "모델 B가 좋았던 점" in html and "모델 A의 아쉬운 점" in html
    assert 'data-testid="reason-accurate"' in html and 'aria-pressed="false"' in html
    response = client.post(
        "/arena/vote/reasons/", {"battle_id": battle.pk, "tag": "accurate"}, HTTP_HX_REQUEST="true"
    )
    chip = response.content.decode()
    assert response.status_code == 200 and "<html" not in chip
    assert 'aria-pressed="true"' in chip and "정확함" in chip
    assert tags(battle) == [("b", "accurate")]
    # Without htmx the tap still works and lands on the battle record, which remembers it.
    response = client.post("/arena/vote/reasons/", {"battle_id": battle.pk, "tag": "made_up"})
    assert response.status_code == 302
    record = client.get(response["Location"]).content.decode()
    assert record.count('aria-pressed="true"') == 2
    bad = client.post("/arena/vote/reasons/", {"battle_id": battle.pk, "tag": "nope"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 409 and "알 수 없는 이유입니다" in bad.content.decode()


def test_staff_configure_the_list(citizen):
    client, voter = citizen
    ReasonTag.objects.create(key="concise", label_ko="간결함", label_en="Concise", polarity="positive")
    ReasonTag.objects.create(key="too_long", label_ko="너무 김", label_en="Too long", polarity="negative")
    ReasonTag.objects.create(
        key="retired", label_ko="안 씀", label_en="Retired", polarity="negative", is_active=False
    )
    battle = finished_battle(voter)
    html = client.post(
        "/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "간결함" in html and "너무 김" in html and "안 씀" not in html and "정확함" not in html
    with pytest.raises(ArenaError):
        services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="accurate")
    assert services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="too_long")


def test_counts_per_model_on_its_page_leave_out_withdrawn_votes(citizen, client):
    _client, voter = citizen
    first = voted(voter, "a")
    services.vote_tag_toggle(battle_id=first.pk, voter=voter, tag="accurate")
    services.vote_tag_toggle(battle_id=first.pk, voter=voter, tag="made_up")
    for other in ("voter-2", "voter-3"):
        battle = voted(other, "tie")
        services.vote_tag_toggle(battle_id=battle.pk, voter=other, tag="accurate")
    withdrawn = voted("voter-4", "a")
    services.vote_tag_toggle(battle_id=withdrawn.pk, voter="voter-4", tag="accurate")
    services.citizen_data_delete(voter="voter-4")

    model_a, model_b = first.model_a, first.model_b
    counts_for = {}
    for endpoint in (model_a, model_b):
        html = client.get(f"/arena/models/{endpoint.pk}/reasons/", HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in html and 'data-testid="model-reasons"' in html
        counts_for[endpoint.pk] = html
    # Pairs are drawn at random, so each model's count is the taps about the side it sat on.
    for endpoint in (model_a, model_b):
        accurate = VoteTag.objects.filter(tag="accurate").exclude(
            vote__inclusion=Vote.Inclusion.DELETED_BY_CITIZEN
        )
        n = sum(
            1
            for t in accurate.select_related("vote__battle")
            if (t.vote.battle.model_a_id if t.side == "a" else t.vote.battle.model_b_id) == endpoint.pk
        )
        assert f'정확함 <span class="count">{n}회</span>' in counts_for[endpoint.pk]
    page = client.get(f"/arena/models/{model_b.pk}/reasons/").content.decode()
    assert "<html" in page and "지어낸 내용" in page


def test_the_open_export_carries_the_taps_per_side(citizen, tmp_path):
    _client, voter = citizen
    battle = voted(voter, "a")
    services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="accurate")
    services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="made_up")
    services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="clear")
    export_votes(tmp_path)
    record = json.loads((tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["reason_tags"] == {"a": ["accurate", "clear"], "b": ["made_up"]}
    csv = (tmp_path / "votes.csv").read_text(encoding="utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert header.endswith("reason_tags_a,reason_tags_b") and row.endswith("accurate clear,made_up")
    assert "reason_tags" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_deleting_my_data_takes_my_reasons_and_sessions_with_it(citizen, django_user_model):
    from arena.models import Cohort, CohortMember

    client, voter = citizen
    cohort = Cohort.objects.create(
        code="ABCDEF", name="반", facilitator=django_user_model.objects.create(username="t")
    )
    client.post("/arena/session/", {"code": "ABCDEF"})
    battle = finished_battle(voter)
    client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    services.vote_tag_toggle(battle_id=battle.pk, voter=voter, tag="accurate")
    assert Vote.objects.get().cohort == cohort and CohortMember.objects.count() == 1
    client.post("/arena/my-data/delete/")
    vote = Vote.objects.get()
    assert vote.inclusion == Vote.Inclusion.DELETED_BY_CITIZEN and vote.cohort is None
    assert VoteTag.objects.count() == 0 and CohortMember.objects.count() == 0
