"""Moderation of prompts and of both answers: staff-edited rules, plus an optional
OpenAI-compatible moderation endpoint for prompts (through the one inference client).

A blocked prompt is never sent to a model; a prompt showing self-harm risk gets crisis resources
instead of a battle; an answer that hits a rule stops before the offending text is shown. Every
decision is counted per day and category, and the text itself is never kept.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.endpoints import inference
from arena.models import RULES_CACHE_KEY, ModerationCount, ModerationRule
from arena.safety import textnorm

RULES_CACHE_SECONDS = 60  # a backstop: a save or delete drops the cached rules at once (arena/models.py)


@dataclass(frozen=True)
class Decision:
    category: str
    action: str  # block | crisis


def crisis_resources() -> list[dict[str, str]]:
    return [
        {"name": _("자살예방상담전화"), "contact": "109", "note": _("24시간, 무료")},
        {"name": _("정신건강위기상담전화"), "contact": "1577-0199", "note": _("24시간")},
        {"name": _("청소년상담전화"), "contact": "1388", "note": _("24시간")},
        {"name": _("긴급 신고"), "contact": "112 / 119", "note": _("위험이 급박할 때")},
    ]


def message_for(decision: Decision) -> str:
    if decision.action == ModerationRule.Action.CRISIS:
        return _(
            "많이 힘드신 것 같아요. 이 질문은 모델에 보내지 않았습니다. "
            "지금 바로 전문 상담사와 이야기할 수 있습니다. 혼자 견디지 않으셔도 됩니다."
        )
    if decision.category == "moderation_unavailable":
        return _("지금은 안전 검사를 할 수 없어 질문을 보내지 않았습니다. 잠시 후 다시 시도해 주세요.")
    return _(
        "이 질문은 공공 평가의 안전 기준에 맞지 않아 모델에 보내지 않았습니다. "
        "다른 질문으로 평가에 참여해 주세요."
    )


# Disguises that split a word without changing it: separators around a lone Hangul syllable
# ("자 살", "죽 고 싶 어"), punctuation between syllables ("자.살"), and spaced-out Latin letters
# ("k i l l myself"). Two lone syllables or two words stay apart ("여자 살인" is not "자살").
_LONE_SYLLABLE = re.compile(
    r"(?<![가-힣])([가-힣])[\s.\-_*~|/·]{1,3}(?=[가-힣])|(?<=[가-힣])[\s.\-_*~|/·]{1,3}([가-힣])(?![가-힣])"
)
_PUNCT_IN_WORD = re.compile(r"(?<=[가-힣])[.\-_*~|/·]{1,3}(?=[가-힣])")
_SPELLED_OUT = re.compile(r"(?<![A-Za-z])[A-Za-z](?:[\s.\-_*]{1,2}[A-Za-z](?![A-Za-z])){2,}")


def judged_forms(text: str) -> list[str]:
    """The text as the rules read it: normalised (arena/safety/textnorm.py), and, when that differs,
    with words put back together."""
    judged = textnorm.fold(text)
    compact = _PUNCT_IN_WORD.sub("", judged)
    compact = _LONE_SYLLABLE.sub(lambda m: m.group(1) or m.group(2), compact)
    compact = _SPELLED_OUT.sub(lambda m: re.sub(r"[\s.\-_*]", "", m.group()), compact)
    return [judged] if compact == judged else [judged, compact]


class Ruleset:
    """The enabled rules compiled into one alternation per (target, action): a check is at most two
    regex searches per form of the text, crisis rules first so a prompt that is both gets help
    rather than a refusal. Rules read the normalised text, so zero-width characters, full-width
    letters and spaced-out syllables are no way around them."""

    def __init__(self, rules: list[tuple[str, str, str, str]]) -> None:
        self._compiled: dict[str, list[tuple[re.Pattern, list[tuple[str, str]]]]] = {}
        for target in (ModerationRule.Target.PROMPT, ModerationRule.Target.RESPONSE):
            for action in (ModerationRule.Action.CRISIS, ModerationRule.Action.BLOCK):
                chosen = [
                    (category, pattern)
                    for category, rule_action, rule_target, pattern in rules
                    if rule_action == action and rule_target in (target, ModerationRule.Target.BOTH)
                ]
                if chosen:
                    regex = re.compile(
                        "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(chosen)),
                        re.IGNORECASE,
                    )
                    labels = [(category, action) for category, _ in chosen]
                    self._compiled.setdefault(target, []).append((regex, labels))

    def check(self, text: str, target: str, pos: int = 0) -> Decision | None:
        """The first rule that matches `text` from `pos` on, or None."""
        compiled = self._compiled.get(target, [])
        if not compiled:
            return None
        forms = judged_forms(text[pos:])
        for regex, labels in compiled:
            for form in forms:
                match = regex.search(form)
                if match is not None:
                    index = next(i for i in range(len(labels)) if match.group(f"r{i}") is not None)
                    return Decision(*labels[index])
        return None


def load_rules() -> Ruleset:
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = list(
            ModerationRule.objects.filter(enabled=True).values_list("category", "action", "target", "pattern")
        )
        cache.set(RULES_CACHE_KEY, rules, RULES_CACHE_SECONDS)
    return _compiled(tuple(tuple(rule) for rule in rules))


@functools.lru_cache(maxsize=8)
def _compiled(rules: tuple[tuple[str, str, str, str], ...]) -> Ruleset:
    """Compiled once per set of rules in each process, not once per turn."""
    return Ruleset(list(rules))


def check(text: str, target: str, rules: Ruleset, pos: int = 0) -> Decision | None:
    return rules.check(text, target, pos)


async def check_with_endpoint(text: str) -> Decision | None:
    """The optional moderation endpoint (ARENA_MODERATION_URL). Fails closed: if it cannot answer,
    the prompt is held back rather than sent unchecked."""
    if not settings.ARENA_MODERATION_URL:
        return None
    endpoint = inference.Endpoint(
        base_url=settings.ARENA_MODERATION_URL,
        model_id=settings.ARENA_MODERATION_MODEL,
        api_key=inference_key(),
    )
    try:
        flagged = await inference.moderate(endpoint, text)
    except inference.InferenceError:
        return Decision("moderation_unavailable", ModerationRule.Action.BLOCK)
    if not flagged:
        return None
    crisis = next((c for c in flagged if c.startswith("self-harm") or c.startswith("self_harm")), None)
    return Decision(
        crisis or flagged[0], ModerationRule.Action.CRISIS if crisis else ModerationRule.Action.BLOCK
    )


def inference_key() -> str | None:
    name = settings.ARENA_MODERATION_KEY_ENV
    if not name:
        return None
    return os.environ.get(name) or None


def decision_count(*, decision: Decision, target: str) -> None:
    """Count one decision for staff. Only the category is recorded, never the text."""
    row, _created = ModerationCount.objects.get_or_create(
        day=timezone.localdate(), target=target, category=decision.category, action=decision.action
    )
    ModerationCount.objects.filter(pk=row.pk).update(count=F("count") + 1)
