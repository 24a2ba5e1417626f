"""Model answers in templates: `{{ text|answer_markdown }}` and the assets a page needs to render them
(the same rules in the browser, for answers that stream)."""

from django import template
from django.utils.html import json_script

from core import markdown

register = template.Library()


@register.filter
def answer_markdown(text: str):
    return markdown.render(text)


@register.simple_tag
def markdown_rules():
    return json_script(markdown.rules(), "markdown-rules")
