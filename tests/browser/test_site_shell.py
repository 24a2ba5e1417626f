"""The site shell in a browser: the web font that lets a machine without Korean fonts show Hangul,
the error pages, each role's landing, the login form's failure, my-data's confirmation step, the
phone-width details of the AX list and the arena."""

import pytest
from playwright.sync_api import expect

from arena.consent import session_voter
from core import roles
from tests.browser.conftest import WCAG22_AA, assert_no_axe_violations, log_in
from tests.personas import make_user

pytestmark = pytest.mark.browser


def test_the_web_font_is_served_by_the_portal_and_used(page, portal_url):
    fonts = []
    page.on("response", lambda r: fonts.append((r.url, r.status)) if r.url.endswith(".woff2") else None)
    page.goto(portal_url + "/")
    page.evaluate("document.fonts.ready")
    # Chromium here has no Korean system font: only the shipped one can draw the heading.
    assert page.evaluate("document.fonts.check('700 16px \"Pretendard GOV\"', '한국어')")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Pretendard GOV' && f.status === 'loaded')"
    )
    assert fonts and all(url.startswith(portal_url + "/static/") and status == 200 for url, status in fonts)
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Pretendard GOV"')
    # The official-site banner KRDS asks for, above the header.
    expect(page.locator("#krds-masthead")).to_contain_text("대한민국 공식 전자정부 누리집")


def test_the_404_and_403_pages_are_korean_and_lead_home(page, portal_url):
    response = page.goto(portal_url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("찾는 페이지가 없습니다")
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.get_by_test_id("error-home")).to_have_attribute("href", "/")
    assert_no_axe_violations(page, WCAG22_AA)

    editor = make_user("editor", roles.AGENCY_EDITOR)
    log_in(page, portal_url, editor)
    response = page.goto(portal_url + "/staff/rounds/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("이 페이지를 볼 권한이 없습니다")
    expect(page.get_by_test_id("error-403")).to_contain_text("포털 관리자에게 요청해 주세요")
    page.get_by_test_id("error-landing").click()
    expect(page).to_have_url(portal_url + "/ax/manage/")  # the editor's own work
    assert_no_axe_violations(page, WCAG22_AA)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (roles.AGENCY_EDITOR, "/ax/manage/"),
        (roles.EXPERT, "/staff/reviews/"),
        (roles.MINISTRY_REVIEWER, "/staff/rounds/"),
    ],
)
def test_each_role_lands_on_its_work(page, portal_url, role, landing):
    log_in(page, portal_url, make_user("person", role))
    expect(page).to_have_url(portal_url + landing)


def test_a_failed_login_keeps_the_username_and_says_why_in_korean(page, portal_url):
    make_user("expert-kim", roles.EXPERT)
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", "expert-kim")
    page.fill("#id_password", "wrong-password")
    with page.expect_navigation():
        page.get_by_role("button", name="로그인").last.click()
    expect(page.get_by_test_id("login-error")).to_contain_text("아이디 또는 비밀번호가 맞지 않습니다")
    expect(page.locator("#id_username")).to_have_value("expert-kim")
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, WCAG22_AA)


def test_language_switch_names_each_language_in_its_own_language(page, portal_url):
    page.goto(portal_url + "/leaderboard/")
    switch = page.locator(".lang-switch")
    expect(switch.locator("button[lang=ko]")).to_have_text("한국어")
    expect(switch.locator("button[lang=en]")).to_have_text("English")
    switch.locator("button[lang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(portal_url + "/leaderboard/")
    expect(page.locator(".lang-switch button[lang=en]")).to_have_attribute("aria-current", "true")


def test_my_data_deletion_asks_first_and_lists_past_battles(page, portal_url, demo_endpoints):
    from django.contrib.sessions.models import Session

    from arena.models import Turn
    from tests.arena.factories import finished_battle

    demo_endpoints("demo-garam", "demo-raon")
    page.goto(portal_url + "/arena/")
    with page.expect_navigation():  # to the battle page, its stylesheets loaded
        page.get_by_test_id("consent-accept").click()
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    voter = session_voter(Session.objects.get(pk=session_key).get_decoded())
    battle = finished_battle(voter)

    page.goto(portal_url + "/arena/my-data/")
    expect(page.get_by_test_id("my-battle-link")).to_have_attribute("href", f"/arena/battles/{battle.pk}/")
    page.get_by_test_id("delete-my-data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("내 대화와 투표를 삭제할까요?")
    expect(page.get_by_test_id("delete-summary")).to_contain_text("되돌릴 수 없습니다")
    assert_no_axe_violations(page, WCAG22_AA)
    page.get_by_test_id("cancel-delete").click()  # nothing goes without the second step
    assert Turn.objects.filter(battle=battle).exists()

    page.get_by_test_id("delete-my-data").click()
    page.get_by_test_id("confirm-delete-my-data").click()
    expect(page.locator(".messages")).to_contain_text("삭제하고")
    assert not Turn.objects.filter(battle=battle).exists()


def test_phone_ax_filters_fold_and_keyboard_hints_hide_on_touch(browser, portal_url):
    from ax_catalog.loading import sample_load

    sample_load()
    context = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(portal_url + "/ax/?stage=operation")
    toggle = page.get_by_test_id("filter-toggle")
    expect(toggle).to_have_text("필터 (1)")
    expect(page.get_by_test_id("facet-stage-operation")).to_be_hidden()
    # the results come first on a phone, not three screens of checkboxes
    expect(page.get_by_test_id("usecase-card").first).to_be_in_viewport()
    toggle.click()
    expect(page.get_by_test_id("facet-stage-operation")).to_be_checked()

    page.goto(portal_url + "/arena/")
    with page.expect_navigation():  # to the battle page, its stylesheets loaded
        page.get_by_test_id("consent-accept").click()
    expect(page.get_by_test_id("prompt-input")).to_be_visible()
    assert page.evaluate("matchMedia('(hover: none)').matches")
    expect(page.get_by_test_id("kbd-hint")).to_be_hidden()
    context.close()


def test_keyboard_hint_shows_where_a_pointer_hovers(page, portal_url):
    page.goto(portal_url + "/arena/")
    with page.expect_navigation():  # to the battle page, its stylesheets loaded
        page.get_by_test_id("consent-accept").click()
    expect(page.get_by_test_id("kbd-hint")).to_be_visible()


def test_vote_bar_stays_reachable_under_a_long_answer(browser, portal_url):
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/arena/")
    with page.expect_navigation():  # to the battle page, its stylesheets loaded
        page.get_by_test_id("consent-accept").click()
    # an answer several screens long, as a long multi-turn battle gives
    page.evaluate("document.getElementById('response-a').textContent = '아주 긴 답변입니다. '.repeat(800)")
    page.get_by_test_id("response-a").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.getElementById('response-a').offsetTop + 400)")
    expect(page.get_by_test_id("vote-a")).to_be_in_viewport()
    expect(page.get_by_test_id("vote-bothbad")).to_be_in_viewport()
    context.close()


def test_a_long_question_is_recalled_in_two_lines_per_pane(page, portal_url):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(portal_url + "/arena/")
    with page.expect_navigation():  # to the battle page, its stylesheets loaded
        page.get_by_test_id("consent-accept").click()
    page.evaluate(
        """() => {
        const p = document.createElement('p');
        p.className = 'turn-prompt';
        p.textContent = '아주 긴 질문입니다. '.repeat(60);
        document.getElementById('response-a').appendChild(p);
    }"""
    )
    prompt = page.locator("#response-a .turn-prompt")
    line = float(prompt.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert prompt.bounding_box()["height"] <= 2 * line + 2
    assert len(prompt.text_content()) > 500  # the whole text stays in the page
