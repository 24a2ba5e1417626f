import pytest

from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_home_page_offers_three_entry_points_without_axe_violations(page, portal_url):
    page.goto(portal_url + "/")
    assert page.locator("html").get_attribute("lang") == "ko"
    for testid, path in (
        ("entry-arena", "/arena/"),
        ("entry-leaderboard", "/leaderboard/"),
        ("entry-ax", "/ax/"),
    ):
        link = page.get_by_test_id(testid)
        assert link.is_visible()
        assert link.get_attribute("href") == path
    # The skip link is the first thing a keyboard user reaches, and it moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert_no_axe_violations(page)


def test_phone_width_home_has_no_axe_violations(browser, portal_url):
    context = browser.new_context(locale="ko-KR", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/")
    assert page.get_by_test_id("entry-ax").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_no_axe_violations(page)
    context.close()
