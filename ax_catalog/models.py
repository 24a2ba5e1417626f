"""Public-sector AX use cases. Field keys and Korean labels follow shared/research/domain-facts.md 6(a);
controlled vocabularies are TextChoices and also database check constraints, so no path (form, API,
import, admin, raw SQL through the ORM) can store a value outside them."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

CASE_ID = re.compile(r"^[A-Z0-9]{2,12}-\d{4}-\d{3,5}$")
SCHEMA_VERSION = "1.0.0"


def validate_case_id(value: str) -> None:
    if not CASE_ID.match(value):
        raise ValidationError(_("사례 ID는 '기관코드-연도-일련번호' 형식이어야 합니다 (예: MOIS-2025-001)."))


class AgencyType(models.TextChoices):
    CENTRAL = "central", _("중앙행정기관")
    METROPOLITAN = "metropolitan", _("광역자치단체")
    LOCAL = "local", _("기초자치단체")
    EDUCATION = "education", _("교육청")
    PUBLIC_INSTITUTION = "public_institution", _("공공기관")


class Agency(models.Model):
    code = models.CharField(_("기관코드"), max_length=12, unique=True)
    name = models.CharField(_("기관명"), max_length=100, unique=True)
    agency_type = models.CharField(_("기관 유형"), max_length=20, choices=AgencyType.choices)
    editors = models.ManyToManyField(
        "auth.User", blank=True, related_name="ax_agencies", verbose_name=_("편집자")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(agency_type__in=AgencyType.values), name="agency_type_vocab")
        ]
        verbose_name = _("기관")
        verbose_name_plural = _("기관")

    def __str__(self) -> str:
        return self.name


class Topic(models.TextChoices):
    GENERAL = "general_admin", _("일반행정")
    CIVIL = "civil_service", _("민원서비스")
    WELFARE = "welfare", _("복지급여")
    HEALTH = "health", _("보건의료")
    LAW = "law_enforcement", _("법집행")
    SAFETY = "disaster_safety", _("재난안전")
    TRANSPORT = "transport", _("교통")
    ENVIRONMENT = "environment_energy", _("환경에너지")
    SCIENCE = "science", _("과학")
    PERSONNEL = "personnel", _("인사")
    FINANCE = "procurement_finance", _("조달재정")
    IT = "informatization", _("정보화")
    CYBER = "cybersecurity", _("사이버보안")
    INTERNATIONAL = "international", _("국제")
    OTHER = "other", _("기타")


class Stage(models.TextChoices):
    PLANNING = "planning", _("기획")
    DEVELOPMENT = "development", _("개발·도입")
    PILOT = "pilot", _("시범운영")
    OPERATION = "operation", _("운영")
    RETIRED = "retired", _("중단")


class AIClass(models.TextChoices):
    AGENT = "agent", _("에이전트")
    GENERATIVE = "generative", _("생성형")
    NLP = "nlp", _("자연어처리")
    VISION = "vision", _("컴퓨터비전")
    PREDICTIVE = "predictive_ml", _("예측/분류 ML")
    RL = "reinforcement", _("강화학습")
    RULES = "rule_based", _("규칙기반")
    OTHER = "other", _("기타")


class Activity(models.TextChoices):
    ADJUDICATION = "adjudication", _("판정(심사)")
    ENFORCEMENT = "enforcement", _("집행")
    INTERNAL = "internal", _("내부관리")
    PUBLIC_SERVICE = "public_service", _("대국민서비스/참여")
    REGULATORY = "regulatory_monitoring", _("규제 분석/모니터링")


class Audience(models.TextChoices):
    G2C = "g2c", _("대국민(G2C)")
    G2B = "g2b", _("기업(G2B)")
    G2G = "g2g", _("행정내부(G2G)")


class HighImpact(models.TextChoices):
    YES = "yes", _("해당")
    REVIEWED_NO = "reviewed_no", _("검토 후 비해당")
    NO = "no", _("비해당")


class YesNo(models.TextChoices):
    YES = "yes", _("예")
    NO = "no", _("아니오")
    NOT_APPLICABLE = "na", _("해당없음")
    UNKNOWN = "unknown", _("미확인")


class SourceType(models.TextChoices):
    AGENCY = "agency", _("기관 직접등록")
    CASEBOOK = "casebook", _("사례집")
    PRESS = "press", _("보도자료·언론 보도")
    POC = "poc_report", _("PoC 보고서")
    SYNTHETIC = "synthetic", _("합성 자료 (부하 시험용)")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("미검증")
    AGENCY_CONFIRMED = "agency_confirmed", _("기관확인")
    OPERATOR_VERIFIED = "operator_verified", _("운영자검증")


class UseCaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Status(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("검토 요청")
    RETURNED = "returned", _("보완 요청")
    PUBLISHED = "published", _("공개")


class UseCase(models.Model):
    Status = Status

    # Identification and ownership
    case_id = models.CharField(_("사례 ID"), max_length=24, unique=True, validators=[validate_case_id])
    title = models.CharField(_("사례명"), max_length=200)
    summary_one_line = models.CharField(_("한 줄 요약"), max_length=100)
    description_public = models.TextField(_("쉬운 설명(대국민)"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="use_cases", verbose_name=_("기관")
    )
    org_unit = models.CharField(_("담당 부서"), max_length=100, blank=True)
    contact_email = models.EmailField(_("문의처(부서 메일)"), blank=True)
    url = models.URLField(_("관련 누리집"), blank=True)
    # Classification
    topic_area = models.CharField(_("업무 분야"), max_length=24, choices=Topic.choices)
    activity_type = models.CharField(_("행정 활동 유형"), max_length=24, choices=Activity.choices)
    audience = models.CharField(_("대상"), max_length=4, choices=Audience.choices)
    ai_class = models.CharField(_("AI 기술 분류"), max_length=16, choices=AIClass.choices)
    model_name = models.CharField(_("사용 모델"), max_length=200, blank=True)
    sovereign_model = models.ForeignKey(
        "arena.ModelEndpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ax_use_cases",
        verbose_name=_("독자 AI 파운데이션 모델"),
    )
    # Purpose and value
    problem = models.TextField(_("해결하려는 문제"), blank=True)
    benefits = models.TextField(_("기대 효과"), blank=True)
    outputs = models.TextField(_("AI 산출물"), blank=True)
    previous_process = models.TextField(_("기존 업무 방식"), blank=True)
    # Lifecycle
    stage = models.CharField(_("추진 단계"), max_length=12, choices=Stage.choices)
    start_date = models.DateField(_("착수일"), null=True, blank=True)
    op_date = models.DateField(_("운영(시범) 개시일"), null=True, blank=True)
    end_date = models.DateField(_("종료일"), null=True, blank=True)
    # Development and procurement
    dev_method = models.CharField(_("개발 방식"), max_length=100, blank=True)
    vendors = models.TextField(_("참여 기업"), blank=True)
    funding_program = models.CharField(_("재원·지원사업"), max_length=200, blank=True)
    budget_won = models.PositiveBigIntegerField(_("사업비(원)"), null=True, blank=True)
    # Data and privacy
    training_data = models.TextField(_("학습·미세조정·평가 데이터"), blank=True)
    operational_data = models.TextField(_("운영(입력) 데이터"), blank=True)
    has_pii = models.CharField(
        _("개인정보 처리 여부"), max_length=8, choices=YesNo.choices, default=YesNo.UNKNOWN
    )
    # Risk and governance
    high_impact = models.CharField(_("고영향 AI 해당 여부"), max_length=12, choices=HighImpact.choices)
    high_impact_reason = models.TextField(_("판단 근거"), blank=True)
    genai_notice = models.CharField(
        _("생성형 AI 고지·표시"), max_length=8, choices=YesNo.choices, default=YesNo.UNKNOWN
    )
    impact_assessment = models.TextField(_("영향평가"), blank=True)
    human_review = models.TextField(_("사람 검토·최종 결정 방식"), blank=True)
    appeal = models.TextField(_("이의제기 절차"), blank=True)
    risks_mitigations = models.TextField(_("위험 및 완화조치"), blank=True)
    # Record metadata
    source_type = models.CharField(_("등록 경로"), max_length=16, choices=SourceType.choices)
    source_url = models.URLField(_("출처 링크"), blank=True)
    source_note = models.CharField(_("출처"), max_length=300, blank=True)
    verified = models.CharField(
        _("검증 상태"), max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    schema_version = models.CharField(_("서식 버전"), max_length=12, default=SCHEMA_VERSION)
    status = models.CharField(_("공개 상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(_("검토 의견"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Korean morphemes of the searchable fields, space separated (see search.py); indexed per database.
    search_lexemes = models.TextField(blank=True, editable=False)

    objects = UseCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(topic_area__in=Topic.values), name="usecase_topic_vocab"),
            models.CheckConstraint(
                condition=Q(activity_type__in=Activity.values), name="usecase_activity_vocab"
            ),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="usecase_audience_vocab"),
            models.CheckConstraint(condition=Q(ai_class__in=AIClass.values), name="usecase_ai_class_vocab"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="usecase_stage_vocab"),
            models.CheckConstraint(
                condition=Q(high_impact__in=HighImpact.values), name="usecase_high_impact_vocab"
            ),
            models.CheckConstraint(condition=Q(has_pii__in=YesNo.values), name="usecase_has_pii_vocab"),
            models.CheckConstraint(
                condition=Q(genai_notice__in=YesNo.values), name="usecase_genai_notice_vocab"
            ),
            models.CheckConstraint(
                condition=Q(source_type__in=SourceType.values), name="usecase_source_vocab"
            ),
            models.CheckConstraint(
                condition=Q(verified__in=Verification.values), name="usecase_verified_vocab"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="usecase_status_vocab"),
        ]
        # The browse page's default order (newest first) without sorting every published case.
        indexes = [
            models.Index(
                F("updated_at").desc(),
                "case_id",
                condition=Q(status="published"),
                name="usecase_published_recent",
            )
        ]
        verbose_name = _("AX 사례")
        verbose_name_plural = _("AX 사례")

    def __str__(self) -> str:
        return f"{self.case_id} {self.title}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("종료일이 착수일보다 빠를 수 없습니다.")})


class Kpi(models.Model):
    """A measured result: the metric before and after, with unit and date. Only sourced figures."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(_("지표"), max_length=100)
    unit = models.CharField(_("단위"), max_length=30)
    before = models.FloatField(_("도입 전"))
    after = models.FloatField(_("도입 후"))
    measured_on = models.DateField(_("측정일"), null=True, blank=True)
    source = models.CharField(_("출처"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.metric}: {self.before}{self.unit} → {self.after}{self.unit}"


class UseCaseVersion(models.Model):
    """Every change to a use case: who, when, which workflow step, and the record as it then stood."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use_case", "-number"]
        constraints = [models.UniqueConstraint(fields=["use_case", "number"], name="usecase_version_unique")]

    def __str__(self) -> str:
        return f"{self.use_case_id} v{self.number} {self.action}"
