from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_endpoint_url(value: str) -> None:
    """http(s) with a host. Looser than URLValidator on purpose: in-cluster names such as
    http://vllm:8000/v1 have no dot and are normal for model servers."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValidationError(_("http:// 또는 https://로 시작하는 주소를 입력해 주세요."), code="invalid_url")
