import pytest
from playwright.sync_api import expect

from arena.ratings import snapshots as leaderboard
from tests.arena.factories import bt_votes, endpoints
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_leaderboard_views_switch_in_place_without_axe_violations(page, portal_url, settings):
    settings.LEADERBOARD_MIN_VOTES = 50
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    models = endpoints(4)
    bt_votes(models, [0.6, 0.2, 0.0, -0.8], 800, seed=1)
    bt_votes(models, [0.6, 0.2, 0.0, -0.8], 120, seed=2, turn_count=2)
    leaderboard.snapshot_recompute()
    page.goto(portal_url + "/leaderboard/")
    expect(page.get_by_test_id("leaderboard-table")).to_be_visible()
    expect(page.get_by_test_id("interval-chart")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_test_id("view-multi_turn").click()
    expect(page.locator("#leaderboard-board")).to_have_attribute("data-view", "multi_turn")
    expect(page.locator("#leaderboard-board")).to_contain_text("120")
    assert page.url.endswith("?view=multi_turn")  # the shareable address follows the switch
    assert_no_axe_violations(page)


def test_my_data_page_has_no_axe_violations(page, portal_url):
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.goto(portal_url + "/arena/my-data/")
    expect(page.get_by_test_id("delete-my-data")).to_be_visible()
    assert_no_axe_violations(page)


def test_methodology_and_integrity_pages_have_no_axe_violations(page, portal_url):
    from django.contrib.auth.models import Group

    from tests.personas import make_user

    models = endpoints(3)
    bt_votes(models, [0.3, 0.0, -0.3], 60, seed=3)
    user = make_user("reviewer", "ministry_reviewer")
    assert Group.objects.filter(name="ministry_reviewer").exists()
    page.goto(portal_url + "/methodology/")
    expect(page.get_by_test_id("exclusion-table")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.get_by_role("button", name="로그인").last.click()
    page.goto(portal_url + "/staff/integrity/")
    expect(page.get_by_test_id("inclusion-table")).to_be_visible()
    assert_no_axe_violations(page)


def test_rank_spread_and_tier_are_the_first_columns_a_phone_sees(page, portal_url, settings):
    settings.LEADERBOARD_MIN_VOTES = 50
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    models = endpoints(4)
    bt_votes(models, [0.6, 0.55, 0.0, -0.8], 1500, seed=4)
    leaderboard.snapshot_recompute()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(portal_url + "/leaderboard/")
    spread = page.get_by_test_id("rank-spread").first
    expect(spread).to_be_visible()
    expect(spread).to_have_text("1–2")
    box = spread.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375  # on screen without scrolling sideways
    expect(page.get_by_test_id("tier").first).to_be_in_viewport()
    assert_no_axe_violations(page)


def test_methodology_figures_and_staff_aa_page_have_no_axe_violations(page, portal_url, settings):
    import io

    from django.core.management import call_command

    from tests.personas import make_user

    settings.LEADERBOARD_MIN_VOTES = 50
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    models = endpoints(3)
    bt_votes(models, [0.3, 0.0, -0.3], 600, seed=5)
    leaderboard.snapshot_recompute(["overall"])
    call_command("redteam", "--votes", "15000", "--rig-share", "0.01", "--seed", "2", stdout=io.StringIO())
    page.goto(portal_url + "/methodology/")
    expect(page.get_by_test_id("redteam-table")).to_be_visible()
    expect(page.get_by_test_id("ties-table")).to_be_visible()
    assert_no_axe_violations(page)
    user = make_user("reviewer", "ministry_reviewer")
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.get_by_role("button", name="로그인").last.click()
    page.goto(portal_url + "/staff/aa-tests/")
    expect(page.get_by_role("button", name="A/A 시험 등록")).to_be_visible()
    assert_no_axe_violations(page)
