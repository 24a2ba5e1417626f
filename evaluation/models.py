"""Evaluation rounds and the evidence they are scored on."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from arena.models import Battle, ModelEndpoint, Team


class Round(models.Model):
    slug = models.SlugField(_("주소 이름"), max_length=60, unique=True)
    name = models.CharField(_("평가 이름"), max_length=200)
    stage = models.PositiveSmallIntegerField(_("단계"))
    advance_count = models.PositiveSmallIntegerField(_("통과 팀 수"))
    is_published = models.BooleanField(_("결과 공개"), default=False)
    published_at = models.DateTimeField(_("공개 시각"), null=True, blank=True)
    note = models.TextField(_("설명"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stage", "slug"]
        verbose_name = _("평가 차수")
        verbose_name_plural = _("평가 차수")

    def __str__(self) -> str:
        return self.name


class Block(models.Model):
    class Kind(models.TextChoices):
        BENCHMARK = "benchmark", _("벤치마크")
        EXPERT = "expert", _("전문가 평가")
        USER = "user", _("사용자 평가")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="blocks")
    key = models.SlugField(max_length=30)
    name = models.CharField(_("항목"), max_length=100)
    kind = models.CharField(_("근거 종류"), max_length=12, choices=Kind.choices)
    weight = models.FloatField(_("배점"), validators=[MinValueValidator(0)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="block_unique_key"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="block_weight_nonnegative"),
        ]
        verbose_name = _("평가 항목")
        verbose_name_plural = _("평가 항목")

    def __str__(self) -> str:
        return f"{self.name} {self.weight:g}"


class SubItem(models.Model):
    """A part of a benchmark block: its benchmark results are those imported with this category."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="sub_items")
    key = models.SlugField(max_length=30)
    name = models.CharField(_("세부 항목"), max_length=100)
    points = models.FloatField(_("배점"), validators=[MinValueValidator(0)])
    description = models.CharField(_("설명"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["block", "order"]
        constraints = [models.UniqueConstraint(fields=["block", "key"], name="subitem_unique_key")]
        verbose_name = _("세부 항목")
        verbose_name_plural = _("세부 항목")

    def __str__(self) -> str:
        return f"{self.name} {self.points:g}"


class RoundTeam(models.Model):
    class Gate(models.TextChoices):
        PASS = "pass", _("통과")
        FAIL = "fail", _("미충족")
        UNDER_REVIEW = "under_review", _("심사 중")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    endpoint = models.ForeignKey(
        ModelEndpoint,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("평가 모델"),
        help_text=_("아레나 점수와 전문가 평가를 가져올 모델"),
    )
    gate = models.CharField(_("독자성 판정"), max_length=14, choices=Gate.choices, default=Gate.UNDER_REVIEW)
    gate_note = models.TextField(_("판정 근거"), blank=True)
    tech_report_url = models.URLField(_("기술 보고서"), blank=True)
    training_logs_url = models.URLField(_("학습 기록"), blank=True)
    hub_repo = models.CharField(_("모델 허브 저장소"), max_length=200, blank=True, help_text="org/name")
    derivatives = models.PositiveIntegerField(_("파생 모델 수"), null=True, blank=True)
    derivatives_detail = models.JSONField(default=dict, blank=True)
    derivatives_source = models.CharField(_("파생 모델 수 출처"), max_length=20, blank=True)
    derivatives_at = models.DateTimeField(null=True, blank=True)
    # What the public results page shows for this team: block keys, "total", "rank", "gate".
    published = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["round", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="roundteam_unique"),
            models.CheckConstraint(
                condition=Q(gate__in=["pass", "fail", "under_review"]), name="roundteam_gate_vocab"
            ),
        ]
        verbose_name = _("참가팀")
        verbose_name_plural = _("참가팀")

    def __str__(self) -> str:
        return f"{self.round.slug}: {self.team.name}"


class BenchmarkResult(models.Model):
    entry = models.ForeignKey(RoundTeam, on_delete=models.CASCADE, related_name="benchmarks")
    sub_item = models.ForeignKey(SubItem, on_delete=models.PROTECT, related_name="results")
    model_name = models.CharField(_("모델"), max_length=200)
    benchmark = models.CharField(_("벤치마크"), max_length=100)
    version = models.CharField(_("버전"), max_length=50)
    score = models.FloatField(_("점수"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    target_score = models.FloatField(_("목표 점수"), null=True, blank=True)
    stderr = models.FloatField(_("표준오차"), null=True, blank=True)
    licence = models.CharField(_("라이선스"), max_length=100)
    harness = models.CharField(_("평가 도구"), max_length=100)
    harness_version = models.CharField(_("평가 도구 버전"), max_length=50)
    evaluated_on = models.DateField(_("평가일"))
    source_url = models.URLField(_("출처"))
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "sub_item", "benchmark"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "benchmark", "version"], name="benchmark_unique_per_team"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="benchmark_score_range"),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True) | Q(target_score__gt=0),
                name="benchmark_target_positive",
            ),
        ]
        verbose_name = _("벤치마크 결과")
        verbose_name_plural = _("벤치마크 결과")

    def __str__(self) -> str:
        return f"{self.benchmark} {self.version}: {self.score:g}"


class ReviewAssignment(models.Model):
    """A battle handed to one expert to score blind. The expert sees answers A and B, never the names."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    battle = models.ForeignKey(Battle, on_delete=models.CASCADE, related_name="expert_assignments")
    comment = models.TextField(_("의견"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "created_at"]
        constraints = [models.UniqueConstraint(fields=["expert", "battle"], name="assignment_unique")]
        verbose_name = _("전문가 평가 배정")
        verbose_name_plural = _("전문가 평가 배정")

    def __str__(self) -> str:
        return f"{self.expert_id} / {self.battle_id}"


RUBRIC = {
    "accuracy": _("정확성"),
    "fluency": _("한국어 능숙도"),
    "safety": _("안전성"),
    "helpfulness": _("유용성"),
}


def _score_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class ExpertScore(models.Model):
    """One expert's rubric scores for one side of one battle."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    side = models.CharField(max_length=1, choices=[("a", "A"), ("b", "B")])
    endpoint = models.ForeignKey(ModelEndpoint, on_delete=models.PROTECT, related_name="+")
    accuracy = _score_field(_("정확성"))
    fluency = _score_field(_("한국어 능숙도"))
    safety = _score_field(_("안전성"))
    helpfulness = _score_field(_("유용성"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "side"], name="expertscore_unique_side"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"expertscore_{f}_1_5"
                )
                for f in RUBRIC
            ],
        ]
        verbose_name = _("전문가 점수")
        verbose_name_plural = _("전문가 점수")

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.side}"

    def mean(self) -> float:
        return sum(getattr(self, f) for f in RUBRIC) / len(RUBRIC)
