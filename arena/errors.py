"""Domain errors of the arena. Messages are shown to citizens as they are, so they are Korean first."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ArenaError(DomainError):
    pass


class BattleNotVotable(ArenaError):
    code = "not_votable"
    http_status = 409


class NoModelsAvailable(ArenaError):
    code = "no_models"
    http_status = 503


NO_MODELS_MESSAGE = _("지금 비교할 수 있는 모델이 두 개 미만입니다. 잠시 후 다시 시도해 주세요.")

# What a citizen reads when one side fails. Deliberately generic: the cause is for staff (stored on the
# turn), and no message may hint at which team's server is behind the side.
SIDE_ERROR_MESSAGES = {
    "connect": _("모델 서버에 연결하지 못했습니다."),
    "timeout_connect": _("모델 서버에 연결하지 못했습니다."),
    "timeout_first_token": _("모델이 제한 시간 안에 답하기 시작하지 않았습니다."),
    "timeout_idle": _("모델의 답변이 도중에 멈췄습니다."),
    "timeout_total": _("답변이 너무 오래 걸려 중단했습니다."),
    "rate_limited": _("모델 서버에 요청이 많아 지금은 답할 수 없습니다."),
    "http_status": _("모델 서버가 오류를 알려 왔습니다."),
    "upstream_error": _("모델 서버가 답변 도중 오류를 보냈습니다."),
    "truncated": _("답변이 끝나기 전에 연결이 끊겼습니다."),
    "protocol": _("모델 서버의 응답 형식이 올바르지 않습니다."),
    "redirect": _("모델 서버의 응답 형식이 올바르지 않습니다."),
    "blocked_host": _("모델 서버에 연결하지 못했습니다."),
    # Stopped by the portal: the other side failed, so this turn cannot be voted on anyway.
    "cancelled": _("다른 쪽 모델이 답하지 못해 이 답변도 멈췄습니다."),
}
DEFAULT_SIDE_ERROR = _("모델이 답하지 못했습니다.")
