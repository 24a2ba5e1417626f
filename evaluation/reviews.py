"""Expert blind review: battles from the arena handed to experts without model names, scored on a
rubric. An expert never sees another expert's scores; staff see the aggregates and the agreement."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.models import Battle, PanelExpertCheck, Turn, Vote
from core import roles
from core.errors import Forbidden
from evaluation.models import RUBRIC, ExpertScore, ReviewAssignment, RoundTeam

# Each battle goes to up to this many experts: overlap is what makes agreement measurable.
REVIEWERS_PER_BATTLE = 3
QUEUE_SIZE = 5


def reviewable_battles():
    """Battles whose every turn has both answers and no error, between two models entered in a round,
    or routed from the citizen panel for expert re-check (arena.panel.services.expert_check_route)."""
    models = RoundTeam.objects.values("endpoint_id")
    failed_turn = Turn.objects.filter(battle=OuterRef("pk")).filter(
        ~Q(error_a="") | ~Q(error_b="") | Q(response_a="") | Q(response_b="")
    )
    return (
        Battle.objects.filter(
            Q(model_a_id__in=models, model_b_id__in=models) | Q(panel_check__isnull=False), turn_count__gt=0
        )
        .exclude(status=Battle.Status.FAILED)
        .exclude(Exists(failed_turn))
        # Deleted at the citizen's request: the conversation is gone, nothing is left to review.
        .exclude(vote__inclusion=Vote.Inclusion.DELETED_BY_CITIZEN)
    )


def review_queue_fill(*, expert, size: int = QUEUE_SIZE) -> list[ReviewAssignment]:
    """Top the expert's open queue up to `size`, preferring battles other experts already have (so
    scores overlap) but not yet at REVIEWERS_PER_BATTLE."""
    if not roles.has_role(expert, roles.EXPERT):
        raise Forbidden(_("전문가 평가자만 평가 목록을 받을 수 있습니다."))
    with transaction.atomic():
        open_count = ReviewAssignment.objects.filter(expert=expert, submitted_at__isnull=True).count()
        wanted = max(0, size - open_count)
        if wanted:
            candidates = (
                reviewable_battles()
                .exclude(expert_assignments__expert=expert)
                .annotate(
                    n=Count("expert_assignments"),
                    routed=Exists(PanelExpertCheck.objects.filter(battle=OuterRef("pk"))),
                )
                .filter(n__lt=REVIEWERS_PER_BATTLE)
                # Panel battles routed for re-check first: that is the 10% the panel protocol promises.
                .order_by("-routed", "-n", "created_at")[:wanted]
            )
            ReviewAssignment.objects.bulk_create(
                [ReviewAssignment(expert=expert, battle=b) for b in candidates], ignore_conflicts=True
            )
    # Open ones first on every database (PostgreSQL sorts NULL last, SQLite first).
    return list(
        ReviewAssignment.objects.filter(expert=expert).order_by(
            F("submitted_at").asc(nulls_first=True), "created_at"
        )
    )


def parse_scores(data) -> dict[str, dict[str, int]]:
    """{side: {criterion: 1..5}} from a form with fields `<side>-<criterion>`; every one is required."""
    scores: dict[str, dict[str, int]] = {}
    for side in ("a", "b"):
        scores[side] = {}
        for criterion, label in RUBRIC.items():
            raw = (data.get(f"{side}-{criterion}") or "").strip()
            if raw not in {"1", "2", "3", "4", "5"}:
                raise ValidationError(
                    _("답변 %(side)s의 %(c)s 점수를 1에서 5 사이로 골라 주세요.")
                    % {"side": side.upper(), "c": label}
                )
            scores[side][criterion] = int(raw)
    return scores


def review_submit(
    *, assignment: ReviewAssignment, expert, scores: dict[str, dict[str, int]], comment: str
) -> ReviewAssignment:
    if assignment.expert_id != expert.pk:
        raise Forbidden(_("다른 전문가에게 배정된 평가입니다."))
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().select_related("battle").get(pk=assignment.pk)
        if locked.submitted_at is not None:
            raise ValidationError(_("이미 제출한 평가입니다. 제출한 뒤에는 고칠 수 없습니다."))
        battle = locked.battle
        ExpertScore.objects.bulk_create(
            [
                ExpertScore(
                    assignment=locked,
                    side=side,
                    endpoint_id=battle.model_a_id if side == "a" else battle.model_b_id,
                    **values,
                )
                for side, values in scores.items()
            ]
        )
        locked.comment = comment.strip()[:4000]
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["comment", "submitted_at"])
    return locked
