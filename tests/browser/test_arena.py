"""The blind battle in Chromium, against the real ASGI app and the real demo model server."""

import pytest
from playwright.sync_api import expect

from arena.models import Vote
from tests.browser.conftest import assert_no_axe_violations
from tests.conftest import register_attested

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_pair(demo_endpoints):
    return demo_endpoints("demo-garam", "demo-maru")


def tab_to(page, testid: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.dataset.testid") == testid:
            return
    raise AssertionError(f"{testid} is not reachable by Tab")


def test_citizen_battles_votes_and_sees_the_reveal(page, portal_url, demo_pair):
    page.goto(portal_url + "/arena/")
    assert_no_axe_violations(page)  # the consent notice
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("주민등록등본은 어디서 떼나요?")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"response-{side}")).to_contain_text("주민등록등본")
    before_vote = page.content()
    for endpoint in demo_pair:
        assert endpoint.name not in before_vote and endpoint.team.name not in before_vote
    assert page.get_by_test_id("model-name-a").count() == 0
    assert_no_axe_violations(page)

    page.get_by_test_id("vote-b").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    revealed = (
        page.get_by_test_id("model-name-a").inner_text() + page.get_by_test_id("model-name-b").inner_text()
    )
    assert "가람-데모" in revealed and "마루-데모" in revealed
    vote = Vote.objects.select_related("battle").get()
    assert vote.choice == "b"
    assert_no_axe_violations(page)
    expect(page.get_by_test_id("new-battle")).to_be_visible()


def test_keyboard_only_battle(page, portal_url, demo_pair):
    page.goto(portal_url + "/arena/")
    tab_to(page, "consent-accept")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "prompt-input")
    page.keyboard.type("버스 정기권 할인 제도를 알려 주세요")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("vote-tie")).to_be_enabled(timeout=30000)
    status = page.locator("#arena-status").inner_text()
    assert "투표" in status  # the milestone is announced, not the tokens
    page.get_by_test_id("prompt-input").focus()
    tab_to(page, "vote-tie")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("model-name-b")).to_be_visible()
    # Focus moves to the reveal so a screen reader reads it next.
    assert page.evaluate("document.activeElement.id") == "reveal-title"
    assert Vote.objects.get().choice == "tie"


def test_failing_side_shows_a_message_and_no_vote(page, portal_url, demo_endpoints, settings):
    settings.ARENA_CONNECT_TIMEOUT = 1
    demo_endpoints("demo-garam")
    register_attested(
        team="고장팀", model="고장-모델", base_url="http://127.0.0.1:9/v1", model_id="x", internal=True
    )
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("안녕하세요")
    page.get_by_test_id("send-prompt").click()
    expect(page.locator(".side-error")).to_have_text("모델 서버에 연결하지 못했습니다.", timeout=20000)
    expect(page.locator("#arena-status")).to_contain_text("새 대결")
    for testid in ("vote-a", "vote-b", "vote-tie", "vote-bothbad", "send-prompt"):
        expect(page.get_by_test_id(testid)).to_be_disabled()
    expect(page.get_by_test_id("new-battle")).to_be_visible()
    assert Vote.objects.count() == 0


def test_phone_width_battle(browser, portal_url, demo_pair):
    context = browser.new_context(locale="ko-KR", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("날씨 알려줘")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-bothbad")).to_be_enabled(timeout=30000)
    box_a = page.get_by_test_id("response-a").bounding_box()
    box_b = page.get_by_test_id("response-b").bounding_box()
    assert box_b["y"] > box_a["y"]  # stacked, not squeezed side by side
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_no_axe_violations(page)
    context.close()


def test_citizen_sees_what_was_masked_before_the_answers(page, portal_url, demo_pair):
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("제 번호 010-1234-5678 로 전입신고 결과 알려주세요")
    page.get_by_test_id("send-prompt").click()
    page.get_by_test_id("preview-send").click()
    note = page.locator("#response-a .redaction-note")
    expect(note).to_contain_text("전화번호")
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    assert "010-1234-5678" not in page.content()
    assert "[전화번호]" in page.get_by_test_id("response-a").inner_text()
    assert_no_axe_violations(page)


def test_crisis_prompt_gets_help_not_a_battle(page, portal_url, demo_pair):
    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill("요즘 너무 힘들어서 죽고 싶어요")
    page.get_by_test_id("send-prompt").click()
    crisis = page.get_by_test_id("crisis")
    expect(crisis).to_be_visible(timeout=20000)  # after the preview round trip, on a loaded machine too
    expect(crisis).to_contain_text("109")
    assert page.get_by_test_id("response-a").inner_text() == ""
    assert_no_axe_violations(page)


def test_citizen_sees_what_would_be_masked_and_can_edit_or_cancel(page, portal_url, demo_pair):
    from arena.models import Battle

    page.goto(portal_url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    prompt = page.get_by_test_id("prompt-input")
    prompt.fill("제 번호 010-1234-5678, 주소는 서울 강남구 테헤란로 152, 101동 1203호 입니다")
    page.get_by_test_id("send-prompt").click()

    preview = page.get_by_test_id("prompt-preview")
    expect(preview).to_be_visible()
    marks = page.locator("#preview-text mark")
    expect(marks).to_have_count(2)
    assert [marks.nth(i).get_attribute("data-kind") for i in range(2)] == ["phone", "address"]
    expect(marks.nth(0)).to_contain_text("010-1234-5678")
    expect(page.get_by_test_id("preview-summary")).to_contain_text("전화번호 1건")
    expect(page.get_by_test_id("preview-summary")).to_contain_text("주소 1건")
    # A screen reader hears the kind with the highlighted text, and focus moved to the preview.
    assert "가릴 부분, 종류: 전화번호" in marks.nth(0).inner_text()
    assert page.evaluate("document.activeElement.id") == "preview-title"
    expect(page.locator("#arena-status")).to_contain_text("개인정보로 보이는 내용")
    assert_no_axe_violations(page)
    assert Battle.objects.count() == 0  # nothing left the page yet

    # Edit, by keyboard: back to the question with the text intact.
    tab_to(page, "preview-edit")
    page.keyboard.press("Enter")
    expect(preview).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.testid") == "prompt-input"
    assert "010-1234-5678" in prompt.input_value()
    prompt.fill("주소는 서울 강남구 테헤란로 152 입니다")
    page.keyboard.press("Control+Enter")
    expect(marks).to_have_count(1)
    page.get_by_test_id("preview-send").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    assert "[주소]" in page.get_by_test_id("response-a").inner_text()
    assert "테헤란로 152" not in page.content()
    assert Battle.objects.count() == 1

    # Cancel: nothing is sent and the question is gone.
    prompt.fill("이어서, 제 카드 4111-1111-1111-1111 로 결제했어요")
    page.get_by_test_id("send-prompt").click()
    expect(preview).to_be_visible()
    page.get_by_test_id("preview-cancel").click()
    expect(preview).to_be_hidden()
    expect(page.locator("#arena-status")).to_have_text("질문을 보내지 않았습니다.")
    assert prompt.input_value() == ""
    assert "4111" not in page.get_by_test_id("response-a").inner_text()
    assert Battle.objects.get().turn_count == 1
