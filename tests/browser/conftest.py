"""Chromium (the system package) driven by Playwright against the real ASGI app on a real port."""

import json
import os
from pathlib import Path

import pytest

from tests.servers import ServerThread

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WCAG22_AA = [*WCAG_AA, "wcag22aa"]

# Playwright's sync API keeps an event loop on the test thread, which makes Django refuse ORM calls
# from test code and fixtures there; those calls are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def portal_url(seed_data):
    from portal.routing import application

    with ServerThread(application) as server:
        yield server.url


def assert_no_axe_violations(page, tags: list[str] = WCAG_AA) -> None:
    # Evaluated through the debugging protocol, not as a <script> tag: the portal's CSP refuses
    # inline scripts, and that is the point of it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def log_in(page, portal_url: str, user, password: str = "pw-for-tests") -> None:
    """Sign in through the login page (a fresh cookie jar first, so personas never mix)."""
    page.context.clear_cookies()
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="로그인").last.click()
