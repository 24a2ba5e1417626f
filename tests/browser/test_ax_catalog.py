import pytest
from playwright.sync_api import expect

from ax_catalog.loading import sample_load
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_filter_by_two_facets_and_open_a_case(page, portal_url):
    sample_load()
    page.goto(portal_url + "/ax/")
    expect(page.get_by_test_id("usecase-card")).to_have_count(14)
    assert_no_axe_violations(page)
    page.get_by_test_id("facet-stage-operation").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(7)
    page.get_by_test_id("facet-topic-civil_service").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(3)
    assert "stage=operation" in page.url and "topic=civil_service" in page.url
    assert_no_axe_violations(page)
    page.get_by_test_id("usecase-card").first.get_by_role("link").click()
    expect(page.locator("#public-tier")).to_be_visible()
    assert_no_axe_violations(page)
