"""Each side's state in Chromium, driven by the local misbehaving model server: waiting, thinking (a
reasoning model), answering, stalled ("still waiting, N s"), done and failed, each change announced
once; the vote unlocking only after the minimum reading time; a failure that says the vote will not
unlock. axe-core (WCAG 2.2 AA) at desktop and phone width in those states."""

import pytest
from playwright.sync_api import expect

from arena.models import Vote
from tests.arena.misbehaving_server import CLOSE, MisbehavingServer, chunk, head, sse
from tests.browser.conftest import WCAG22_AA, assert_no_axe_violations
from tests.conftest import register_attested

pytestmark = pytest.mark.browser


def thinker(attempt):
    """A reasoning model: it thinks aloud (reasoning deltas) for a while before it answers."""
    actions = [head()]
    for k in range(6):
        actions += [sse(chunk(reasoning=f"생각 {k}. ")), 0.5]
    return [*actions, sse(chunk("## 답\n\n생각을 마쳤습니다.", finish="stop")), sse("[DONE]")]


def staller(attempt):
    """Starts, then goes quiet for several seconds, then finishes."""
    return [
        head(),
        sse(chunk("첫 부분입니다. ")),
        6.0,
        sse(chunk("나머지입니다.", finish="stop")),
        sse("[DONE]"),
    ]


def dies(attempt):
    return [head(), sse(chunk("시작하다가 ")), 2.0, CLOSE]


def pair(server, *scenarios):
    for scenario in scenarios:
        register_attested(
            team=f"팀 {scenario}",
            model=f"모델 {scenario}",
            base_url=server.base_url(scenario),
            model_id=scenario,
            internal=True,
        )


@pytest.fixture
def model_server():
    server = MisbehavingServer({"thinker": thinker, "staller": staller, "dies": dies}).start()
    yield server
    server.stop()


# Everything the status region says, in order (a MutationObserver set before the first prompt).
RECORD_STATUS = """() => {
  window.__said = [];
  new MutationObserver(() => window.__said.push(document.getElementById('arena-status').textContent))
    .observe(document.getElementById('arena-status'), {childList: true, characterData: true, subtree: true});
}"""


def side_of(page, state: str) -> str:
    """Which pane (a or b) is in `state` now: the pair is drawn at random."""
    page.wait_for_selector(f"[data-testid^=state-][data-state={state}]", timeout=20000)
    return page.locator(f"[data-testid^=state-][data-state={state}]").first.get_attribute("data-testid")[-1]


def start(page, portal_url, prompt="천천히 답해 주세요"):
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.evaluate(RECORD_STATUS)
    page.get_by_test_id("prompt-input").fill(prompt)
    page.get_by_test_id("send-prompt").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_thinking_stalled_and_done_states_are_shown_and_announced_once(
    browser, portal_url, model_server, settings, width
):
    settings.ARENA_STALL_SECONDS = 2.5
    pair(model_server, "thinker", "staller")
    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    start(page, portal_url)

    thinking = side_of(page, "thinking")
    expect(page.get_by_test_id(f"state-{thinking}")).to_have_text("답하기 전에 생각하는 중")
    assert_no_axe_violations(page, WCAG22_AA)

    stalled = side_of(page, "stalled")
    assert stalled != thinking
    expect(page.get_by_test_id(f"state-{stalled}")).to_contain_text("아직 기다리는 중")
    page.wait_for_function(
        f"() => /기다리는 중, [4-9]초/.test(document.querySelector('[data-testid=state-{stalled}]').textContent)"
    )
    assert_no_axe_violations(page, WCAG22_AA)

    # Both finish: done, and the vote waits out the reading time with a visible countdown.
    expect(page.get_by_test_id(f"state-{stalled}")).to_have_text("답변 끝", timeout=20000)
    expect(page.get_by_test_id(f"state-{thinking}")).to_have_text("답변 끝")
    expect(page.locator("#vote-hint")).to_contain_text("초 뒤에 투표할 수 있습니다")
    expect(page.get_by_test_id("vote-a")).to_be_disabled()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=10000)
    expect(page.locator("#vote-hint")).to_be_hidden()
    expect(page.locator(f"#response-{thinking} h2")).to_have_text("답")
    said = page.evaluate("window.__said")
    label = {"a": "모델 A", "b": "모델 B"}
    assert sum(f"{label[stalled]}의 답변이 늦어지고" in s for s in said) == 1, said
    assert sum(f"{label[thinking]}가 답하기 전에 생각하고" in s for s in said) == 1, said
    assert "생각 0" not in page.content()  # the reasoning itself never reaches the page

    page.get_by_test_id("vote-tie").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    assert page.get_by_test_id("vote-not-counted").count() == 0
    assert Vote.objects.get().inclusion == Vote.Inclusion.VALID  # the wait kept it from being "too fast"
    assert_no_axe_violations(page, WCAG22_AA)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_failed_side_says_so_and_the_hint_no_longer_promises_the_vote(
    browser, portal_url, model_server, settings, width
):
    settings.ARENA_STALL_SECONDS = 30
    pair(model_server, "dies", "staller")
    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    start(page, portal_url)
    failed = side_of(page, "failed")
    expect(page.get_by_test_id(f"state-{failed}")).to_have_text("답하지 못함")
    expect(page.locator("#arena-status")).to_contain_text("새 대결")
    hint = page.locator("#vote-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("투표할 수 없습니다")
    assert "끝나면 투표할 수 있습니다" not in hint.inner_text()
    for testid in ("vote-a", "vote-b", "vote-tie", "vote-bothbad"):
        expect(page.get_by_test_id(testid)).to_be_disabled()
    said = page.evaluate("window.__said")
    assert any("답을 끝내지 못했습니다" in s for s in said), said
    assert_no_axe_violations(page, WCAG22_AA)
    context.close()
