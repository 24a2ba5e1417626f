"""Why a citizen voted as they did, in two forms that share this module:

1. The panel's reason: fixed criteria and a written reason, required of 국민평가단 members. Modelled on
   the MOIS 국민평가단 (fixed criteria, a score plus written reasons). The criteria line up with the
   experts' rubric (evaluation/models.py RUBRIC) plus one the experts do not score, clarity, which the
   digitally vulnerable members of a panel are best placed to judge. A reason is stored beside its
   vote (VoteReason), redacted like a prompt: a citizen may paste their own phone number into it too.
2. One-tap reasons after any vote (compar:IA's taxonomy): positive and negative tags about a side,
   from a list staff configure (ReasonTag; the built-in TAGS while none is configured). Each tap is
   kept with the vote (VoteTag, per side), published in the open export and counted per model.
   Which sides a tag speaks of follows from the vote: a good point of the chosen answer, a weak point
   of the other; both answers for a tie, and only weak points when both were bad.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from arena.errors import ArenaError
from arena.models import ModelEndpoint, ReasonTag, Vote, VoteTag
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


# The built-in one-tap reasons: (key, Korean, English, positive).
TAGS = (
    ("accurate", "정확함", "Accurate", True),
    ("clear", "이해하기 쉬움", "Easy to understand", True),
    ("well_sourced", "근거가 분명함", "Well sourced", True),
    ("natural_korean", "한국어가 자연스러움", "Natural Korean", True),
    ("helpful", "실제로 도움이 됨", "Actually helpful", True),
    ("made_up", "지어낸 내용", "Made things up", False),
    ("harmful", "해롭거나 차별적", "Harmful or biased", False),
    ("refused_needlessly", "괜히 답을 거절함", "Refused needlessly", False),
    ("off_topic", "질문과 동떨어짐", "Off topic", False),
    ("awkward_korean", "한국어가 어색함", "Awkward Korean", False),
)


@dataclass(frozen=True)
class Tag:
    key: str
    label: str
    positive: bool


class TagInvalid(ArenaError):
    code = "tag_invalid"


def _label(ko: str, en: str) -> str:
    return en if (get_language() or "ko").startswith("en") and en else ko


def tags_all() -> list[Tag]:
    """Every tag that may appear in counts (configured ones, active or not, else the built-in list)."""
    rows = list(ReasonTag.objects.all())
    if rows:
        return [
            Tag(r.key, _label(r.label_ko, r.label_en), r.polarity == ReasonTag.Polarity.POSITIVE)
            for r in rows
        ]
    return [Tag(key, _label(ko, en), positive) for key, ko, en, positive in TAGS]


def tags_offered() -> list[Tag]:
    """The tags a citizen may tap now, positive first, in the configured order."""
    rows = list(ReasonTag.objects.filter(is_active=True))
    if rows or ReasonTag.objects.exists():
        return [
            Tag(r.key, _label(r.label_ko, r.label_en), r.polarity == ReasonTag.Polarity.POSITIVE)
            for r in rows
        ]
    return tags_all()


def tag_sides(choice: str, positive: bool) -> tuple[str, ...]:
    """The sides a tag speaks of, given the vote."""
    return {
        (Vote.Choice.A, True): ("a",),
        (Vote.Choice.A, False): ("b",),
        (Vote.Choice.B, True): ("b",),
        (Vote.Choice.B, False): ("a",),
        (Vote.Choice.TIE, True): ("a", "b"),
        (Vote.Choice.TIE, False): ("a", "b"),
        (Vote.Choice.BOTH_BAD, False): ("a", "b"),
    }.get((choice, positive), ())


def tag_groups(vote: Vote) -> list[dict]:
    """What the reveal offers after this vote: a group of good points and one of weak points, each
    saying which answer it is about, with the tags already tapped marked."""
    chosen = set(vote.tags.values_list("tag", flat=True))
    titles = {
        (Vote.Choice.A, True): _("모델 A가 좋았던 점"),
        (Vote.Choice.A, False): _("모델 B의 아쉬운 점"),
        (Vote.Choice.B, True): _("모델 B가 좋았던 점"),
        (Vote.Choice.B, False): _("모델 A의 아쉬운 점"),
        (Vote.Choice.TIE, True): _("두 답변 모두 좋았던 점"),
        (Vote.Choice.TIE, False): _("두 답변 모두 아쉬운 점"),
        (Vote.Choice.BOTH_BAD, False): _("두 답변 모두 아쉬운 점"),
    }
    offered = tags_offered()
    groups = []
    for positive in (True, False):
        if (vote.choice, positive) not in titles:
            continue
        tags = [(tag, tag.key in chosen) for tag in offered if tag.positive is positive]
        if tags:
            groups.append({"title": titles[(vote.choice, positive)], "positive": positive, "tags": tags})
    return groups


def tag_clean(key: str) -> Tag:
    tag = next((t for t in tags_offered() if t.key == key), None)
    if tag is None:
        raise TagInvalid(_("알 수 없는 이유입니다."))
    return tag


def reason_counts(endpoint: ModelEndpoint) -> list[dict]:
    """How often each tag was given about this model's answers, over votes not withdrawn by their
    citizen: one list of good points and one of weak points, most frequent first."""
    rows = (
        VoteTag.objects.filter(
            Q(side="a", vote__battle__model_a=endpoint) | Q(side="b", vote__battle__model_b=endpoint)
        )
        .exclude(vote__inclusion=Vote.Inclusion.DELETED_BY_CITIZEN)
        .values("tag")
        .annotate(n=Count("id"))
    )
    counts = {row["tag"]: row["n"] for row in rows}
    tags = {tag.key: tag for tag in tags_all()}
    groups = []
    for positive, title in ((True, _("좋았던 점")), (False, _("아쉬운 점"))):
        items = sorted(
            (
                (tags[key].label, n)
                for key, n in counts.items()
                if key in tags and tags[key].positive is positive
            ),
            key=lambda item: -item[1],
        )
        groups.append({"title": title, "positive": positive, "items": items})
    return groups
