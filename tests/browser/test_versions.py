"""The pages of model versions in a real browser, checked with axe: the exposure page, the methodology
changelog, the board with provisional and retired badges, and the staff page with a drift diff."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arena.endpoints.versions import version_retire
from arena.models import CanaryAnswer, CanaryRun
from arena.ratings import snapshots as leaderboard
from tests.arena.factories import bt_votes, endpoints
from tests.browser.conftest import assert_no_axe_violations
from tests.conftest import attest
from tests.personas import make_user

pytestmark = pytest.mark.browser


def test_version_pages_have_no_axe_violations(page, portal_url, settings):
    settings.LEADERBOARD_MIN_VOTES = 50
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    models = [attest(m) for m in endpoints(3)]
    bt_votes(models, [0.4, 0.0, -0.4], 600, seed=4)
    version_retire(endpoint=models[2], reason="superseded", retired_on=timezone.localdate(), note="새 버전")
    leaderboard.snapshot_recompute()
    now = timezone.now()
    base = CanaryRun.objects.create(
        endpoint=models[0],
        version="m0",
        outcome="baseline",
        is_baseline=True,
        started_at=now,
        finished_at=now,
    )
    drifted = CanaryRun.objects.create(
        endpoint=models[0],
        version="m0",
        outcome="drifted",
        review="pending",
        similarity=0.4,
        threshold=0.75,
        started_at=now,
        finished_at=now,
    )
    CanaryAnswer.objects.create(run=base, prompt_key="k", position=0, text="서울은 대한민국의 수도입니다.")
    CanaryAnswer.objects.create(
        run=drifted, prompt_key="k", position=0, text="부산은 대한민국의 수도입니다.", similarity=0.4
    )
    page.goto(portal_url + "/leaderboard/")
    expect(page.get_by_test_id("badge-retired")).to_be_visible()
    expect(page.get_by_test_id("badge-provisional").first).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(portal_url + "/leaderboard/exposure/")
    expect(page.get_by_test_id("team-pairs")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(portal_url + "/methodology/changes/")
    expect(page.get_by_test_id("retirements")).to_contain_text("새 버전")
    expect(page.get_by_test_id("method-changes")).to_contain_text("bt-bootstrap-2.0")
    assert_no_axe_violations(page)
    page.goto(portal_url + f"/arena/models/{models[0].pk}/")
    expect(page.get_by_test_id("attestation")).to_be_visible()
    assert_no_axe_violations(page)
    user = make_user("reviewer", "ministry_reviewer")
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.get_by_role("button", name="로그인").last.click()
    page.goto(portal_url + "/staff/versions/")
    expect(page.get_by_test_id(f"drift-{drifted.pk}")).to_contain_text("부산은")
    assert_no_axe_violations(page)
