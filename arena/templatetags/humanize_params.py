"""Parameter counts as people say them: 8B, 1.5B, 235B, 340M."""

from django import template

register = template.Library()


@register.filter
def params(count: int | None) -> str:
    if not count:
        return ""
    if count >= 1e9:
        value, unit = count / 1e9, "B"
    else:
        value, unit = count / 1e6, "M"
    return f"{value:.1f}".rstrip("0").rstrip(".") + unit
