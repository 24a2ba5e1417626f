"""What a team endpoint's settings may be. Used by the model (and so the admin), `endpoint_register`
and `register_endpoint`; the inference client enforces the host rule again at request time."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.outbound import host_problem

# A team's key lives in TEAM_<code>_KEY (or TEAM_<code>_<WORDS>_KEY for a second model): no other
# process variable (DJANGO_SECRET_KEY, DATABASE_URL...) can be named, nor another team's key.
TEAM_CODE = re.compile(r"[A-Z][A-Z0-9]{0,19}")
KEY_ENV = re.compile(r"TEAM_(?P<code>[A-Z][A-Z0-9]{0,19})(?:_[A-Z0-9]+)*_KEY")


def validate_endpoint_url(value: str) -> None:
    """http(s) with a host, nothing after the path. Looser than URLValidator on purpose: in-cluster
    names such as http://vllm:8000/v1 have no dot and are normal for model servers. No query or
    fragment (the client appends the API path) and no user:password@ (keys go through api_key_env)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValidationError(_("http:// 또는 https://로 시작하는 주소를 입력해 주세요."), code="invalid_url")
    if parts.query or parts.fragment or value.rstrip().endswith(("?", "#")):
        raise ValidationError(_("주소에 ?나 # 뒤의 부분을 넣을 수 없습니다."), code="url_query")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            _("주소에 사용자 이름이나 비밀번호를 넣을 수 없습니다. 키는 API 키 환경변수로 지정해 주세요."),
            code="url_credentials",
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationError(_("포트 번호가 올바르지 않습니다."), code="invalid_url") from None


def validate_endpoint_host(value: str, *, internal: bool) -> None:
    """Only public hosts, unless an administrator marked the endpoint internal (the demo server, a
    model server in the portal's own network)."""
    if internal:
        return
    parts = urlsplit(value)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    problem = host_problem(parts.hostname or "", port)
    if problem is not None:
        raise ValidationError(
            _(
                "공개 인터넷 주소가 아닙니다 (%(problem)s). 포털 내부망의 서버라면 관리자가 "
                "'내부망 주소 허용'을 켜야 합니다."
            )
            % {"problem": problem},
            code="private_host",
        )


def validate_team_code(value: str) -> None:
    if value and not TEAM_CODE.fullmatch(value):
        raise ValidationError(
            _("팀 코드는 영문 대문자로 시작하는 영문 대문자와 숫자 20자 이내입니다 (예: X, LGAI)."),
            code="team_code",
        )


def api_key_env_problem(name: str, team_code: str) -> str | None:
    """Why `name` may not hold this team's key (None when it may, or when no key is named)."""
    if not name:
        return None
    match = KEY_ENV.fullmatch(name)
    if match is None:
        return _("API 키 환경변수 이름은 TEAM_<팀 코드>_KEY 형식이어야 합니다 (예: TEAM_X_KEY).")
    if not team_code:
        return _("API 키를 쓰려면 먼저 팀 코드를 정해 주세요. 키 환경변수 이름이 팀 코드로 시작합니다.")
    if match["code"] != team_code:
        return _("이 팀의 키 환경변수는 TEAM_%(code)s_로 시작해야 합니다.") % {"code": team_code}
    return None
