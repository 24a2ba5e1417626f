from django import template
from django.utils.translation import gettext as _

from evaluation.labels import STATUS

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def status_label(status: str) -> str:
    """The scorecard status of a team, in the reader's language."""
    return STATUS.get(status, status)


@register.filter
def points(value, digits: int = 2) -> str:
    """A block's points, or a plain "자료 없음" when the evidence is missing (never shown as zero)."""
    return _("자료 없음") if value is None else f"{value:.{digits}f}"
