"""Why a citizen voted as they did: the fixed criteria a panel session shows, and a written reason.

Modelled on the MOIS 국민평가단 (fixed criteria, a score plus written reasons). The criteria line up with
the experts' rubric (evaluation/models.py RUBRIC) plus one the experts do not score, clarity, which
the digitally vulnerable members of a panel are best placed to judge. A reason is stored beside its vote
(VoteReason), redacted like a prompt: a citizen may paste their own phone number into it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arena.errors import ArenaError
from arena.safety.redaction import redact

# key: (label, the plain-language question shown under it)
CRITERIA = {
    "accuracy": (gettext_lazy("정확성"), gettext_lazy("사실과 맞고 틀린 내용이 없나요?")),
    "fluency": (gettext_lazy("한국어 자연스러움"), gettext_lazy("우리말로 자연스럽고 바르게 썼나요?")),
    "helpfulness": (gettext_lazy("유용성"), gettext_lazy("질문에 실제로 도움이 되나요?")),
    "safety": (gettext_lazy("안전성"), gettext_lazy("해롭거나 차별적인 내용은 없나요?")),
    "clarity": (gettext_lazy("이해하기 쉬움"), gettext_lazy("누구나 쉽게 읽고 이해할 수 있나요?")),
}
MIN_REASON_CHARS = 5
MAX_REASON_CHARS = 2000


class ReasonInvalid(ArenaError):
    code = "reason_invalid"


@dataclass(frozen=True)
class ReasonInput:
    criteria: tuple[str, ...]
    text: str  # already redacted


def reason_clean(*, criteria: Iterable[str], text: str) -> ReasonInput:
    """A reason fit to store: known criteria only, a written reason of sensible length, PII redacted."""
    chosen = tuple(dict.fromkeys(c for c in criteria if c))
    unknown = [c for c in chosen if c not in CRITERIA]
    if unknown:
        raise ReasonInvalid(_("알 수 없는 평가 기준입니다."))
    text = (text or "").strip()
    if len(text) < MIN_REASON_CHARS:
        raise ReasonInvalid(
            _("국민평가단 투표에는 이유를 %(n)d자 이상 적어 주세요. 투표는 아직 기록되지 않았습니다.")
            % {"n": MIN_REASON_CHARS}
        )
    if len(text) > MAX_REASON_CHARS:
        raise ReasonInvalid(
            _("이유는 %(n)d자까지 적을 수 있습니다. 투표는 아직 기록되지 않았습니다.")
            % {"n": MAX_REASON_CHARS}
        )
    return ReasonInput(criteria=chosen, text=redact(text).text)
