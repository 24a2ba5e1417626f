"""A newcomer on a phone plays three battles, reads rendered answers, sees the model cards and taps
reasons, then finds their own board; a facilitator runs a session while participants join and vote.
axe-core (WCAG 2.2 AA) on every page met, at phone width and at desktop width."""

import pytest
from playwright.sync_api import expect

from arena.models import CohortMember, ModelEndpoint, Vote, VoteTag
from arena.ratings import snapshots as leaderboard
from core import roles
from tests.browser.conftest import WCAG22_AA, assert_no_axe_violations, log_in
from tests.personas import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def attested_demo(demo_endpoints):
    # The demo's attestations: demo-garam is an 8B dense model (size class S, energy class A).
    return demo_endpoints("demo-garam", "demo-raon", "demo-maru")


def play_one_battle(page, prompt: str, reason_side_good: str) -> None:
    page.get_by_test_id("prompt-input").fill(prompt)
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    page.get_by_test_id(f"vote-{reason_side_good}").click()
    expect(page.get_by_test_id("model-card-a")).to_be_visible()
    expect(page.get_by_test_id("model-card-b")).to_be_visible()
    expect(page.get_by_test_id("card-energy-answer").first).to_contain_text("Wh")
    chip = page.get_by_test_id("reason-clear")
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")


def test_a_newcomer_plays_three_battles_on_a_phone(browser, portal_url, attested_demo):
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(portal_url + "/")
    expect(page.get_by_test_id("vote-counter")).to_be_visible()
    assert_no_axe_violations(page, WCAG22_AA)
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    for index, (prompt, side) in enumerate(
        (("전입신고 방법을 정리해 주세요", "a"), ("여권 재발급 절차는?", "b"), ("청년 월세 지원 조건", "a"))
    ):
        play_one_battle(page, prompt, side)
        # Markdown is rendered, not shown as marks: a demo model writes lists or headings.
        assert page.locator(".turn-answer").first.inner_text().count("**") == 0
        assert (
            page.locator(
                ".turn-answer ul, .turn-answer ol, .turn-answer h2, .turn-answer h3, .turn-answer p"
            ).count()
            > 0
        )
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert_no_axe_violations(page, WCAG22_AA)
        if index < 2:
            page.get_by_test_id("new-battle").click()
            expect(page.get_by_test_id("prompt-input")).to_be_visible()
    assert Vote.objects.count() == 3 and VoteTag.objects.filter(tag="clear").count() == 3
    page.goto(portal_url + "/arena/me/")
    expect(page.get_by_test_id("personal-board")).to_be_visible()
    met = {
        m for v in Vote.objects.select_related("battle") for m in (v.battle.model_a_id, v.battle.model_b_id)
    }
    assert page.get_by_test_id("personal-board").locator("tbody tr").count() == len(met)
    assert_no_axe_violations(page, WCAG22_AA)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_model_page_and_the_energy_view_of_the_leaderboard_pass_axe(
    browser, portal_url, attested_demo, width, settings
):
    settings.LEADERBOARD_MIN_VOTES = 1
    from tests.arena.factories import bt_votes

    bt_votes(list(ModelEndpoint.objects.all()), [0.2, 0.0, -0.2], 60, seed=4)
    leaderboard.snapshot_recompute()
    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(portal_url + f"/arena/models/{attested_demo[0].pk}/")
    expect(page.get_by_test_id("model-card-model")).to_contain_text("소형 (S)")
    expect(page.get_by_test_id("model-reasons")).to_be_visible()  # the fragment arrived
    assert_no_axe_violations(page, WCAG22_AA)
    page.goto(portal_url + "/leaderboard/")
    page.get_by_test_id("energy-columns-on").click()
    expect(page.get_by_test_id(f"energy-class-{attested_demo[0].pk}")).to_have_text("A")
    assert "columns=energy" in page.url
    assert_no_axe_violations(page, WCAG22_AA)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_facilitator_runs_a_session_and_sees_participants_arrive(
    browser, portal_url, demo_endpoints, settings, width
):
    settings.ARENA_COHORT_MIN_VOTES = 1
    settings.ARENA_COHORT_MIN_PARTICIPANTS = 1
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    demo_endpoints("demo-garam", "demo-raon")
    teacher = make_user("teacher-b", roles.FACILITATOR)
    host = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    facilitator = host.new_page()
    facilitator.set_default_timeout(20000)
    log_in(facilitator, portal_url, teacher)
    expect(facilitator).to_have_url(portal_url + "/arena/sessions/")
    assert_no_axe_violations(facilitator, WCAG22_AA)
    facilitator.get_by_test_id("session-name").fill("3학년 2반")
    facilitator.get_by_test_id("session-create").click()
    code = facilitator.get_by_test_id("session-code-shown").inner_text()
    expect(facilitator.get_by_test_id("session-participants")).to_have_text("0")
    assert_no_axe_violations(facilitator, WCAG22_AA)

    pupil_context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    pupil = pupil_context.new_page()
    pupil.set_default_timeout(20000)
    pupil.goto(portal_url + "/arena/")
    pupil.get_by_test_id("consent-accept").click()
    pupil.goto(portal_url + "/arena/session/")
    assert_no_axe_violations(pupil, WCAG22_AA)
    pupil.get_by_test_id("session-code").fill(code.lower())
    pupil.get_by_test_id("session-join").click()
    expect(pupil.get_by_test_id("prompt-input")).to_be_visible()
    # The facilitator's page polls: the participant appears without a reload.
    expect(facilitator.get_by_test_id("session-participants")).to_have_text("1", timeout=15000)
    pupil.get_by_test_id("prompt-input").fill("안녕하세요")
    pupil.get_by_test_id("send-prompt").click()
    expect(pupil.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    pupil.get_by_test_id("vote-a").click()
    expect(pupil.get_by_test_id("model-name-a")).to_be_visible()
    expect(facilitator.get_by_test_id("session-results")).to_be_visible(timeout=15000)
    assert CohortMember.objects.count() == 1 and Vote.objects.get().cohort.code == code
    assert_no_axe_violations(facilitator, WCAG22_AA)
    pupil_context.close()
    host.close()
