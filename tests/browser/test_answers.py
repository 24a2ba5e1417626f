"""Answers rendered as markdown in Chromium: the same rules as the server, hostile answers inert, and
no request leaving for another origin while one renders (streamed in the arena, stored in the battle
record, my-data and the expert review)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arena.models import Battle, ModelEndpoint, Turn
from core import markdown, roles
from evaluation.models import ReviewAssignment
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.browser.conftest import WCAG22_AA, assert_no_axe_violations, log_in
from tests.conftest import register_attested
from tests.core.hostile_answers import FRIENDLY, HOSTILE
from tests.personas import make_user

pytestmark = pytest.mark.browser

HOSTILE_STREAM = (
    "## 요약\n\n**참고:** 아래를 보세요.\n\n",
    HOSTILE["remote_image"] + "\n\n" + HOSTILE["handler"] + "\n\n",
    HOSTILE["script"] + "\n\n" + HOSTILE["raw_style"] + "\n\n" + HOSTILE["svg"] + "\n\n",
    HOSTILE["javascript_link"] + " " + HOSTILE["relative_image"] + "\n\n[정부24](https://www.gov.kr)\n\n",
    HOSTILE["huge_table"][:6000] + "\n",
)


def hostile_script(attempt):
    actions = [head(), sse(chunk(HOSTILE_STREAM[0])), 1.5]  # the heading arrives, then a pause
    actions += [sse(chunk(piece)) for piece in HOSTILE_STREAM[1:-1]]
    actions += [sse(chunk(HOSTILE_STREAM[-1], finish="stop")), sse("[DONE]")]
    return actions


SCENARIOS = {
    "hostile": hostile_script,
    "plain": lambda n: [head(), sse(chunk("```python\nprint('안녕')\n```\n", finish="stop")), sse("[DONE]")],
}


@pytest.fixture
def hostile_pair():
    server = MisbehavingServer(SCENARIOS).start()
    for scenario in SCENARIOS:
        register_attested(
            team=f"팀 {scenario}",
            model=f"모델 {scenario}",
            base_url=server.base_url(scenario),
            model_id=scenario,
            internal=True,
        )
    yield server
    server.stop()


def watch_origins(page, portal_url):
    """Every request the page makes; the test fails on any that leaves the portal's origin."""
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("dialog", lambda dialog: (seen.append("dialog:" + dialog.message), dialog.dismiss()))

    def foreign():
        return [url for url in seen if not url.startswith(portal_url + "/") and url != "data:,"]

    return foreign


INERT_CHECK = """root => {
  const allowed = new Set(RULES.tags.map(t => t.toUpperCase()));
  const problems = [];
  root.querySelectorAll('*').forEach(el => {
    if (!allowed.has(el.tagName)) problems.push('tag ' + el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || attr.name === 'style' || attr.name === 'src') problems.push(el.tagName + ' ' + attr.name);
      if (attr.name === 'href' && !/^(https?:|mailto:)/i.test(attr.value)) problems.push('href ' + attr.value);
    }
    if (el.tagName === 'A' && el.hasAttribute('href') && el.getAttribute('rel') !== 'noopener noreferrer nofollow') problems.push('rel');
  });
  return problems;
}"""


def inert_problems(page, selector: str):
    page.evaluate("RULES = JSON.parse(document.getElementById('markdown-rules').textContent)")
    return [p for element in page.locator(selector).all() for p in element.evaluate(INERT_CHECK)]


def test_the_browser_renders_every_answer_exactly_as_the_server_does(page, portal_url):
    page.goto(portal_url + "/arena/my-data/")
    page.wait_for_function("() => window.KaiMarkdown !== undefined")
    for name, text in {**FRIENDLY, **HOSTILE}.items():
        same = page.evaluate(
            """([text, server]) => {
                const a = document.createElement('div'); a.innerHTML = KaiMarkdown.render(text);
                const b = document.createElement('div'); b.innerHTML = server;
                return a.isEqualNode(b) || [a.innerHTML.slice(0, 400), b.innerHTML.slice(0, 400)];
            }""",
            [text, str(markdown.render(text))],
        )
        assert same is True, (name, same)


def test_a_hostile_answer_streams_as_markdown_and_nothing_leaves_the_origin(page, portal_url, hostile_pair):
    foreign = watch_origins(page, portal_url)
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("요약해 주세요")
    page.get_by_test_id("send-prompt").click()
    # Rendered while it streams: the heading is a heading before the answer has finished.
    expect(page.locator(".turn-answer h2").first).to_have_text("요약", timeout=20000)
    assert Turn.objects.count() == 0
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    panes = page.locator("#response-a, #response-b")
    for pane in panes.all():
        assert pane.locator("img, script, iframe, svg, style, object, form").count() == 0
    assert inert_problems(page, ".turn-answer") == []
    text = page.locator(".panes").inner_text()
    assert "추적 픽셀" in text and "https://evil.example/pixel.png?who=citizen" in text
    assert "<script>" in text  # shown as text, not run
    link = page.get_by_role("link", name="정부24")
    assert (
        link.get_attribute("rel") == "noopener noreferrer nofollow"
        and link.get_attribute("target") == "_blank"
    )
    expect(page.locator(".turn-answer pre code.hljs").first).to_be_visible()  # highlighted
    assert foreign() == []

    battle = Battle.objects.get()
    page.get_by_test_id("vote-a").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    for path in (f"/arena/battles/{battle.pk}/", "/arena/my-data/"):
        page.goto(portal_url + path)
        page.locator("details.my-conversation").evaluate_all("els => els.forEach(e => e.open = true)")
        expect(page.locator(".md h2").first).to_have_text("요약")
        expect(page.locator(".md pre code.hljs").first).to_be_visible()
        assert page.locator(".md img, .md script, .md svg").count() == 0
        assert inert_problems(page, ".md") == []
        assert_no_axe_violations(page, WCAG22_AA)
    assert foreign() == []


def test_the_expert_review_renders_answers_safely(page, portal_url, hostile_pair):
    model_a, model_b = ModelEndpoint.objects.all()
    battle = Battle.objects.create(
        voter="someone",
        model_a=model_a,
        model_b=model_b,
        model_a_version="v1",
        model_b_version="v1",
        pair_probability=1.0,
        status=Battle.Status.VOTED,
    )
    Turn.objects.create(
        battle=battle,
        index=0,
        prompt="질문",
        response_a="".join(HOSTILE_STREAM),
        response_b=FRIENDLY["table"] + "\n\n" + FRIENDLY["math"],
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    expert = make_user("expert-md", roles.EXPERT)
    assignment = ReviewAssignment.objects.create(expert=expert, battle=battle)
    foreign = watch_origins(page, portal_url)
    log_in(page, portal_url, expert)
    page.goto(portal_url + f"/staff/reviews/{assignment.pk}/")
    expect(page.get_by_test_id("review-response-a").locator("h2")).to_have_text("요약")
    expect(page.get_by_test_id("review-response-b").locator("table")).to_be_visible()
    expect(page.get_by_test_id("review-response-b").locator(".math").first).to_have_text(
        "$ax^2 + bx + c = 0$"
    )
    assert inert_problems(page, ".md") == []
    assert_no_axe_violations(page, WCAG22_AA)
    assert foreign() == []


def test_a_huge_table_scrolls_inside_the_answer_at_phone_width(browser, portal_url, hostile_pair):
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("표로 보여 주세요")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    expect(page.locator(".md-table table").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = page.locator(".md-table").first.evaluate("el => [el.scrollWidth > el.clientWidth, el.clientWidth]")
    assert box[0] and box[1] <= 390
    assert_no_axe_violations(page, WCAG22_AA)
    context.close()
