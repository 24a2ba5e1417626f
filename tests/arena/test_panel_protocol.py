"""The 국민평가단 protocol: reserved cells for digitally vulnerable citizens, invitation codes, reasons
with every panel vote, 10% of panel battles re-checked by experts, and what staff and members see."""

import pytest
from django.utils import timezone

from arena.models import (
    Campaign,
    PanelCell,
    PanelExpertCheck,
    PanelInvitation,
    PanelMember,
    Vote,
    VoteReason,
)
from core import roles
from core.audit import AuditLog
from evaluation.models import ExpertScore, ReviewAssignment
from evaluation.reviews import review_queue_fill, review_submit
from tests.arena.factories import endpoints, open_battle
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def birth(years_ago: int) -> str:
    today = timezone.localdate()
    return today.replace(year=today.year - years_ago).isoformat()


def enrol(client, identity, age=35, **answers):
    client.post("/arena/panel/", {"test_identity": identity, "birth_date": birth(age)})
    data = {
        "gender": "female",
        "region": "capital",
        "proficiency": "intermediate",
        "consent": "on",
        **answers,
    }
    return client.post("/arena/panel/enrol/", data)


def fill_female_seats(campaign):
    campaign.seats = 10
    campaign.margins["gender"] = {"female": 0.1, "male": 0.9}
    campaign.save()


def test_a_digitally_vulnerable_citizen_takes_a_reserved_seat_with_the_support_recorded(client):
    campaign = Campaign.objects.get()
    fill_female_seats(campaign)
    assert enrol(client.__class__(), "first").status_code == 302  # the one general female seat
    response = enrol(
        client,
        "low-vision-citizen",
        age=72,
        access_conditions=["low_vision", "older_adult"],
        access_supports=["large_text", "assistance"],
        access_consent="on",
    )
    assert response.status_code == 302
    member = PanelMember.objects.get(cell__isnull=False)
    assert member.cell.key == "digital-access"
    assert member.access_conditions == ["low_vision", "older_adult"]
    assert member.access_supports == ["large_text", "assistance"]
    # Offered: the member's own pages are in large text and name how help is arranged.
    home = client.get("/arena/panel/me/").content.decode()
    assert 'class="text-large' in home and "도우미 지원" in home
    battle_page = client.get("/arena/").content.decode()
    assert "text-large" in battle_page and 'data-testid="panel-reason"' in battle_page


def test_access_needs_without_their_own_consent_are_not_kept(client):
    response = enrol(
        client, "needs-no-consent", access_conditions=["blind"], access_supports=["screen_reader"]
    )
    assert response.status_code == 200 and "따로 동의해 주세요" in response.content.decode()
    assert PanelMember.objects.count() == 0


def test_unknown_access_values_change_nothing(client):
    response = enrol(client, "x", access_conditions=["superpower"], access_consent="on")
    assert response.status_code == 200 and PanelMember.objects.count() == 0


def test_a_full_reserved_cell_says_so(client):
    PanelCell.objects.filter(key="digital-access").update(seats=0)
    Campaign.objects.filter(pk=Campaign.objects.get().pk).update(seats=0)  # and no general seats either
    response = enrol(client, "y", access_conditions=["blind"], access_consent="on")
    assert response.status_code == 409 and PanelMember.objects.count() == 0


def test_invitation_codes_are_shown_once_hashed_single_use_and_audited(client):
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(reviewer)
    response = client.post(
        "/staff/panel/invitations/",
        {"cell": "digital-access", "count": 2, "max_uses": 1, "days": 30, "label": "시각장애인 단체"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="invitation-codes"' in html
    import re

    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", html)
    assert len(codes) == 2 and PanelInvitation.objects.count() == 2
    stored = " ".join(PanelInvitation.objects.values_list("code_hash", flat=True))
    assert codes[0] not in stored and codes[0].replace("-", "") not in stored
    assert AuditLog.objects.filter(action="panel_invitations_create", actor=reviewer).exists()

    citizen = client.__class__()
    assert enrol(citizen, "invited", invitation_code=codes[0].lower()).status_code == 302
    member = PanelMember.objects.get()
    assert member.cell.key == "digital-access" and member.invitation.uses == 1
    again = enrol(client.__class__(), "second-person", invitation_code=codes[0])
    assert again.status_code == 409 and "이미 사용된 초대 코드" in again.content.decode()
    wrong = enrol(client.__class__(), "third-person", invitation_code="AAAA-BBBB-CCCC")
    assert wrong.status_code == 409 and "초대 코드가 맞지 않거나" in wrong.content.decode()
    assert PanelMember.objects.count() == 1


def test_an_invitation_link_fills_the_code(client):
    client.get("/arena/panel/?code=ABCD-EFGH-JKMN")
    client.post("/arena/panel/", {"test_identity": "link", "birth_date": birth(30)})
    assert 'value="ABCD-EFGH-JKMN"' in client.get("/arena/panel/enrol/").content.decode()


def test_invitations_are_for_reviewers_only(client):
    client.force_login(make_user("citizen", roles.CITIZEN))
    assert client.post("/staff/panel/invitations/", {"cell": "general", "count": 1}).status_code == 403
    assert PanelInvitation.objects.count() == 0


@pytest.fixture
def panel_voter(client):
    enrol(client, "panel-voter")
    return PanelMember.objects.get()


def test_a_panel_vote_needs_a_reason_and_keeps_it_redacted(client, panel_voter):
    a, b = endpoints(2)
    battle = open_battle(panel_voter.voter, a, b)
    refused = client.post(
        "/arena/vote/", {"battle_id": battle.pk, "choice": "a", "reason": "  "}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422 and refused["HX-Retarget"] == "#vote-reason-error"
    assert "이유를 5자 이상" in refused.content.decode() and Vote.objects.count() == 0
    response = client.post(
        "/arena/vote/",
        {
            "battle_id": battle.pk,
            "choice": "a",
            "criteria": ["accuracy", "clarity"],
            "reason": "A가 정확했어요. 제 번호 010-1234-5678로 연락 주세요",
        },
    )
    assert response.status_code == 302
    reason = VoteReason.objects.get()
    assert reason.vote.voter == panel_voter.voter and reason.criteria == ["accuracy", "clarity"]
    assert "010-1234-5678" not in reason.text and "A가 정확했어요" in reason.text


def test_an_unknown_criterion_is_refused(client, panel_voter):
    a, b = endpoints(2)
    battle = open_battle(panel_voter.voter, a, b)
    response = client.post(
        "/arena/vote/",
        {"battle_id": battle.pk, "choice": "b", "criteria": ["brand"], "reason": "좋아서 골랐어요"},
    )
    assert response.status_code == 422 and Vote.objects.count() == 0


def test_an_open_public_vote_needs_no_reason(client):
    from arena.consent import consent_give, session_voter

    session = client.session
    consent_give(session)
    session.save()
    a, b = endpoints(2)
    battle = open_battle(session_voter(client.session), a, b)
    assert client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}).status_code == 302
    assert Vote.objects.count() == 1 and VoteReason.objects.count() == 0


def test_exactly_one_in_ten_counted_panel_battles_goes_to_the_experts(client, panel_voter):
    a, b = endpoints(2)

    def vote(i, seconds_ago=30):
        battle = open_battle(panel_voter.voter, a, b, prompt=f"질문 {i}", seconds_ago=seconds_ago)
        client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a", "reason": f"이유 {i}번입니다"})
        return battle

    for i in range(20):
        vote(i)
    assert Vote.objects.count() == 20 and PanelExpertCheck.objects.count() == 2
    too_fast = vote("fast", seconds_ago=0)
    assert Vote.objects.get(battle=too_fast).inclusion == Vote.Inclusion.TOO_FAST
    assert PanelExpertCheck.objects.count() == 2  # an uncounted vote neither counts nor is re-checked
    twenty_first = vote(21)
    assert PanelExpertCheck.objects.filter(battle=twenty_first).exists()
    for i in range(4):
        vote(22 + i)
    assert PanelExpertCheck.objects.count() == 3  # ceil(25 counted / 10)


def test_routed_panel_battles_come_first_in_the_expert_queue_and_feed_agreement(client, panel_voter):
    a, b = endpoints(2)
    battles = []
    for i in range(12):
        battle = open_battle(panel_voter.voter, a, b, prompt=f"질문 {i}")
        choice = "a" if i % 3 else "b"
        client.post("/arena/vote/", {"battle_id": battle.pk, "choice": choice, "reason": "이유를 적습니다"})
        battles.append(battle)
    routed = list(PanelExpertCheck.objects.values_list("battle_id", flat=True))
    assert len(routed) == 2
    experts = [make_user(f"expert{i}", roles.EXPERT) for i in range(2)]
    for expert in experts:
        queue = review_queue_fill(expert=expert, size=2)
        assert {q.battle_id for q in queue} == set(routed)  # the models are in no round: routed only
        for assignment in queue:
            vote = Vote.objects.get(battle_id=assignment.battle_id)
            high, low = ({"a": 5, "b": 2} if vote.choice == "a" else {"a": 2, "b": 5}).values()
            scores = {
                side: dict.fromkeys(("accuracy", "fluency", "safety", "helpfulness"), value)
                for side, value in (("a", high), ("b", low))
            }
            review_submit(assignment=assignment, expert=expert, scores=scores, comment="")
    assert ExpertScore.objects.count() == 8
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(reviewer)
    page = client.get("/staff/panel/").content.decode()
    assert 'hx-get="/staff/reviews/panel-agreement/"' in page  # the section comes from evaluation
    html = client.get("/staff/reviews/panel-agreement/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="agreement-table"' in html and "100%" in html
    assert ReviewAssignment.objects.filter(submitted_at__isnull=False).count() == 4


def test_panel_expert_agreement_is_computed_per_model():
    from evaluation.panel_agreement import panel_expert_agreement

    campaign = Campaign.objects.get()
    a, b, c = endpoints(3)
    expert = make_user("e", roles.EXPERT)
    member = PanelMember.objects.create(
        campaign=campaign,
        person_hash="h",
        voter="pv",
        gender="male",
        region="capital",
        age_band="30s",
        proficiency="novice",
    )
    # The panel and the expert agree on a-vs-b twice and disagree on a-vs-c twice.
    plan = [(a, b, "a", "a"), (a, b, "b", "b"), (a, c, "a", "b"), (a, c, "b", "a")]
    for left, right, panel_choice, expert_choice in plan:
        battle = open_battle(member.voter, left, right)
        Vote.objects.create(
            battle=battle, choice=panel_choice, voter=member.voter, seconds_after_last_token=9
        )
        PanelExpertCheck.objects.create(battle=battle, campaign=campaign)
        assignment = ReviewAssignment.objects.create(
            expert=expert, battle=battle, submitted_at=timezone.now()
        )
        for side in "ab":
            value = 5 if side == expert_choice else 1
            ExpertScore.objects.create(
                assignment=assignment,
                side=side,
                endpoint=left if side == "a" else right,
                accuracy=value,
                fluency=value,
                safety=value,
                helpfulness=value,
            )
    result = {row["model"]: row for row in panel_expert_agreement(campaign)["models"]}
    assert result[b.name]["alpha"] == 1.0 and result[b.name]["same_side"] == 1.0
    assert result[c.name]["alpha"] < 0 and result[c.name]["same_side"] == 0.0
    assert result[a.name]["battles"] == 4 and result[a.name]["same_side"] == 0.5


def test_staff_see_enrolment_participation_and_the_gap_per_cell(client, panel_voter):
    a, b = endpoints(2)
    battle = open_battle(panel_voter.voter, a, b)
    client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a", "reason": "정확해서 골랐습니다"})
    enrol(
        client.__class__(),
        "vulnerable",
        access_conditions=["blind"],
        access_supports=["screen_reader"],
        access_consent="on",
    )
    client.force_login(make_user("reviewer", roles.MINISTRY_REVIEWER))
    html = client.get("/staff/panel/").content.decode()
    import re

    def cell(key):
        row = re.search(rf'data-testid="cell-{re.escape(key)}">(.*?)</tr>', html, re.S).group(1)
        return [c.strip() for c in re.findall(r'<td class="num"[^>]*>(.*?)</td>', row)]

    # enrolled, target, gap, active, votes, reasons
    assert cell("gender:female") == ["1", "250", "249", "1", "1", "1"]
    assert cell("cell:digital-access") == ["1", "35", "34", "0", "0", "0"]
    assert "화면낭독기 사용 안내 1" in html


def test_the_panel_board_shows_the_cells_with_their_targets(client, panel_voter):
    board = client.get("/leaderboard/?view=panel").content.decode()
    assert 'hx-get="/arena/panel/cells/"' in board  # the panel serves its cells as a fragment
    assert 'hx-get="/arena/panel/cells/"' not in client.get("/leaderboard/?view=overall").content.decode()
    html = client.get("/arena/panel/cells/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="panel-cells"' in html
    assert "디지털 취약계층" in html and ">35<" in html and ">250<" in html
    assert "화면낭독기" not in html  # supports stay on the staff page


def test_a_member_sees_their_own_contribution(client, panel_voter):
    a, b = endpoints(2)
    for i in range(2):
        battle = open_battle(panel_voter.voter, a, b, prompt=f"q{i}")
        client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "tie", "reason": f"비슷했어요 {i}"})
    html = client.get("/arena/panel/me/").content.decode()
    assert 'data-testid="panel-contribution"' in html and "비슷했어요 1" in html
    assert 'data-testid="panel-criteria"' in html and "이해하기 쉬움" in html
    other = client.__class__()
    assert other.get("/arena/panel/me/")["Location"] == "/arena/panel/"


def test_deleting_my_data_erases_the_access_needs_i_declared(client):
    enrol(client, "z", access_conditions=["blind"], access_supports=["screen_reader"], access_consent="on")
    assert PanelMember.objects.get().access_conditions == ["blind"]
    client.post("/arena/my-data/delete/")
    member = PanelMember.objects.get()
    assert member.access_conditions == [] and member.access_supports == []
