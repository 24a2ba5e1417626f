"""The hardened portal in Chromium: every page works under the CSP (no inline script, style or
handler), the arena socket's closes reach the page and do the right thing."""

import pytest
from playwright.sync_api import expect

from arena.models import Battle, ModelEndpoint, Vote
from evaluation.demo import STRENGTH, demo_round_load
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.browser.conftest import log_in
from tests.conftest import register_attested
from tests.personas import make_user

pytestmark = pytest.mark.browser

# Runs before any page script, so it sees every violation the browser reports.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
window.print = function () { window.__printed = true; };
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_every_page_runs_under_the_content_security_policy(page, portal_url, demo_endpoints):
    demo_endpoints(*STRENGTH)
    demo_round = demo_round_load(votes=120, reviewed_battles=6)
    page.add_init_script(COLLECT_VIOLATIONS)
    seen = []

    def visit(path: str) -> None:
        page.goto(portal_url + path)
        page.wait_for_load_state("networkidle")
        seen.extend(f"{path}: {v}" for v in violations(page))

    for path in ("/", "/leaderboard/", "/leaderboard/compare/", "/methodology/", "/ax/", "/arena/"):
        visit(path)
    # A battle: the websocket (connect-src), the streamed panes, the htmx vote and reveal.
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("전입신고는 어떻게 하나요?")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    page.get_by_test_id("vote-a").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    seen.extend(f"/arena/ battle: {v}" for v in violations(page))

    admin = make_user("csp-admin", is_staff=True)
    admin.is_superuser = True
    admin.save()
    log_in(page, portal_url, admin)
    endpoint = ModelEndpoint.objects.first()
    for path in (
        "/staff/",
        f"/staff/rounds/{demo_round.slug}/",
        f"/staff/rounds/{demo_round.slug}/evidence/",
        "/staff/integrity/",
        "/admin/",
        "/admin/arena/modelendpoint/",
        f"/admin/arena/modelendpoint/{endpoint.pk}/change/",
        f"/admin/arena/team/{endpoint.team_id}/change/",
    ):
        visit(path)
    visit(f"/staff/rounds/{demo_round.slug}/report/")
    page.get_by_role("button", name="인쇄").click()  # the handler now lives in static/js/print.js
    assert page.evaluate("window.__printed") is True
    assert seen == []


@pytest.fixture
def stalling_pair():
    """Two endpoints that answer the first question and hang half-way through the second."""

    def scenario(n):
        if n == 1:
            return [head(), sse(chunk("첫 답변입니다.")), sse(chunk(finish="stop")), sse("[DONE]")]
        return [head(), sse(chunk("두 번째 답변을 쓰는 중")), 30.0]

    server = MisbehavingServer({"left": scenario, "right": scenario}).start()
    for name in ("left", "right"):
        register_attested(
            team=f"팀 {name}",
            model=f"모델 {name}",
            base_url=server.base_url(name),
            model_id=name,
            internal=True,
        )
    yield server
    server.stop()


def test_a_dropped_connection_mid_answer_still_lets_the_citizen_vote(
    page, portal_url, stalling_pair, settings
):
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    routes = []

    def through(ws):
        routes.append((ws, ws.connect_to_server()))

    page.route_web_socket("**/ws/arena/", through)
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("첫 질문")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    page.get_by_test_id("prompt-input").fill("이어지는 질문")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("response-a")).to_contain_text(
        "두 번째 답변을 쓰는"
    )  # the last word is held back while it could still begin an address
    expect(page.get_by_test_id("vote-a")).to_be_disabled()
    page_side, server_side = routes[-1]
    server_side.close()  # the signal is lost: both ends see the connection go
    page_side.close()
    expect(page.locator("#arena-status")).to_contain_text("앞서 끝난 답변으로 투표할 수 있습니다")
    expect(page.get_by_test_id("vote-a")).to_be_enabled()
    page.get_by_test_id("vote-a").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible(timeout=10000)
    assert Vote.objects.get().choice == "a"


def test_a_socket_closed_for_missing_consent_reloads_to_the_notice(page, portal_url, demo_endpoints):
    """The session lost its consent (expired, withdrawn in another tab) while the battle page stayed
    open: the next question's socket is closed with 4403 and the page shows the notice again."""
    demo_endpoints("demo-garam", "demo-raon")
    opened = []

    def first_dropped_then_real(ws):
        opened.append(ws)
        if len(opened) == 1:
            ws.close()  # the page's first socket drops before anything is asked
        else:
            ws.connect_to_server()

    page.route_web_socket("**/ws/arena/", first_dropped_then_real)
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    expect(page.get_by_test_id("prompt-input")).to_be_visible()
    page.context.clear_cookies()  # the consent is gone
    page.get_by_test_id("prompt-input").fill("안녕하세요")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("consent-accept")).to_be_visible(timeout=10000)
    assert len(opened) == 2 and not Battle.objects.exists()
