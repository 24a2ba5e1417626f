"""Every public page and the main staff pages, in Korean and English, at desktop and phone width: no
axe violation (WCAG 2.2 AA tags) at 1280 and 390 px, and no sideways page scroll at 390 and 320 px
(WCAG 1.4.10 reflow: 320 px is 1280 px at 400% zoom).

One demo database (`seed_demo`, as `make run` has it) serves the whole module: seeding it per page
would cost more than the pages."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.conftest import WCAG22_AA, assert_no_axe_violations
from tests.conftest import SEEDING_MIGRATIONS
from tests.servers import ServerThread

pytestmark = pytest.mark.browser

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _reseed() -> None:
    import importlib

    from django.apps import apps

    call_command("flush", interactive=False, verbosity=0)
    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, demo_models_url):
    """The demo data on a live server for the module; the database is put back as the migrations
    left it afterwards (the other browser tests flush and seed their own)."""
    from arena.models import Battle, ModelEndpoint
    from ax_catalog.models import UseCase
    from evaluation.models import ReviewAssignment
    from portal.routing import application

    with django_db_blocker.unblock():
        _reseed()
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
            call_command("seed_demo", models_url=demo_models_url, verbosity=0)
        from django.contrib.auth import get_user_model

        expert = get_user_model().objects.get(username="demo-expert")
        battle = (
            Battle.objects.filter(status=Battle.Status.VOTED)
            .exclude(expert_assignments__expert=expert)
            .first()
        )
        ids = {
            "endpoint": ModelEndpoint.objects.order_by("pk").first().pk,
            "case": UseCase.objects.published().order_by("case_id").first().case_id,
            # an open review, so the rubric form shows
            "review": ReviewAssignment.objects.create(expert=expert, battle=battle).pk,
        }
        with ServerThread(application) as server:
            yield server.url, ids
        _reseed()


PUBLIC = [
    "/",
    "/arena/",
    "/leaderboard/",
    "/leaderboard/?view=panel",
    "/leaderboard/compare/",
    "/leaderboard/exposure/",
    "/methodology/",
    "/methodology/changes/",
    "/open-data/",
    "/arena/privacy/",
    "/arena/my-data/",
    "/arena/models/{endpoint}/",
    "/arena/me/",
    "/arena/session/",
    "/results/final-demo/",
    "/ax/",
    "/ax/cases/{case}/",
    "/ax/agencies/",
    "/ax/open-data/",
    "/accounts/login/",
    "/no-such-page/",
]
STAFF = [
    ("demo-admin", "/staff/"),
    ("demo-admin", "/staff/rounds/"),
    ("demo-admin", "/staff/rounds/final-demo/"),
    ("demo-admin", "/staff/integrity/"),
    ("demo-admin", "/staff/versions/"),
    ("demo-expert", "/staff/reviews/"),
    ("demo-expert", "/staff/reviews/{review}/"),
    ("demo-editor", "/ax/manage/"),
    ("demo-editor", "/staff/"),  # a 403 for an editor: the error page inside the shell
]
PAGES = [(None, path) for path in PUBLIC] + STAFF


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(("persona", "path"), PAGES, ids=[f"{p or 'public'}:{u}" for p, u in PAGES])
def test_page_passes_axe_and_reflows_in_both_languages(browser, demo_site, persona, path):
    url, ids = demo_site
    path = path.format(**ids)
    for language in ("ko", "en"):
        context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        page = context.new_page()
        page.set_default_timeout(15000)
        if persona:
            page.goto(url + "/accounts/login/")
            page.fill("#id_username", persona)
            page.fill("#id_password", "demo-pass-2026")
            with page.expect_navigation():
                page.locator("main button[type=submit]").click()
        for width in (1280, 390, 320):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url + path)
            assert response.status < 500, (path, response.status)
            page.evaluate("document.fonts.ready")
            assert page.locator("html").get_attribute("lang") == language
            if width <= 390:
                assert _overflow(page) <= 0, f"{path} scrolls sideways at {width} px ({language})"
            if width >= 390:
                assert_no_axe_violations(page, WCAG22_AA)
        context.close()


def test_the_demo_has_enough_votes_to_rank_its_models(page, demo_site):
    url, _ = demo_site
    page.goto(url + "/leaderboard/")
    tiers = page.get_by_test_id("tier").all_inner_texts()
    assert len([t for t in tiers if t.strip().isdigit()]) >= 4, tiers
